/**
 * LabState in a URL: `encodeState` gives a token for a URL fragment
 * (`#lab=TOKEN`), `decodeState` restores the state exactly. The token is
 * `2.` (the format version) followed by the base64url (no padding) of the
 * state's JSON compressed with zlib's "deflate" format, using the platform's
 * CompressionStream (browsers, workers and Node 18+): no dependency. Its
 * Adler-32 checksum makes a link altered by hand or damaged in transit fail
 * to decode instead of giving a slightly different state. Format 1 tokens
 * (the same with deflate-raw, no checksum) are still read.
 *
 * Parts equal to the authored state are left out of the token (a page's
 * share link with only a moved Pod stays short), so decoding needs the same
 * authored state. Decoding never throws: it returns a typed error that says
 * where the token is at fault (`position`, a character offset in the token)
 * or which part of the decoded state is (`field`). A token longer than
 * LIMITS.urlStateChars, or inflating past LIMITS.urlStateBytes, is refused.
 */
import { LIMITS, formatBytes } from "../limits.ts";
import { normalizeState, stateShapeIssue, STATE_VERSION, type LabState } from "./state.ts";

export const URL_FORMAT_VERSION = 2;

/** The compression of each token format decodeState reads. */
const FORMATS: Record<number, "deflate-raw" | "deflate"> = { 1: "deflate-raw", 2: "deflate" };

export type UrlStateErrorCode =
  /** The token does not start with a known format version (`2.`, `1.`), or its state has another version (`v`). */
  | "unsupported-version"
  /** The token is longer than LIMITS.urlStateChars, or inflates past LIMITS.urlStateBytes. */
  | "too-large"
  /** Characters outside base64url, or a length base64 cannot have. */
  | "bad-base64"
  /** The bytes do not inflate, or fail their checksum (truncated or altered link). */
  | "bad-compression"
  /** The inflated text is not JSON. */
  | "bad-json"
  /** The JSON is not a state (missing or mistyped fields). */
  | "bad-state"
  /** The platform has no CompressionStream/DecompressionStream. */
  | "unsupported-platform";

export interface UrlStateError {
  readonly code: UrlStateErrorCode;
  /** A sentence for the reader ("This link is damaged: …"). */
  readonly message: string;
  /** Offset (0-based) of the first character of the token at fault, for problems found before inflating. */
  readonly position?: number;
  /**
   * The part of the decoded state at fault, for problems found after inflating: `v`, `scenarioText`,
   * `pastedDumps[0].name`, `traces.trace-0.port`, …; `$` when it is the whole decoded text.
   */
  readonly field?: string;
}

export type DecodeResult = { readonly ok: true; readonly state: LabState } | { readonly ok: false; readonly error: UrlStateError };

/** What goes into the token: the state's parts that differ from the authored state. */
export interface Packed {
  v: number;
  s?: string;
  f?: Record<string, string>;
  d?: { id: string; name: string; text: string }[];
  t?: LabState["traces"];
  o?: Record<string, string>;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function base64urlEncode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]!;
  }
  return out;
}

/** The bytes of a base64url text (no padding), or undefined when it is not one. */
export function base64urlDecode(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0, acc = 0, bits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // Leftover bits must be zero in a canonical encoding.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out.subarray(0, o);
}

/** Offset of the first character that makes `text` not base64url (as base64urlDecode reads it), or undefined. */
export function base64urlProblem(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || B64_INDEX[c]! < 0) return i;
  }
  // One character past a group of four, or leftover bits that are not zero: the last character is at fault.
  if (text.length % 4 === 1) return text.length - 1;
  if (base64urlDecode(text) === undefined) return text.length - 1;
  return undefined;
}

class TooLarge extends Error {}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, maxBytes = Infinity): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Write and close without awaiting: the readable side must be drained concurrently.
  const done = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  done.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    chunks.push(value);
    size += value.length;
    if (size > maxBytes) {
      // A small token can inflate to gigabytes: stop reading at the limit.
      reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
  }
  await done;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function hasStreams(): boolean {
  return typeof CompressionStream === "function" && typeof DecompressionStream === "function";
}

/** The parts of `state` that differ from `authored`, as a small JSON-able object (for URLs and storage). */
export function packState(state: LabState, authored: LabState): Packed {
  const p: Packed = { v: STATE_VERSION };
  if (state.scenarioText !== authored.scenarioText) p.s = state.scenarioText;
  if (JSON.stringify(state.flowOverrides) !== JSON.stringify(authored.flowOverrides)) p.f = { ...state.flowOverrides };
  if (JSON.stringify(state.pastedDumps) !== JSON.stringify(authored.pastedDumps)) p.d = state.pastedDumps.map((d) => ({ ...d }));
  if (JSON.stringify(state.traces) !== JSON.stringify(authored.traces)) p.t = state.traces;
  if (JSON.stringify(state.options) !== JSON.stringify(authored.options)) p.o = { ...state.options };
  return p;
}

/**
 * The URL token of a state (see the module comment). Rejects where the platform lacks CompressionStream, and
 * when the token would be past what decodeState reads (LIMITS.urlStateChars, LIMITS.urlStateBytes).
 */
