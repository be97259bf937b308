import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createState, update } from "../../src/state/state.ts";
import { base64urlDecode, base64urlEncode, base64urlProblem, decodeState, encodeState } from "../../src/state/url.ts";
import { LIMITS } from "../../src/limits.ts";

const authored = createState("apiVersion: ovs-lab/v1alpha1\nkind: Cluster\n# ünïcödé ✓\n");

describe("URL state", () => {
  it("round-trips a state exactly", async () => {
    const s = update(
      authored,
      authored,
      { scenarioText: authored.scenarioText + "---\nkind: Pod # moved\n" },
      { flows: { node: "worker1:70", text: 'table=70,priority=0 actions=drop\n' } },
      { addDump: { id: "d1", name: "my cluster", text: " cookie=0x0, table=0, priority=0 actions=NORMAL\n" } },
      { trace: { id: "trace-0", query: { from: "frontend", to: "backendsvc", port: 80, proto: "tcp", reply: true } } },
      { options: { view: "exact" } },
    ).state;
    const token = await encodeState(s, authored);
    expect(token).toMatch(/^2\.[A-Za-z0-9_-]+$/);
    const r = await decodeState(token, authored);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.state).toEqual(s);
  });

  it("leaves unchanged parts out of the token", async () => {
    const small = await encodeState(update(authored, authored, { options: { a: "b" } }).state, authored);
    const big = await encodeState(update(authored, authored, { scenarioText: "x".repeat(500) + authored.scenarioText }).state, authored);
    expect(small.length).toBeLessThan(48); // 8 of them the zlib header and checksum
    expect(big.length).toBeGreaterThan(small.length);
    const r = await decodeState(small, authored);
    expect(r.ok && r.state.scenarioText).toBe(authored.scenarioText);
  });

  it("returns typed errors for bad tokens, never throws", async () => {
    const cases: [string, string][] = [
      ["", "unsupported-version"],
      ["3.AAAA", "unsupported-version"],
      ["1.***", "bad-base64"],
      ["1.A", "bad-base64"],
      ["1.AAAAAAAA", "bad-compression"],
      ["2.AAAAAAAA", "bad-compression"],
    ];
    for (const [token, code] of cases) {
      const r = await decodeState(token, authored);
      expect(r.ok, token).toBe(false);
      if (!r.ok) expect(r.error.code, token).toBe(code);
    }
    // Valid deflate of non-JSON, then of JSON that is not a state.
    const deflate = async (text: string): Promise<string> => {
      const cs = new CompressionStream("deflate-raw");
      const out = new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(cs)).arrayBuffer());
      return `1.${base64urlEncode(out)}`;
    };
    let r = await decodeState(await deflate("not json"), authored);
    expect(!r.ok && r.error.code).toBe("bad-json");
    r = await decodeState(await deflate(JSON.stringify({ v: 1, f: { w: 1 } })), authored);
    expect(!r.ok && r.error.code).toBe("bad-state");
    r = await decodeState(await deflate(JSON.stringify({ v: 9 })), authored);
    expect(!r.ok && r.error.code).toBe("unsupported-version");
    // A cut-short link.
    const good = await encodeState(update(authored, authored, { scenarioText: "q".repeat(2000) + Math.random() }).state, authored);
    r = await decodeState(good.slice(0, good.length - 12), authored);
    expect(r.ok).toBe(false);
  });

  it("base64url round-trips any bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = base64urlEncode(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(Array.from(base64urlDecode(text)!)).toEqual(Array.from(bytes));
      }),
    );
  });

  it("says where a bad token is at fault: a position in the token, or the field of the state", async () => {
    const deflate = async (text: string): Promise<string> => {
      const cs = new CompressionStream("deflate-raw");
      const out = new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(cs)).arrayBuffer());
      return `1.${base64urlEncode(out)}`;
    };
    const err = async (token: string) => {
      const r = await decodeState(token, authored);
      if (r.ok) throw new Error(`decoded ${token.slice(0, 40)}`);
      return r.error;
    };
    expect(await err("x.AAAA")).toMatchObject({ code: "unsupported-version", position: 0 });
    expect(await err("3.AAAA")).toMatchObject({ code: "unsupported-version", position: 0, message: expect.stringMatching(/newer version of the lab \(link format 3\)/) });
    expect(await err("1.AB*D")).toMatchObject({ code: "bad-base64", position: 4, message: expect.stringMatching(/at character 5/) });
    expect(await err("1.AAAAA")).toMatchObject({ code: "bad-base64", position: 6 });
    expect(await err("1.AAAAAAAA")).toMatchObject({ code: "bad-compression", position: 2 });
    expect(await err(await deflate("{"))).toMatchObject({ code: "bad-json", field: "$" });
    expect(await err(await deflate(JSON.stringify({ v: 2, s: "x" })))).toMatchObject({
      code: "unsupported-version",
      field: "v",
      message: expect.stringMatching(/newer version of the lab/),
    });
    expect(await err(await deflate(JSON.stringify({ v: 1, d: [{ id: "a", name: 3, text: "" }] })))).toMatchObject({ code: "bad-state", field: "d[0].name" });
    expect(await err(await deflate(JSON.stringify({ v: 1, t: { "trace-0": { from: "a", to: "b", port: 1e6 } } })))).toMatchObject({
      code: "bad-state",
      field: "t.trace-0.port",
    });
    expect(await err(await deflate(JSON.stringify({ v: 1, f: { worker1: 7 } })))).toMatchObject({ code: "bad-state", field: "f.worker1" });
  });

  it("refuses a token over the stated limit, and one that inflates past it, without inflating it all", async () => {
    const long = "1." + "A".repeat(LIMITS.urlStateChars);
    expect(await decodeState(long, authored)).toMatchObject({
      ok: false,
      error: { code: "too-large", position: LIMITS.urlStateChars, message: expect.stringMatching(/over the limit of 1 MiB/) },
    });
    // 40 MiB of spaces deflate to a few dozen KB: a decompression bomb.
    const cs = new CompressionStream("deflate-raw");
    const bomb = new Uint8Array(await new Response(new Blob([new Uint8Array(40 * 1024 * 1024).fill(32)]).stream().pipeThrough(cs)).arrayBuffer());
    const token = `1.${base64urlEncode(bomb)}`;
    expect(token.length).toBeLessThan(LIMITS.urlStateChars);
    expect(await decodeState(token, authored)).toMatchObject({ ok: false, error: { code: "too-large", position: 2, message: expect.stringMatching(/32 MiB/) } });
    // And encodeState does not make links decodeState would refuse.
    await expect(encodeState(update(authored, authored, { scenarioText: "x".repeat(LIMITS.urlStateBytes + 1) }).state, authored)).rejects.toThrow(/too large for a link/);
  });

  it("base64urlProblem points at the first character base64urlDecode refuses", () => {
    expect(base64urlProblem("AAAA")).toBeUndefined();
    expect(base64urlProblem("AA=A")).toBe(2);
    expect(base64urlProblem("AAAAA")).toBe(4);
    expect(base64urlProblem("AB")).toBe(1); // leftover bits not zero
    expect(base64urlProblem("é")).toBe(0);
  });

  it("still reads format 1 links (deflate-raw, no checksum)", async () => {
    const cs = new CompressionStream("deflate-raw");
    const json = JSON.stringify({ v: 1, o: { view: "exact" } });
    const out = new Uint8Array(await new Response(new Blob([json]).stream().pipeThrough(cs)).arrayBuffer());
    const r = await decodeState(`1.${base64urlEncode(out)}`, authored);
    expect(r.ok && r.state.options).toEqual({ view: "exact" });
  });

  it("a link altered in any one character does not decode to another state (checksum)", async () => {
    const s = update(authored, authored, { scenarioText: authored.scenarioText + "---\nkind: Pod\nmetadata:\n  name: altered-by-hand\n" }).state;
    const token = await encodeState(s, authored);
    for (let i = 2; i < token.length; i++) {
      for (const c of ["A", "g", "_"]) {
        if (token[i] === c) continue;
        const r = await decodeState(token.slice(0, i) + c + token.slice(i + 1), authored);
        // Changing only the last character's unused low bits is no change; anything else fails.
        if (r.ok) expect(r.state, `${i}:${c}`).toEqual(s);
        else expect(["bad-compression", "bad-base64", "bad-json"], `${i}:${c}`).toContain(r.error.code);
      }
    }
  });
});
