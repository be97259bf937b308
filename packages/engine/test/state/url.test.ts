import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createState, update } from "../../src/state/state.ts";
import { base64urlDecode, base64urlEncode, decodeState, encodeState } from "../../src/state/url.ts";

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
    expect(token).toMatch(/^1\.[A-Za-z0-9_-]+$/);
    const r = await decodeState(token, authored);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.state).toEqual(s);
  });

  it("leaves unchanged parts out of the token", async () => {
    const small = await encodeState(update(authored, authored, { options: { a: "b" } }).state, authored);
    const big = await encodeState(update(authored, authored, { scenarioText: "x".repeat(500) + authored.scenarioText }).state, authored);
    expect(small.length).toBeLessThan(40);
    expect(big.length).toBeGreaterThan(small.length);
    const r = await decodeState(small, authored);
    expect(r.ok && r.state.scenarioText).toBe(authored.scenarioText);
  });

  it("returns typed errors for bad tokens, never throws", async () => {
    const cases: [string, string][] = [
      ["", "unsupported-version"],
      ["2.AAAA", "unsupported-version"],
      ["1.***", "bad-base64"],
      ["1.A", "bad-base64"],
      ["1.AAAAAAAA", "bad-compression"],
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
});
