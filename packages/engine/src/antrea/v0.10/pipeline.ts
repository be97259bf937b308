/**
 * Antrea v0.10's br-int pipeline (pkg/agent/openflow/pipeline.go at v0.10.1,
 * and the pre-release build 4ed2c67): tables, cookies, registers, priorities
 * and the build variant. AntreaProxy off, AntreaPolicy off, Linux, encap.
 */

export const T = {
  Classifier: 0,
  SpoofGuard: 10,
  ARPResponder: 20,
  ConntrackZone: 30,
  ConntrackState: 31,
  DNAT: 40,
  EgressRule: 50,
  EgressDefaultRule: 60,
  EgressMetric: 61,
  L3Forwarding: 70,
  L2Forwarding: 80,
  IngressRule: 90,
  IngressDefaultRule: 100,
  IngressMetric: 101,
  ConntrackCommit: 105,
  Output: 110,
} as const;

/** `FlowTables` names (what antctl prints) and the Go constants / doc names. */
export const TABLE_NAMES: Readonly<Record<number, { readonly name: string; readonly goName: string }>> = {
  0: { name: "Classification", goName: "ClassifierTable" },
  10: { name: "SpoofGuard", goName: "spoofGuardTable" },
  20: { name: "ARPResponder", goName: "arpResponderTable" },
  30: { name: "ConntrackZone", goName: "conntrackTable" },
  31: { name: "ConntrackState", goName: "conntrackStateTable" },
  40: { name: "DNAT(SessionAffinity)", goName: "dnatTable" },
  50: { name: "EgressRule", goName: "EgressRuleTable" },
  60: { name: "EgressDefaultRule", goName: "EgressDefaultTable" },
  61: { name: "EgressMetric", goName: "EgressMetricTable" },
  70: { name: "l3Forwarding", goName: "l3ForwardingTable" },
  80: { name: "L2Forwarding", goName: "l2ForwardingCalcTable" },
  90: { name: "IngressRule", goName: "IngressRuleTable" },
  100: { name: "IngressDefaultRule", goName: "IngressDefaultTable" },
  101: { name: "IngressMetric", goName: "IngressMetricTable" },
  105: { name: "ConntrackCommit", goName: "conntrackCommitTable" },
  110: { name: "Output", goName: "L2ForwardingOutTable" },
};

/** Priorities (pipeline.go). */
export const P = {
  High: 210,
  Normal: 200,
  Low: 190,
  SNAT: 180,
  Miss: 0,
} as const;

/** Cookie categories (pkg/agent/openflow/cookie/allocator.go). */
export const CookieCategory = {
  Default: 0,
  Gateway: 1,
  Node: 2,
  Pod: 3,
  Service: 4,
  Policy: 5,
  SNAT: 6,
} as const;
export type CookieCategoryName = keyof typeof CookieCategory;

/** `round<<48 | category<<40` (objectID 0), as hex text. */
export function cookie(round: number, category: CookieCategoryName): string {
  const v = (BigInt(round) << 48n) | (BigInt(CookieCategory[category]) << 40n);
  return `0x${v.toString(16)}`;
}

/** Fixed OF ports (pkg/agent/config/node_config.go). */
export const TUN_OFPORT = 1;
export const GW_OFPORT = 2;
export const TUN_PORT_NAME = "antrea-tun0";
export const GW_PORT_NAME = "antrea-gw0";
/** `globalVirtualMAC`. */
export const GLOBAL_VIRTUAL_MAC = "aa:bb:cc:dd:ee:ff";
/** `CtZone`. */
export const CT_ZONE = 65520;
/** `gatewayCTMark`. */
export const GATEWAY_CT_MARK = 0x20;

/** reg0[0..15] values: where the packet came from. */
export const MarkFrom = { Tunnel: 0, Gateway: 1, LocalPod: 2 } as const;

