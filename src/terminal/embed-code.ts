/**
 * The "Copy embed code" buttons: each copies the <iframe> snippet of its
 * component's /embed/… page. Where the clipboard is not available, the
 * snippet appears in a selected text field to copy by hand.
 */

/** The snippet for an embed page path with its query (`/embed/flows?node=worker1`). */
export function iframeSnippet(src: string, title: string, height: number, origin = location.origin): string {
  const url = new URL(src, origin).href;
  const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return (
    `<iframe src="${esc(url)}" title="${esc(title)}" width="100%" height="${height}" ` +
    `style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>`
  );
}

function fallback(holder: HTMLElement, snippet: string): void {
  let field = holder.querySelector<HTMLTextAreaElement>("textarea");
  if (!field) {
    field = document.createElement("textarea");
    field.className = "embed-code-field";
    field.readOnly = true;
    field.rows = 3;
    field.setAttribute("aria-label", "Embed code");
    holder.append(field);
  }
  field.value = snippet;
  field.focus();
  field.select();
}

export function setupEmbedCode(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>(".embed-code-button:not([data-ready])")) {
    button.dataset.ready = "";
    button.addEventListener("click", async () => {
      const holder = button.parentElement as HTMLElement;
      const status = holder.querySelector<HTMLElement>(".embed-code-status");
      const src = button.dataset.embedSrc ?? "/embed/";
      const snippet = iframeSnippet(src, button.dataset.embedTitle ?? "OVS Pipeline Lab", Number(button.dataset.embedHeight ?? 480));
      button.dataset.snippet = snippet;
      try {
        await navigator.clipboard.writeText(snippet);
        if (status) status.textContent = "Copied.";
      } catch {
        fallback(holder, snippet);
        if (status) status.textContent = "Copy the code from the field.";
      }
    });
  }
}
