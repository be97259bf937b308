// Golden traces: the real ofproto/trace captures of ovs-formats.md §4.7,
// replayed on the same flows (the whole-bridge dump of §4.2, which is the
// full 58-flow set). Every line must match byte for byte except Megaflow:
// and Datapath actions: (recirculation ids renumbered from 0x1).
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { traceFlow } from "../../src/bridge/xlate.ts";
import { formatTrace } from "../../src/render/trace.ts";
import { parseActionList } from "../../src/ofp/action-parse.ts";
import { encodeActionsFor } from "../../src/ofp/action-format.ts";
import { comparable, datapathLines, FIXTURES, fixture, labBridge, normalizeRecirc, parseCommand } from "./helpers.ts";

const captures = readdirSync(fileURLToPath(FIXTURES)).filter((f) => /^capture-.*\.txt$/.test(f)).sort();

/** Which flows each capture was made with. */
function bridgeFor(name: string) {
  if (name === "capture-10.txt") return labBridge(fixture("flows-nested.txt"));
  if (name === "capture-11.txt") return labBridge(fixture("flows-4.2.txt"), 10);
  return labBridge(fixture("flows-4.2.txt"));
}

describe("ofproto/trace golden captures (ovs-formats.md §4.7)", () => {
  it("has the captures", () => {
    expect(captures.length).toBeGreaterThanOrEqual(12);
  });
  for (const name of captures) {
    it(name, () => {
      const text = fixture(name);
      const [cmd, ...rest] = text.split("\n");
      const expected = rest.join("\n");
      const { flow, ctNext, names, actions } = parseCommand(cmd!);
      const bridge = bridgeFor(name);
      const result = traceFlow(bridge, flow, {
        ctNext, names,
        ...(actions ? { actions: encodeActionsFor(parseActionList(actions).actions, 13) } : {}),
      });
      const ours = formatTrace(result);
      expect(comparable(ours)).toBe(comparable(expected));
      // Datapath actions are best effort; they must at least agree on the outputs.
      const lastNum = (l: string | undefined) => l?.replace(/^Datapath actions: /, "").split(",").filter((x) => /^\d+$|^drop$/.test(x)).join(",");
      expect(datapathLines(normalizeRecirc(ours)).map(lastNum)).toEqual(datapathLines(normalizeRecirc(expected)).map(lastNum));
    });
  }
});
