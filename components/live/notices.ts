/**
 * Banners at the top of the page's <main> for what the reader must know about
 * the state the page started from: a share link (`#lab=`) that could not be
 * read (the page shows its own scenario instead), saved edits that no longer
 * read (moved aside in storage, not deleted), and saved edits a share link's
 * state replaced (kept aside too). Text only, role="alert"; shown once per
 * store.
 */
import "./notices.css";
import type { LiveStore } from "../../src/live/client.ts";
import { h } from "./dom.ts";

const shown = new WeakSet<LiveStore>();

/** The sentences for a store's notices (none when the page started cleanly). */
export function noticesOf(store: LiveStore): { kind: "share" | "saved" | "replaced"; text: string }[] {
  const out: { kind: "share" | "saved" | "replaced"; text: string }[] = [];
  if (store.shareError) out.push({ kind: "share", text: `${store.shareError.message} The page shows its own scenario instead.` });
  const u = store.unreadableSave;
  if (u) {
    out.push({
      kind: "saved",
      text: u.movedTo
        ? `Your saved edits on this page could not be read: the saved state ${u.reason}. They were not deleted: they are kept in this browser's storage under “${u.movedTo}”. The page shows its own scenario.`
        : `Your saved edits on this page could not be read: the saved state ${u.reason}. They were left in this browser's storage, and edits you make now are not saved over them. The page shows its own scenario.`,
    });
  }
  if (store.replacedSave) {
    out.push({
      kind: "replaced",
      text: `This page shows the lab state from the link. Your own earlier edits on this page were not deleted: they are kept in this browser's storage under “${store.replacedSave}”.`,
    });
  }
  return out;
}

/** Shows the store's notices at the top of `where` (the page's <main> by default), once per store. */
export function showNotices(store: LiveStore, where: Element | null = document.querySelector("main")): void {
  if (shown.has(store)) return;
  shown.add(store);
  const host = where ?? document.body;
  for (const n of noticesOf(store).reverse()) {
    const close = h("button", { type: "button", "aria-label": "Dismiss this notice" }, "Dismiss");
    const banner = h("div", { class: "live-banner", role: "alert", "data-notice": n.kind }, h("p", {}, n.text), close);
    close.addEventListener("click", () => banner.remove());
    host.prepend(banner);
  }
}
