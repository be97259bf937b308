/**
 * Input size limits. Every input a reader can paste or edit is checked
 * against these before any work starts, and past a limit gets a message
 * that states the limit, so memory and time stay bounded.
 */
export const LIMITS = {
  /** A scenario file (YAML): enough for 10,000 Pods with room to spare. */
  scenarioBytes: 8 * 1024 * 1024,
  /** A flows file or a pasted dump-flows output. */
  flowTextBytes: 16 * 1024 * 1024,
  /** Flows in one file or paste. */
  flowLines: 200_000,
  /** One command line typed at a prompt. */
  shellLineBytes: 64 * 1024,
  /** A URL's lab state token (`#lab=…`), in characters: well under the 2 MB a browser takes in a URL. */
  urlStateChars: 1024 * 1024,
  /** The JSON a URL's lab state inflates to: a scenario and flow texts at their limits fit. */
  urlStateBytes: 32 * 1024 * 1024,
} as const;

/** Human-readable size: "8 MiB", "64 KiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** UTF-8 length of a string, without allocating an encoded copy. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
