/**
 * A small highlighter for flow lines (`ovs-ofctl dump-flows` and add-flows
 * syntax) for lines the build did not render: keys, values and action
 * names get classes that live.css colours like the build's shiki theme.
 * Lines the build rendered keep the build's highlighting (see reuse.ts).
 */
import { h } from "./dom.ts";

const TOKEN = /([A-Za-z_][A-Za-z0-9_]*=)|([A-Za-z_][A-Za-z0-9_]*(?=[:(]))|(,|\s+)|([^,\s]+?(?=[,\s]|$))/g;

/** A `<span class="line">` with the flow's tokens as coloured spans. */
export function flowLine(text: string, extraClass = ""): HTMLSpanElement {
  const line = h("span", { class: `line${extraClass ? ` ${extraClass}` : ""}` });
  const actionsAt = text.indexOf("actions=");
  let m: RegExpExecArray | null;
  TOKEN.lastIndex = 0;
  let last = 0;
  while ((m = TOKEN.exec(text))) {
    if (m[0] === "") {
      TOKEN.lastIndex++;
      continue;
    }
    if (m.index > last) line.append(text.slice(last, m.index));
    const inActions = actionsAt >= 0 && m.index >= actionsAt;
    const cls = m[1] ? (m[1] === "actions=" ? "tk-kw" : "tk-k") : m[2] ? (inActions ? "tk-a" : "tk-k") : m[4] ? "tk-v" : "";
    line.append(cls ? h("span", { class: cls }, m[0]) : m[0]);
    last = m.index + m[0].length;
  }
  if (last < text.length) line.append(text.slice(last));
  return line;
}

/** A plain `<span class="line">`. */
export function textLine(text: string, extraClass = ""): HTMLSpanElement {
  return h("span", { class: `line${extraClass ? ` ${extraClass}` : ""}` }, text);
}
