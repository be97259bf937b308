// Shared helpers of the trace tests: the §4 bridge of ovs-formats.md and
// text normalisation for comparing traces.
import { readFileSync } from "node:fs";
import { Bridge, type Port } from "../../src/bridge/bridge.ts";
import { parseFlowFile } from "../../src/ofp/flow.ts";
import type { OfVersion } from "../../src/ofp/actions.ts";

export const FIXTURES = new URL("./fixtures/", import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** The ports of the captures in ovs-formats.md §4 (kernel-style geneve tunnel). */
export const LAB_PORTS: Port[] = [
  { name: "antrea-tun0", ofport: 1, type: "geneve", options: { csum: "true", key: "flow", remote_ip: "flow" } },
  { name: "antrea-gw0", ofport: 2, type: "internal", mac: "4e:99:08:c1:53:be" },
  { name: "coredns--3e3abf", ofport: 3, type: "dummy" },
  { name: "backend1-bab86f", ofport: 48, type: "dummy" },
  { name: "frontend-a3ba2f", ofport: 49, type: "dummy" },
];

export function labBridge(flowsText: string, version: OfVersion = 13, ports: Port[] = LAB_PORTS): Bridge {
  const b = new Bridge({ name: "br-int", ports });
  const r = parseFlowFile(flowsText, { ports: b.resolver(false), version });
  if (r.errors.length) throw new Error(r.errors.map((e) => e.format("flows")).join("\n"));
  b.addFlows(r.flows, version);
  return b;
}

/** Renumbers recirculation ids 0x1, 0x2, … in order of appearance (as the oracle's normalizeRecirc). */
export function normalizeRecirc(text: string): string {
  const map = new Map<string, string>();
  return text.replace(/(recirc(?:_id)?[(=]0x)([0-9a-f]+)/g, (_m, prefix: string, id: string) => {
    let n = map.get(id);
    if (n === undefined) {
      n = (map.size + 1).toString(16);
      map.set(id, n);
    }
    return prefix + n;
  });
}

/**
 * Drops the `Megaflow:` and `Datapath actions:` lines and the slow-path
 * explanation after them, then renumbers recirculation ids.
 */
export function comparable(text: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("Megaflow: ") || line.startsWith("Datapath actions: ")) {
      skipping = line.startsWith("Datapath actions: ");
      continue;
    }
    if (skipping && (line.startsWith("This flow is handled by the userspace slow path") || line.startsWith("  - "))) continue;
    skipping = false;
    out.push(line);
  }
  return normalizeRecirc(out.join("\n"));
}

/** The `Datapath actions:` lines of a trace (recirc ids normalised). */
export function datapathLines(text: string): string[] {
  return text.split("\n").filter((l) => l.startsWith("Datapath actions: "));
}

/** Splits `$ ovs-appctl ofproto/trace br-int FLOW [ARGS…]` into the flow and options. */
export function parseCommand(line: string): { flow: string; ctNext: string[]; names: boolean; actions?: string } {
  const words = line.replace(/^\$ /, "").match(/'[^']*'|\S+/g)!.map((w) => w.replace(/^'(.*)'$/, "$1"));
  const rest = words.slice(3);
  const ctNext: string[] = [];
  let names = false;
  const pos: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--ct-next") ctNext.push(rest[++i]!);
    else if (rest[i] === "--names") names = true;
    else pos.push(rest[i]!);
  }
  return { flow: pos[0]!, ctNext, names, ...(pos[1] !== undefined ? { actions: pos[1] } : {}) };
}
