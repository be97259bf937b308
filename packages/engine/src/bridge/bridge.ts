/**
 * An OpenFlow bridge: its ports and its flow tables. Flows are stored in the
 * form the switch keeps after receiving them over a given OpenFlow version,
 * so that dumps and traces print them as real OVS does.
 */
import { FlowTable, conjunctionsOf, type Rule } from "./classifier.ts";
import { installFlow, type Flow } from "../ofp/flow.ts";
import { portResolver, type PortResolver } from "../ofp/values.ts";
import type { OfVersion } from "../ofp/actions.ts";
import type { Group } from "./group.ts";

export type PortType = "system" | "internal" | "geneve" | "vxlan" | "gre" | "patch" | "dummy";

export interface Port {
  readonly name: string;
  readonly ofport: number;
  readonly type: PortType;
  /** MAC address of the port's device (`addr:` in `ovs-ofctl show`). */
  readonly mac?: string;
  readonly options?: Readonly<Record<string, string>>;
  /** `current:` line of `ovs-ofctl show`, e.g. "10GB-FD COPPER" for veths. */
  readonly current?: string;
  /** Current speed in Mbps (0 for internal and tunnel ports). */
  readonly speedMbps?: number;
}

export interface BridgeConfig {
  readonly name?: string;
  readonly ports?: readonly Port[];
  /** 16 hex digits, as `ovs-ofctl show` prints it. */
  readonly dpid?: string;
  /** UUID of the Open_vSwitch row (`ovs-vsctl show`'s first line). */
  readonly uuid?: string;
  readonly datapathType?: string;
  readonly ovsVersion?: string;
}

export interface FlowCounters {
  packets: bigint;
  bytes: bigint;
}

export class Bridge {
  readonly name: string;
  readonly dpid: string;
  readonly uuid: string;
  readonly datapathType: string;
  readonly ovsVersion: string;
  private readonly portList: Port[];
  private readonly tables = new Map<number, FlowTable>();
  private seq = 0;
  readonly counters = new WeakMap<Rule, FlowCounters>();
  /** OpenFlow groups by id (`ovs-ofctl add-group`). */
  readonly groups = new Map<number, Group>();

  constructor(config: BridgeConfig = {}) {
    this.name = config.name ?? "br-int";
    this.dpid = config.dpid ?? "0000aa55aa550001";
    this.uuid = config.uuid ?? "00000000-0000-4000-8000-000000000000";
    this.datapathType = config.datapathType ?? "system";
    this.ovsVersion = config.ovsVersion ?? "2.14.0";
    this.portList = [...(config.ports ?? [])];
  }

  get ports(): readonly Port[] {
    return this.portList;
  }

  port(ofport: number): Port | undefined {
    return this.portList.find((p) => p.ofport === ofport);
  }

  portByName(name: string): Port | undefined {
    return this.portList.find((p) => p.name === name);
  }

  addPort(port: Port): void {
    if (this.portList.some((p) => p.name === port.name || p.ofport === port.ofport)) {
      throw new Error(`port ${port.name} (${port.ofport}) already exists on ${this.name}`);
    }
    this.portList.push(port);
  }

  /** Port name/number resolver; `showNames` decides how ports print. */
  resolver(showNames: boolean): PortResolver {
    return portResolver(new Map(this.portList.map((p) => [p.name, p.ofport])), showNames);
  }

  table(id: number): FlowTable | undefined {
    return this.tables.get(id);
  }

  tableIds(): number[] {
    return [...this.tables.keys()].sort((a, b) => a - b);
  }

  private tableFor(id: number): FlowTable {
    let t = this.tables.get(id);
    if (!t) {
      t = new FlowTable(id);
      this.tables.set(id, t);
    }
    return t;
  }

  /** `ovs-ofctl add-flow(s)`: installs flows received over OpenFlow `version`. */
  addFlows(flows: readonly Flow[], version: OfVersion = 13): void {
    for (const f of flows) {
      const stored = installFlow(f, version);
      const rule: Rule = { flow: stored, conj: conjunctionsOf(stored), seq: this.seq++ };
      this.tableFor(stored.table).insert(rule);
      this.counters.set(rule, { packets: 0n, bytes: 0n });
    }
  }

  /** `ovs-ofctl del-flows` with no match: removes every flow. */
  clearFlows(): void {
    this.tables.clear();
  }

  /** Every rule in dump order: tables ascending, then classifier order. */
  *rules(): Generator<Rule> {
    for (const id of this.tableIds()) yield* this.tables.get(id)!.rules();
  }

  get flowCount(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }
}
