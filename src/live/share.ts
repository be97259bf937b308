/**
 * Share links: the whole lab state in the URL fragment, `#lab=TOKEN` (see
 * packages/engine/src/state/url.ts for the token). A fragment never reaches
 * the server, and the page's own anchors (`#section`) still work beside it
 * because the token is only read from `lab=`.
 */
import type { LabState } from "../../packages/engine/src/state/state.ts";
import { decodeState, encodeState, type DecodeResult } from "../../packages/engine/src/state/url.ts";

import { SHARE_PARAM } from "./keys.ts";

export { SHARE_PARAM };

/** The token in a URL's fragment (`#lab=…`, also `#lab=…&x=y`), or undefined. */
export function tokenOf(hash: string): string | undefined {
  const h = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of h.split("&")) {
    if (part.startsWith(`${SHARE_PARAM}=`)) return part.slice(SHARE_PARAM.length + 1);
  }
  return undefined;
}

/** The URL that opens this page with `state` (the current URL by default; other fragment parts are dropped). */
export async function shareUrl(state: LabState, authored: LabState, base: string = location.href): Promise<string> {
  const url = new URL(base);
  url.hash = `${SHARE_PARAM}=${await encodeState(state, authored)}`;
  return url.toString();
}

/** The state of a share link (the current location by default), or undefined when the URL has none. */
export async function readSharedState(authored: LabState, href: string = location.href): Promise<DecodeResult | undefined> {
  const token = tokenOf(new URL(href).hash);
  if (token === undefined) return undefined;
  return decodeState(token, authored);
}

/** Whether a URL fragment carries a lab state (cheap: no decoding). */
export function hasSharedState(hash: string = location.hash): boolean {
  return tokenOf(hash) !== undefined;
}