export async function encodeState(state: LabState, authored: LabState): Promise<string> {
  if (!hasStreams()) throw new Error("this browser cannot compress (no CompressionStream)");
  const raw = new TextEncoder().encode(JSON.stringify(packState(state, authored)));
  if (raw.length > LIMITS.urlStateBytes) throw new Error(`the lab state is too large for a link (over ${formatBytes(LIMITS.urlStateBytes)})`);
  const bytes = await pipe(raw, new CompressionStream(FORMATS[URL_FORMAT_VERSION]!));
  const token = `${URL_FORMAT_VERSION}.${base64urlEncode(bytes)}`;
  if (token.length > LIMITS.urlStateChars) throw new Error(`the lab state is too large for a link (over ${formatBytes(LIMITS.urlStateChars)} once compressed)`);
  return token;
}

type Where = { position: number } | { field: string };
const fail = (code: UrlStateErrorCode, message: string, where: Where): DecodeResult => ({ ok: false, error: { code, message, ...where } });

/** The state a token holds, on top of the authored state; never throws. */
export async function decodeState(token: string, authored: LabState): Promise<DecodeResult> {
  try {
    if (token.length > LIMITS.urlStateChars) {
      return fail(
        "too-large",
        `This link's lab state is too large: ${token.length} characters, over the limit of ${formatBytes(LIMITS.urlStateChars)}.`,
        { position: LIMITS.urlStateChars },
      );
    }
    const m = /^(\d+)\./.exec(token);
    if (!m) return fail("unsupported-version", "This link's lab state has a format this page does not know (no version).", { position: 0 });
    const version = Number(m[1]);
    const format = FORMATS[version];
    if (!format || m[1]!.length > 1) {
      return fail(
        "unsupported-version",
        version > URL_FORMAT_VERSION
          ? `This link was made by a newer version of the lab (link format ${m[1]}); this page reads format ${URL_FORMAT_VERSION}.`
          : `This link's lab state has a format this page does not know (version ${m[1]}).`,
        { position: 0 },
      );
    }
    const start = m[0].length;
    if (!hasStreams()) return fail("unsupported-platform", "This browser cannot decompress the link's lab state (no DecompressionStream).", { position: start });
    const payload = token.slice(start);
    const bytes = base64urlDecode(payload);
    if (!bytes) {
      const at = start + (base64urlProblem(payload) ?? 0);
      return fail("bad-base64", `This link's lab state is damaged: it is not base64url text (at character ${at + 1}).`, { position: at });
    }
    let inflated: Uint8Array;
    try {
      inflated = await pipe(bytes, new DecompressionStream(format), LIMITS.urlStateBytes);
    } catch (e) {
      if (e instanceof TooLarge) {
        return fail("too-large", `This link's lab state is too large: it inflates past the limit of ${formatBytes(LIMITS.urlStateBytes)}.`, { position: start });
      }
      return fail(
        "bad-compression",
        "This link's lab state is damaged: it does not decompress, or fails its checksum (the link may be cut short or altered).",
        { position: start },
      );
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(inflated);
    } catch {
      return fail("bad-json", "This link's lab state is damaged: it is not UTF-8 text.", { field: "$" });
    }
    let packed: unknown;
    try {
      packed = JSON.parse(text);
    } catch {
      return fail("bad-json", "This link's lab state is damaged: it is not JSON.", { field: "$" });
    }
    const r = unpackState(packed, authored);
    if (!r.ok) {
      const newer = r.code === "unsupported-version" && typeof (packed as { v?: unknown }).v === "number" && (packed as { v: number }).v > STATE_VERSION;
      return fail(
        r.code,
        newer ? `This link was made by a newer version of the lab: its lab state ${r.message}.` : `This link's lab state ${r.message}.`,
        { field: r.field },
      );
    }
    return { ok: true, state: r.state };
  } catch (e) {
    return fail("bad-state", `This link's lab state cannot be read: ${e instanceof Error ? e.message : String(e)}.`, { field: "$" });
  }
}

/** Packed keys (packState's) of the LabState fields, to name a field as the token has it. */
const PACKED_KEY: Record<string, string> = { scenarioText: "s", flowOverrides: "f", pastedDumps: "d", traces: "t", options: "o" };

/**
 * The state a packed object (packState's output, read back from JSON) describes; a problem otherwise, with the
 * field at fault in the packed object's terms (`v`, `d[0].name`, `t.trace-0.port`; `$` for the whole).
 */
export function unpackState(
  packed: unknown,
  authored: LabState,
): { ok: true; state: LabState } | { ok: false; code: "bad-state" | "unsupported-version"; message: string; field: string } {
  if (!packed || typeof packed !== "object" || Array.isArray(packed)) return { ok: false, code: "bad-state", message: "is not an object", field: "$" };
  const p = packed as Record<string, unknown>;
  if (p.v !== STATE_VERSION) {
    return { ok: false, code: "unsupported-version", message: `has version ${JSON.stringify(p.v) ?? "(none)"}; this page reads version ${STATE_VERSION}`, field: "v" };
  }
  const candidate = {
    version: STATE_VERSION,
    scenarioText: p.s ?? authored.scenarioText,
    flowOverrides: p.f ?? authored.flowOverrides,
    pastedDumps: p.d ?? authored.pastedDumps,
    traces: p.t ?? authored.traces,
    options: p.o ?? authored.options,
  };
  const issue = stateShapeIssue(candidate);
  if (issue) {
    const field = issue.field.replace(/^[A-Za-z]+/, (k) => PACKED_KEY[k] ?? k);
    return { ok: false, code: "bad-state", message: `is not valid: ${issue.problem} (at ${field})`, field };
  }
  return { ok: true, state: normalizeState(candidate as LabState) };
}
