/**
 * The page's engine port: the live layer's client (src/live/client.ts, its
 * store and engine worker) behind the terminal, the playground and the embed
 * pages. worker-port.ts is the terminal's own worker, used until the live
 * layer had shell sessions, kept for pages without the live layer.
 */
import type { EnginePort } from "./port.ts";
import { livePort } from "./live-port.ts";

export * from "./port.ts";

let shared: EnginePort | undefined;

/** The page's one engine port (every terminal and live panel of a page shares it). */
export function enginePort(): EnginePort {
  // /embed pages read a custom scenario from the URL's shared state (#lab=…) and never persist.
  return (shared ??= livePort({ fromUrl: location.pathname.startsWith("/embed/"), persist: false }));
}
