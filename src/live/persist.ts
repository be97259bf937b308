/**
 * The reader's edits survive a reload: the state's parts that differ from the
 * authored state are kept in localStorage under a key per page. Storage can
 * be full or disabled; then nothing is kept, and `save` says so. Saved edits
 * that no longer read are moved aside under UNREADABLE_PREFIX + page, not
 * deleted (`restoreSaved` says so).
 */
import type { LabState } from "../../packages/engine/src/state/state.ts";
import { isEdited } from "../../packages/engine/src/state/state.ts";
import { packState, unpackState } from "../../packages/engine/src/state/url.ts";

import { REPLACED_PREFIX, STORAGE_PREFIX as PREFIX, UNREADABLE_PREFIX } from "./keys.ts";

export { REPLACED_PREFIX, UNREADABLE_PREFIX };

export function storageKey(page: string): string {
  return PREFIX + page;
}

/** Saved edits of a page that no longer read (damaged, or written by another version of the site), and where they went. */
export interface Unreadable {
  /** Why they do not read, in the decoder's words ("is not JSON", "has version 2; this page reads version 1"). */
  readonly reason: string;
  /**
   * The key they were moved to (`ovs-lab:live:unreadable:/page/`, see UNREADABLE_PREFIX); undefined when storage
   * refused the move: then they stay under the page's own key, and the page must not save over them.
   */
  readonly movedTo: string | undefined;
}

export interface Restored {
  /** The saved state, when there is one and it reads. */
  readonly state?: LabState;
  /** Set when there were saved edits that do not read. */
  readonly unreadable?: Unreadable;
}

/** The key saved text goes aside to: the first free one of `<prefix><page>`, `…#2`, `…#3`, … (or one holding the same text). */
function asideKey(prefix: string, page: string, raw: string): string | undefined {
  for (let n = 1; n <= 20; n++) {
    const key = prefix + page + (n === 1 ? "" : `#${n}`);
    const there = localStorage.getItem(key);
    if (there === null || there === raw) return key;
  }
  return undefined;
}

/**
 * The page's saved state. Saved text that no longer reads is moved aside (see UNREADABLE_PREFIX), never
 * deleted, and the outcome says so, for the page to tell the reader.
 */
export function restoreSaved(page: string, authored: LabState): Restored {
  let raw: string | null;
  try {
    raw = localStorage.getItem(storageKey(page));
  } catch {
    return {};
  }
  if (!raw) return {};
  let reason: string;
  try {
    const r = unpackState(JSON.parse(raw), authored);
    if (r.ok) return { state: r.state };
    reason = r.message;
  } catch (e) {
    reason = e instanceof SyntaxError ? "is not JSON" : `cannot be read (${e instanceof Error ? e.message : String(e)})`;
  }
  let movedTo: string | undefined;
  try {
    const key = asideKey(UNREADABLE_PREFIX, page, raw);
    if (key !== undefined) {
      localStorage.setItem(key, raw);
      localStorage.removeItem(storageKey(page));
      movedTo = key;
    }
  } catch {
    movedTo = undefined; // storage full or refused: the text stays where it is
  }
  return { unreadable: { reason, movedTo } };
}

/**
 * Moves the page's saved edits aside, under REPLACED_PREFIX + page (a share link's state is about to replace them).
 * Returns the key, or undefined when nothing was saved or storage refused.
 */
export function keepReplaced(page: string): string | undefined {
  try {
    const raw = localStorage.getItem(storageKey(page));
    if (raw === null) return undefined;
    const key = asideKey(REPLACED_PREFIX, page, raw);
    if (key === undefined) return undefined;
    localStorage.setItem(key, raw);
    return key;
  } catch {
    return undefined;
  }
}

/** The saved state of a page, or undefined (nothing saved, unreadable: then moved aside, or storage disabled). */
export function loadSaved(page: string, authored: LabState): LabState | undefined {
  return restoreSaved(page, authored).state;
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
