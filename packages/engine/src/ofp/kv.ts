/**
 * The key/value tokenizer behind every ovs-ofctl syntax (OVS's
 * `ofputil_parse_key_value`): items are separated by commas or white space;
 * an item is `key`, `key=value`, `key:value` or `key(value)`, and a value may
 * hold nested parentheses.
 */
import { OfpError } from "./errors.ts";

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** Offset of the key in the tokenized string. */
  readonly start: number;
  /** Offset of the value (or of the key when there is no value). */
  readonly valueStart: number;
  /** Offset just past the item. */
  readonly end: number;
}

/** Item separators: comma, space, tab, CR, LF. */
function isDelim(c: number): boolean {
  return c === 44 || c === 32 || c === 9 || c === 13 || c === 10;
}

/** Characters that end a key: the separators plus `:`, `=` and `(`. */
function endsKey(c: number): boolean {
  return isDelim(c) || c === 58 || c === 61 || c === 40;
}

/** Splits `text` into key/value items. Offsets are relative to `text`. */
export function keyValues(text: string): KeyValue[] {
  const out: KeyValue[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && isDelim(text.charCodeAt(i))) i++;
    if (i >= n) return out;
    const start = i;
    while (i < n && !endsKey(text.charCodeAt(i))) i++;
    const key = text.slice(start, i);
    const sep = text[i];
    if (sep === "=" || sep === ":") {
      i++;
      const valueStart = i;
      let depth = 0;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 40) depth++;
        else if (c === 41) {
          if (depth === 0) break;
          depth--;
        } else if (depth === 0 && isDelim(c)) break;
        i++;
      }
      out.push({ key, value: text.slice(valueStart, i), start, valueStart, end: i });
    } else if (sep === "(") {
      i++;
      const valueStart = i;
      let depth = 1;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 40) depth++;
        else if (c === 41 && --depth === 0) break;
        i++;
      }
      if (depth !== 0) {
        throw new OfpError(`${text.slice(start)}: unbalanced parentheses`, { line: 1, column: start + 1, length: n - start });
      }
      const value = text.slice(valueStart, i);
      i++;
      out.push({ key, value, start, valueStart, end: i });
    } else {
      out.push({ key, value: "", start, valueStart: start, end: i });
    }
  }
}

/** All items of a comma-separated argument list, e.g. the inside of `ct(...)`. */
export function splitArgs(text: string): KeyValue[] {
  return keyValues(text);
}
