import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines } from "../../src/state/diff.ts";

const apply = (d: ReturnType<typeof diffLines>) => ({
  before: d.filter((l) => l.mark !== "added").map((l) => l.text),
  after: d.filter((l) => l.mark !== "removed").map((l) => l.text),
});

describe("diffLines", () => {
  it("marks added and removed lines in place", () => {
    const d = diffLines(["a", "b", "c", "d"], ["a", "c", "x", "d"]);
    expect(d).toEqual([
      { text: "a", mark: "same" },
      { text: "b", mark: "removed" },
      { text: "c", mark: "same" },
      { text: "x", mark: "added" },
      { text: "d", mark: "same" },
    ]);
  });

  it("handles empty sides", () => {
    expect(diffLines([], ["a"])).toEqual([{ text: "a", mark: "added" }]);
    expect(diffLines(["a"], [])).toEqual([{ text: "a", mark: "removed" }]);
    expect(diffLines([], [])).toEqual([]);
  });

  it("reproduces both sides and is minimal enough (property)", () => {
    const line = fc.constantFrom("a", "b", "c", "d", "e");
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (a, b) => {
        const d = diffLines(a, b);
        const r = apply(d);
        expect(r.before).toEqual(a);
        expect(r.after).toEqual(b);
        // Never worse than deleting everything and adding everything.
        expect(d.filter((l) => l.mark !== "same").length).toBeLessThanOrEqual(a.length + b.length);
      }),
    );
  });

  it("falls back to a multiset diff past the edit limit, still reproducing the sides' contents", () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`).concat(["a3"]);
    const d = diffLines(a, b, 10);
    const r = apply(d);
    expect(r.after).toEqual(b);
    expect(r.before.slice().sort()).toEqual(a.slice().sort());
  });
});
