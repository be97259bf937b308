/**
 * src/live/persist.ts: saved edits that no longer read are moved aside, never
 * deleted; when storage refuses the move they stay where they are and the
 * store saves nothing over them; a share link's state keeps the edits it
 * replaces.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createState, update } from "../../packages/engine/src/state/state.ts";
import { packState } from "../../packages/engine/src/state/url.ts";
import { keepReplaced, restoreSaved, save, storageKey, REPLACED_PREFIX, UNREADABLE_PREFIX } from "../../src/live/persist.ts";

class MemoryStorage {
  readonly items = new Map<string, string>();
  /** setItem throws for keys starting with this (a full or refusing storage). */
  refuse: string | undefined;
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    if (this.refuse !== undefined && k.startsWith(this.refuse)) throw new DOMException("quota", "QuotaExceededError");
    this.items.set(k, String(v));
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}

const authored = createState("kind: Cluster\n");
const PAGE = "/some-article/";
let storage: MemoryStorage;

beforeEach(() => {
  storage = new MemoryStorage();
  (globalThis as { localStorage?: unknown }).localStorage = storage;
});
afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe("restoreSaved", () => {
  it("restores a saved state that reads", () => {
    const edited = update(authored, authored, { scenarioText: "kind: Cluster\n# mine\n" }).state;
    expect(save(PAGE, edited, authored)).toBe("saved");
    expect(restoreSaved(PAGE, authored)).toEqual({ state: edited });
  });

  it("moves unreadable text aside (numbered when the key holds something else), never deleting it", () => {
    const cases = ["{not json", JSON.stringify({ v: 2 }), JSON.stringify({ v: 1, f: { worker1: 3 } })];
    for (const [i, raw] of cases.entries()) {
      storage.setItem(storageKey(PAGE), raw);
      const r = restoreSaved(PAGE, authored);
      const key = UNREADABLE_PREFIX + PAGE + (i === 0 ? "" : `#${i + 1}`);
      expect(r.state).toBeUndefined();
      expect(r.unreadable?.movedTo).toBe(key);
      expect(storage.getItem(key)).toBe(raw);
      expect(storage.getItem(storageKey(PAGE))).toBeNull();
    }
    expect(restoreSaved(PAGE, authored)).toEqual({});
  });

  it("says why: not JSON, another version, the field at fault", () => {
    const reason = (raw: string): string | undefined => {
      storage.setItem(storageKey(PAGE), raw);
      return restoreSaved(PAGE, authored).unreadable?.reason;
    };
    expect(reason("{")).toBe("is not JSON");
    expect(reason(JSON.stringify({ v: 2 }))).toBe("has version 2; this page reads version 1");
    expect(reason(JSON.stringify({ v: 1, d: [{ id: "a", name: 1, text: "" }] }))).toMatch(/\(at d\[0\]\.name\)$/);
  });

  it("leaves the text in place when storage refuses the move", () => {
    storage.setItem(storageKey(PAGE), "{not json");
    storage.refuse = UNREADABLE_PREFIX;
    const r = restoreSaved(PAGE, authored);
    expect(r.unreadable).toEqual({ reason: "is not JSON", movedTo: undefined });
    expect(storage.getItem(storageKey(PAGE))).toBe("{not json");
  });
});

describe("keepReplaced", () => {
  it("copies the saved edits aside before a share link's state replaces them", () => {
    const mine = JSON.stringify(packState(update(authored, authored, { options: { a: "b" } }).state, authored));
    storage.setItem(storageKey(PAGE), mine);
    expect(keepReplaced(PAGE)).toBe(REPLACED_PREFIX + PAGE);
    expect(storage.getItem(REPLACED_PREFIX + PAGE)).toBe(mine);
    expect(keepReplaced("/nothing-saved/")).toBeUndefined();
  });
});
