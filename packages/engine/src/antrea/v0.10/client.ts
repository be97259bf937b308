/**
 * The agent's OpenFlow client, reduced to what the simulation needs: every
 * flow is written as `ovs-ofctl add-flow` text (OpenFlow 1.3 syntax, as
 * Antrea's ofnet sends it), parsed by the engine's own parser, and recorded
 * in installation order. A modification (a shared conjunctive match flow
 * gaining an action) is recorded as a re-add of the same match, which is
 * what it is for OVS: the flow moves to the end of its subtable.
 */
import { parseFlow, type Flow } from "../../ofp/flow.ts";
import { cookie, type CookieCategoryName, type Variant } from "./pipeline.ts";

/** The agent feature (Antrea's client.go entry point) that installed a flow. */
export type Feature = "init" | "gateway" | "tunnel" | "service" | "node" | "pod" | "policy";

export interface FlowInstall {
  /** 0-based position in the installation sequence. */
  readonly seq: number;
  readonly feature: Feature;
  readonly op: "add" | "modify";
  /** What installs it: `ovs-ofctl add-flow br-int '<text>'` (OpenFlow 1.3). */
  readonly text: string;
  readonly flow: Flow;
  /** For per-object flows: the Node, Pod or NetworkPolicy rule concerned. */
  readonly object?: string;
}

export interface FlowSpec {
  readonly cookie: CookieCategoryName;
  readonly table: number;
  readonly priority: number;
  /** Match fields without priority/table, e.g. `ip,in_port=2` ("" for none). */
  readonly match: string;
  readonly actions: string;
}

/** The add-flow text of a flow spec. */
export function flowText(v: Variant, f: FlowSpec): string {
  const match = f.match ? `${f.match},` : "";
  return `cookie=${cookie(v.roundNum, f.cookie)},table=${f.table},priority=${f.priority},${match}actions=${f.actions}`;
}

export class FlowInstaller {
  readonly variant: Variant;
  readonly installs: FlowInstall[] = [];

  constructor(variant: Variant) {
    this.variant = variant;
  }

  install(feature: Feature, specs: readonly FlowSpec[], op: "add" | "modify" = "add", object?: string): void {
    for (const s of specs) {
      const text = flowText(this.variant, s);
      const flow = parseFlow(text, { version: 13 });
      this.installs.push({ seq: this.installs.length, feature, op, text, flow, ...(object !== undefined ? { object } : {}) });
    }
  }
}

/** MAC as the hex integer `load:` prints (leading zeros stripped). */
export function macHex(mac: string): string {
  return `0x${BigInt(`0x${mac.replace(/:/g, "")}`).toString(16)}`;
}

export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
