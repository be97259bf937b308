/**
 * Line diff (Myers' O(ND) algorithm) for flow listings: the current listing
 * against the authored one, as a merged list of lines marked same, added
 * or removed, in listing order (a removed line sits where it used to be).
 */

export type DiffMark = "same" | "added" | "removed";

export interface DiffLine {
  readonly text: string;
  readonly mark: DiffMark;
}

/**
 * The shortest edit script from `a` (before) to `b` (after). Past `maxEdits`
 * differences (very different texts), falls back to a multiset comparison,
 * which keeps `b`'s order and puts the removed lines first.
 */
export function diffLines(a: readonly string[], b: readonly string[], maxEdits = 4000): DiffLine[] {
  // Common prefix and suffix first: most edits touch a few lines.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length, endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffLine[] = a.slice(0, start).map((text) => ({ text, mark: "same" }));
  const tail: DiffLine[] = a.slice(endA).map((text) => ({ text, mark: "same" }));
  const mid = myers(a.slice(start, endA), b.slice(start, endB), maxEdits);
  return [...head, ...mid, ...tail];
}

function myers(a: readonly string[], b: readonly string[], maxEdits: number): DiffLine[] {
  const n = a.length, m = b.length;
  if (n === 0) return b.map((text) => ({ text, mark: "added" }));
  if (m === 0) return a.map((text) => ({ text, mark: "removed" }));
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) return multisetDiff(a, b);
  // Backtrack.
  const out: DiffLine[] = [];
  let x = n, y = m;
  for (let d = found; d > 0; d--) {
    const vv = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vv[offset + k - 1]! < vv[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vv[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ text: a[x - 1]!, mark: "same" });
      x--;
      y--;
    }
    if (x === prevX) out.push({ text: b[y - 1]!, mark: "added" });
    else out.push({ text: a[x - 1]!, mark: "removed" });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    out.push({ text: a[x - 1]!, mark: "same" });
    x--;
    y--;
  }
  return out.reverse();
}

function multisetDiff(a: readonly string[], b: readonly string[]): DiffLine[] {
  const count = new Map<string, number>();
  for (const t of a) count.set(t, (count.get(t) ?? 0) + 1);
  const kept: DiffLine[] = [];
  for (const t of b) {
    const c = count.get(t) ?? 0;
    if (c > 0) {
      count.set(t, c - 1);
      kept.push({ text: t, mark: "same" });
    } else kept.push({ text: t, mark: "added" });
  }
  const removed: DiffLine[] = [];
  for (const t of a) {
    const c = count.get(t) ?? 0;
    if (c > 0) {
      count.set(t, c - 1);
      removed.push({ text: t, mark: "removed" });
    }
  }
  return [...removed, ...kept];
}
