/**
 * The page store: the reader's LabState for one page, changed by
 * transactions, pushed to the engine worker on every change, saved per page
 * in localStorage, restored from a share link.
 */
import { createState, update, isEdited, type LabState, type Transaction, type TransactionSpec } from "../../packages/engine/src/state/state.ts";
import { createClient, startWorker, type LabClient } from "./client.ts";
import { keepReplaced, restoreSaved, save, type SaveOutcome, type Unreadable } from "./persist.ts";
import { readSharedState, SHARE_PARAM } from "./share.ts";
import type { UrlStateError } from "../../packages/engine/src/state/url.ts";

export interface LiveStore {
  /** The page key (its path): storage and share links are per page. */
  readonly page: string;
  /** The state the page was authored with (what Reset goes back to, and what diffs compare with). */
  readonly authored: LabState;
  readonly state: LabState;
  /** Whether the state differs from the authored one. */
  readonly edited: boolean;
  /** The engine worker, computing for this store's current state. */
  readonly client: LabClient;
  /** The scenario's file name in error messages (`seed.yaml`). */
  readonly fileName: string;
  /** Applies the specs in one transaction; listeners run synchronously when something changed. */
  dispatch(...specs: TransactionSpec[]): Transaction;
  /** Called after every transaction that changed the state. */
  subscribe(listener: (tr: Transaction) => void): () => void;
  /** Back to the authored state (and clears the page's saved edits). */
  reset(): Transaction;
  /** How the last save went ("without-dumps" when a pasted dump did not fit). */
  readonly lastSave: SaveOutcome | undefined;
  /** Set when the page was opened with a share link that could not be read. */
  readonly shareError: UrlStateError | undefined;
  /**
   * Set when the page's saved edits no longer read: they were moved aside (`movedTo`), or, when storage refused
   * the move, left in place, and then this store saves nothing over them.
   */
  readonly unreadableSave: Unreadable | undefined;
  /** Set when a share link's state replaced the page's saved edits: the key they were kept under. */
  readonly replacedSave: string | undefined;
  /** Stops the worker. */
  destroy(): void;
}

export interface LiveStoreOptions {
  /** Storage key; defaults to location.pathname. */
  readonly page?: string;
  /** The authored scenario YAML. */
  readonly scenarioText: string;
  readonly fileName?: string;
  /** Keep edits in localStorage (default true). */
  readonly persist?: boolean;
  /** Start from this state instead of the saved one (an /embed page's URL state). */
  readonly initial?: LabState;
  /** A worker to use instead of starting one (tests). */
  readonly worker?: Worker;
  /** Debounce of saves, ms (default 250). */
  readonly saveDelayMs?: number;
  /** Why the URL's share link (`#lab=`) could not be read, when it could not: the page shows it (store.shareError). */
  readonly shareError?: UrlStateError;
}

export function createLiveStore(opts: LiveStoreOptions): LiveStore {
  const page = opts.page ?? location.pathname;
  const fileName = opts.fileName ?? "scenario.yaml";
  const authored = createState(opts.scenarioText);
  const restored = (opts.persist ?? true) ? restoreSaved(page, authored) : {};
  // Saved edits that do not read and could not be moved aside must not be saved over.
  const persist = (opts.persist ?? true) && !(restored.unreadable && restored.unreadable.movedTo === undefined);
  let state = opts.initial ?? restored.state ?? authored;
  const client = createClient(opts.worker ?? startWorker(), authored, fileName);
  client.setState(state);
  const listeners = new Set<(tr: Transaction) => void>();
  let lastSave: SaveOutcome | undefined;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    saveTimer = undefined;
    lastSave = save(page, state, authored);
  };
  let replacedSave: string | undefined;
  if (persist && opts.initial) {
    // The link's state replaces the page's saved edits: keep those aside first.
    if (restored.state && isEdited(restored.state, opts.initial)) replacedSave = keepReplaced(page);
    flush();
  }
  if (persist) addEventListener("pagehide", () => saveTimer !== undefined && (clearTimeout(saveTimer), flush()));

  const store: LiveStore & { shareError: UrlStateError | undefined } = {
    page,
    authored,
    fileName,
    client,
    shareError: opts.shareError,
    unreadableSave: restored.unreadable,
    replacedSave,
    get state() {
      return state;
    },
    get edited() {
      return isEdited(state, authored);
    },
    get lastSave() {
      return lastSave;
    },
    dispatch(...specs) {
      const tr = update(state, authored, ...specs);
      if (tr.state === state) return tr;
      state = tr.state;
      client.setState(state);
      if (persist) {
        if (saveTimer !== undefined) clearTimeout(saveTimer);
        if (tr.origin === "reset") flush();
        else saveTimer = setTimeout(flush, opts.saveDelayMs ?? 250);
      }
      for (const l of [...listeners]) l(tr);
      return tr;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset() {
      return store.dispatch({ reset: true, origin: "reset" });
    },
    destroy() {
      if (saveTimer !== undefined) {
        clearTimeout(saveTimer);
        flush();
      }
      client.terminate();
      listeners.clear();
    },
  };
  return store;
}

let pageStore: Promise<LiveStore> | undefined;

/**
 * The store of an article page: its scenario (the seed the page was built
 * from, loaded with this chunk), the reader's saved edits for the page, or
 * the state of the share link it was opened with (which then becomes the
 * saved state, and leaves the address bar).
 */
export function getPageStore(): Promise<LiveStore> {
  pageStore ??= (async () => {
    const { SEED_SCENARIO, SEED_FILE_NAME } = await import("./seed.ts");
    const page = location.pathname;
    const authored = createState(SEED_SCENARIO);
    const shared = await readSharedState(authored);
    const store = createLiveStore({
      page,
      scenarioText: SEED_SCENARIO,
      fileName: SEED_FILE_NAME,
      ...(shared?.ok ? { initial: shared.state } : {}),
      ...(shared && !shared.ok ? { shareError: shared.error } : {}),
    });
    if (shared?.ok) {
      // The state now lives in the page's storage; the address bar goes back to the page's own URL.
      // (A link that does not read stays there, for the reader to look at or send back.)
      const hash = location.hash.slice(1).split("&").filter((p) => !p.startsWith(`${SHARE_PARAM}=`)).join("&");
      history.replaceState(history.state, "", `${location.pathname}${location.search}${hash ? `#${hash}` : ""}`);
    }
    return store;
  })();
  return pageStore;
}
