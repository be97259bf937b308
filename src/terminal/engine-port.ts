/**
 * The page's engine: the live layer's store (src/live/client.ts), whose
 * worker runs the engine, and the terminal's port over it. Every terminal and
 * live panel of a page shares them, so a terminal sees the reader's edits.
 *
 * - an article page: the live layer's page store (the reader's saved edits, #lab= share links);
 * - /playground/: its own store, saved per page, a #lab= share link restored;
 * - /embed/…: a store that never persists, started from the URL's #lab= state.
 *
 * worker-port.ts is the terminal's own worker, from before the live layer had
 * shell sessions; kept for a page without the live layer.
 */
import { createLiveStore, createState, getPageStore, readSharedState, type LiveStore } from "../live/client.ts";
import seedYaml from "../../content/seed.yaml?raw";
import type { EnginePort } from "./port.ts";
import { livePort } from "./live-port.ts";

export * from "./port.ts";

let store: Promise<LiveStore> | undefined;

async function ownStore(persist: boolean): Promise<LiveStore> {
  const authored = createState(seedYaml);
  const shared = await readSharedState(authored, location.href);
  return createLiveStore({
    page: location.pathname,
    scenarioText: seedYaml,
    fileName: "seed.yaml",
    persist,
    ...(shared?.ok ? { initial: shared.state } : {}),
    ...(shared && !shared.ok ? { shareError: shared.error } : {}),
  });
}

/** The page's live store; a share link or saved edits that could not be read are shown in a banner. */
export function pageStore(): Promise<LiveStore> {
  const path = location.pathname;
  store ??= (path.startsWith("/embed/") ? ownStore(false) : path.startsWith("/playground") ? ownStore(true) : getPageStore()).then(async (s) => {
    if (s.shareError || s.unreadableSave || s.replacedSave) (await import("../../components/live/notices.ts")).showNotices(s);
    return s;
  });
  return store;
}

let shared: EnginePort | undefined;

/** The page's one engine port. */
export function enginePort(): EnginePort {
  return (shared ??= livePort(pageStore));
}
