/** Names shared by the tiny boot script and the live layer (kept free of imports, so boot stays small). */

/** localStorage key prefix of a page's saved edits (persist.ts). */
export const STORAGE_PREFIX = "ovs-lab:live:v1:";

/** The URL fragment parameter of share links (share.ts). */
export const SHARE_PARAM = "lab";