/** Register fields as NXM subfields (OF1.3 `load:`/`move:` syntax). */
export const R = {
  marks: "NXM_NX_REG0[0..15]",
  ofPortFound: "NXM_NX_REG0[16]",
  macRewrite: "NXM_NX_REG0[19]",
  outPort: "NXM_NX_REG1[]",
  egressConj: "NXM_NX_REG5[]",
  ingressConj: "NXM_NX_REG6[]",
  traceflowTag: "NXM_NX_REG9[28..31]",
  tunTraceflowTag: "NXM_NX_TUN_METADATA0[28..31]",
  ctLabelIngress: "NXM_NX_CT_LABEL[0..31]",
  ctLabelEgress: "NXM_NX_CT_LABEL[32..63]",
  ctMark: "NXM_NX_CT_MARK[]",
  ethDst: "NXM_OF_ETH_DST[]",
} as const;

/** The Traceflow TLV map the agent adds when the Traceflow gate is on. */
export const TRACEFLOW_TLV_MAP = "{class=0x104,type=0x80,len=4}->tun_metadata0";

/**
 * What differs between the Antrea builds modelled here (pipeline reference
 * §10.1): the pre-release 4ed2c67 that the seed lab ran, and v0.10.0/v0.10.1.
 */
export interface Variant {
  readonly version: string;
  readonly build: "4ed2c67" | "v0.10";
  /** Tables 61/101 and `ct(commit,…,exec(load ct_label))` in the conj action flows (v0.10.0+). */
  readonly metricTables: boolean;
  /** Table 40 Service-CIDR flow also rewrites eth_dst to the gateway MAC (4ed2c67, removed by #1282). */
  readonly serviceMacRewrite: boolean;
  readonly traceflow: boolean;
  readonly roundNum: number;
}

export function variantOf(version: string, featureGates: Readonly<Record<string, boolean>>, roundNum: number): Variant {
  const dev = version === "v0.10.0-dev-4ed2c67";
  return {
    version,
    build: dev ? "4ed2c67" : "v0.10",
    metricTables: !dev,
    serviceMacRewrite: dev,
    traceflow: featureGates.Traceflow === true,
    roundNum,
  };
}

export interface TableDef {
  readonly id: number;
  readonly name: string;
  /** The table a miss continues to (undefined: drop / no miss flow). */
  readonly next?: number;
  /** "drop", "goto" or "none" (no miss flow: table 30). */
  readonly miss: "drop" | "goto" | "none";
}

/** The pipeline map of `generatePipeline(bridge, enableProxy=false, enableAntreaNP=false)`. */
export function pipelineTables(v: Variant): TableDef[] {
  const t = (id: number, miss: TableDef["miss"], next?: number): TableDef =>
    ({ id, name: TABLE_NAMES[id]!.name, miss, ...(next !== undefined ? { next } : {}) });
  return [
    t(T.Classifier, "drop", T.SpoofGuard),
    t(T.SpoofGuard, "drop", T.ConntrackZone),
    t(T.ARPResponder, "drop"),
    t(T.ConntrackZone, "none", T.ConntrackState),
    t(T.ConntrackState, "goto", T.DNAT),
    t(T.DNAT, "goto", T.EgressRule),
    t(T.EgressRule, "goto", T.EgressDefaultRule),
    t(T.EgressDefaultRule, "goto", v.metricTables ? T.EgressMetric : T.L3Forwarding),
    ...(v.metricTables ? [t(T.EgressMetric, "goto", T.L3Forwarding)] : []),
    t(T.L3Forwarding, "goto", T.L2Forwarding),
    t(T.L2Forwarding, "goto", T.IngressRule),
    t(T.IngressRule, "goto", T.IngressDefaultRule),
    t(T.IngressDefaultRule, "goto", v.metricTables ? T.IngressMetric : T.ConntrackCommit),
    ...(v.metricTables ? [t(T.IngressMetric, "goto", T.ConntrackCommit)] : []),
    t(T.ConntrackCommit, "goto", T.Output),
    t(T.Output, "drop"),
  ];
}

/** `EgressDefaultTable.GetNext()` / `IngressDefaultTable.GetNext()`. */
export function afterEgressDefault(v: Variant): number {
  return v.metricTables ? T.EgressMetric : T.L3Forwarding;
}

export function afterIngressDefault(v: Variant): number {
  return v.metricTables ? T.IngressMetric : T.ConntrackCommit;
}
