/**
 * The reader's edits survive a reload: the state's parts that differ from the
 * authored state are kept in localStorage under a key per page. Storage can
 * be full or disabled; then nothing is kept, and `save` says so.
 */
import type { LabState } from "../../packages/engine/src/state/state.ts";
import { isEdited } from "../../packages/engine/src/state/state.ts";
import { packState, unpackState } from "../../packages/engine/src/state/url.ts";

import { STORAGE_PREFIX as PREFIX } from "./keys.ts";

export function storageKey(page: string): string {
  return PREFIX + page;
}

/** The saved state of a page, or undefined (nothing saved, unreadable, or storage disabled). */
export function loadSaved(page: string, authored: LabState): LabState | undefined {
  let raw: string | null;
  try {
    raw = localStorage.getItem(storageKey(page));
  } catch {
    return undefined;
  }
  if (!raw) return undefined;
  try {
    const r = unpackState(JSON.parse(raw), authored);
    return r.ok ? r.state : undefined;
  } catch {
    return undefined;
  }
}

export type SaveOutcome = "saved" | "cleared" | "without-dumps" | "failed";

/** Pasted dumps past this many characters are not kept (localStorage holds about 5 M characters per site). */
const MAX_DUMP_CHARS = 1_000_000;

/** Saves the state (or clears the key when the state is the authored one). */
export function save(page: string, state: LabState, authored: LabState): SaveOutcome {
  const key = storageKey(page);
  try {
    if (!isEdited(state, authored)) {
      localStorage.removeItem(key);
      return "cleared";
    }
    const dumpChars = state.pastedDumps.reduce((n, d) => n + d.text.length, 0);
    try {
      if (dumpChars > MAX_DUMP_CHARS) throw new Error("too large");
      localStorage.setItem(key, JSON.stringify(packState(state, authored)));
      return "saved";
    } catch {
      // Most likely over quota (a large pasted dump): keep everything else.
      localStorage.setItem(key, JSON.stringify(packState({ ...state, pastedDumps: authored.pastedDumps }, authored)));
      return "without-dumps";
    }
  } catch {
    return "failed";
  }
}

export function hasSaved(page: string): boolean {
  try {
    return localStorage.getItem(storageKey(page)) !== null;
  } catch {
    return false;
  }
}
