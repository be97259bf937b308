/** Names shared by the tiny boot script and the live layer (kept free of imports, so boot stays small). */

/** localStorage key prefix of a page's saved edits (persist.ts). */
export const STORAGE_PREFIX = "ovs-lab:live:v1:";

/**
 * localStorage key prefix where a page's saved edits go when they no longer read (persist.ts): kept aside, never
 * deleted, under `ovs-lab:live:unreadable:/the-page/` (then `…#2`, `…#3` when that key is taken).
 */
export const UNREADABLE_PREFIX = "ovs-lab:live:unreadable:";

/** localStorage key prefix where a page's saved edits go when a share link's state replaces them (persist.ts). */
export const REPLACED_PREFIX = "ovs-lab:live:replaced:";

/** The URL fragment parameter of share links (share.ts). */
export const SHARE_PARAM = "lab";
