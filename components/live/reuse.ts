/**
 * Keeps the build's highlighting: the `<span class="line">` elements the
 * page was rendered with are remembered by their text, and a live listing
 * reuses a copy of one when it shows the same line again.
 */
export class LinePool {
  private readonly byText = new Map<string, HTMLElement[]>();

  constructor(root: Element | null, selector = ":scope > code > .line") {
    if (!root) return;
    for (const el of root.querySelectorAll<HTMLElement>(selector)) {
      const key = `${el.className}\u0000${el.textContent ?? ""}`;
      const list = this.byText.get(key);
      if (list) list.push(el);
      else this.byText.set(key, [el]);
    }
  }

  /** A copy of a built line with this class and text, if the page had one. */
  take(text: string, className = "line"): HTMLElement | undefined {
    const el = this.byText.get(`${className}\u0000${text}`)?.[0];
    return el ? (el.cloneNode(true) as HTMLElement) : undefined;
  }
}
