/**
 * The lab's headless state core (no DOM): LabState changed by transactions,
 * memoized derivations (flow listings with their diff, traces, shells), and
 * the URL codec. The site's live layer (src/live/) runs it in a Web Worker.
 */
export * from "./state.ts";
export type * from "./views.ts";
export { LabDerivations, CancelledError, overrideKey, ofpProblem, FLOWS_FILE_NAME, type ProgressSink, type DeriveOptions } from "./derive.ts";
export { diffLines, type DiffLine, type DiffMark } from "./diff.ts";
export {
  liveTrace, conntrackOf, splitPasses, exactTrace, packetLine, verdictOf, REJECTED_NOTE, LiveTraceError, type LiveTraceOptions,
} from "./trace.ts";
export {
  encodeState, decodeState, packState, unpackState, base64urlEncode, base64urlDecode, base64urlProblem, URL_FORMAT_VERSION,
  type DecodeResult, type UrlStateError, type UrlStateErrorCode, type Packed,
} from "./url.ts";
export { hash53, Lru } from "./memo.ts";
