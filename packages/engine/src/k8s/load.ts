/**
 * loadScenario: a multi-document YAML file of Kubernetes manifests plus one
 * `ovs-lab/v1alpha1` Cluster document → an immutable Scenario, or the list
 * of every problem found, each with file, line and column.
 */
import { LIMITS, formatBytes, utf8Length } from "../limits.ts";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type YAMLMap } from "yaml";
import { Positions, Reporter, SchemaReader, spanOf, type Span } from "./reader.ts";
import { SCHEMAS } from "./schemas.ts";
import {
  displayPath, fe, isDns1035Label, isDns1123Label, isDns1123Subdomain, isValidPortName, isValidPortNum,
  validateLabels, validateLabelSelector, validateNetworkPolicySpec, type FieldError, type RawNetworkPolicySpec,
} from "./validation.ts";
import { cidrContains, cidrSize, cidrsOverlap, cidrWithin, formatCidr, formatIp, parseCidr, parseIp, type Cidr } from "./ip.ts";
import { formatTimestamp, parseTimestamp } from "./time.ts";
import { derivedContainerId, derivedMac, derivedNameSuffix, derivedUint32, derivedUuid } from "./hash.ts";
import { sha1Hex } from "./sha1.ts";
import { keyOf, matchLabels } from "./query.ts";
import type {
  AntreaConfig, ClusterNode, ClusterSpec, Container, ContainerPort, EndpointAddress, EndpointPort, Endpoints,
  EndpointSubset, HostInterface, LabelSelector, Namespace, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort,
  ObjectMeta, Pod, PodLab, PolicyType, Protocol, Scenario, ScenarioError, Service, ServicePort, SourcePos,
} from "./types.ts";

export interface LoadOptions {
  /** Name used in error positions (default `scenario.yaml`). */
  readonly fileName?: string;
}

export interface LoadResult {
  /** Present when there is no error. */
  readonly scenario?: Scenario;
  readonly errors: readonly ScenarioError[];
}

/** Antrea builds the lab models. */
export const SUPPORTED_ANTREA_VERSIONS: readonly string[] = ["v0.10.0-dev-4ed2c67", "v0.10.0", "v0.10.1"];
/** Feature gates of Antrea v0.10 (pkg/features). */
export const ANTREA_FEATURE_GATES: readonly string[] = [
  "AntreaProxy", "Traceflow", "AntreaPolicy", "ClusterNetworkPolicy", "FlowExporter", "NetworkPolicyStats",
];
const BUILTIN_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];
const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];
const NODE_PORT_MIN = 30000, NODE_PORT_MAX = 32767;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const PLURAL: Record<string, string> = {
  Pod: "pods", Service: "services", Endpoints: "endpoints", NetworkPolicy: "networkpolicies", Namespace: "namespaces",
};

// ---------------------------------------------------------------------------
// Raw shapes (what the schema reader returns)

type Raw = Record<string, unknown>;
interface RawMeta { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: string; uid?: string }

interface RawObject {
  readonly kind: string;
  readonly raw: Raw;
  readonly positions: Positions;
  readonly span: Span | undefined;
  /** Source order across the file (List items count individually). */
  readonly order: number;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v as object)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

function lowerFirst(s: string): string {
  return s ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function scalarString(map: YAMLMap, key: string): { value: unknown; node: Node | undefined; keyNode: Node | undefined } {
  for (const p of map.items) {
    if (isPair(p) && isScalar(p.key) && p.key.value === key) {
      const v = p.value as Node | null;
      return { value: v && isScalar(v) ? v.value : v ? "<non-scalar>" : undefined, node: v ?? undefined, keyNode: p.key as Node };
    }
  }
  return { value: undefined, node: undefined, keyNode: undefined };
}

// ---------------------------------------------------------------------------

class Loader {
  readonly rep: Reporter;
  readonly file: string;
  readonly objects: RawObject[] = [];
  private order = 0;

  constructor(file: string, lines: LineCounter) {
    this.file = file;
    this.rep = new Reporter(file, lines);
  }

  err(message: string, span: Span | undefined): void {
    this.rep.error(message, span);
  }

  pos(span: Span | undefined): SourcePos {
    return this.rep.pos(span);
  }

  /** Reports server-side field errors as `The Kind "name" is invalid: path: body`. */
  invalid(kind: string, name: string, positions: Positions, errs: readonly FieldError[]): void {
    for (const e of errs) {
      const span = e.atKey ? positions.key(e.path) : positions.value(e.path);
      this.err(`The ${kind} "${name}" is invalid: ${displayPath(e.path)}: ${e.body}`, span);
    }
  }

  collect(doc: Document, node: Node): void {
    if (!isMap(node)) {
      this.err("error validating data: [apiVersion not set, kind not set]", spanOf(node));
      return;
    }
    const kind = scalarString(node, "kind");
    const apiVersion = scalarString(node, "apiVersion");
    const missing: string[] = [];
    if (typeof apiVersion.value !== "string" || apiVersion.value === "") missing.push("apiVersion not set");
    if (typeof kind.value !== "string" || kind.value === "") missing.push("kind not set");
    if (missing.length) {
      const msg = missing.length === 1 ? missing[0]! : `[${missing.join(", ")}]`;
      this.err(`error validating data: ${msg}`, spanOf(kind.node ?? apiVersion.node ?? node));
      return;
    }
    const k = kind.value as string, v = apiVersion.value as string;
    const def = SCHEMAS[k];
    if (!def || def.apiVersion !== v) {
      this.err(`unable to recognize "${this.file}": no matches for kind "${k}" in version "${v}"`,
        spanOf(def ? apiVersion.node : kind.node));
      return;
    }
    if (k === "List") {
      const items = scalarItems(node);
      if (!items) {
        this.err('error validating data: ValidationError(List): missing required field "items" in io.k8s.api.core.v1.List', spanOf(node));
        return;
      }
      for (const item of items) this.collect(doc, item);
      return;
    }
    const reader = new SchemaReader(doc, this.rep, k, node);
    const before = this.rep.errors.length;
    const raw = reader.read(node, def.schema, "") as Raw | undefined;
    // kubectl does not send an object that fails client-side validation.
    if (!raw || this.rep.errors.length > before) return;
    this.objects.push({ kind: k, raw, positions: reader.positions, span: spanOf(node), order: this.order++ });
  }
}

function scalarItems(map: YAMLMap): Node[] | undefined {
  for (const p of map.items) {
    if (isPair(p) && isScalar(p.key) && p.key.value === "items") {
      const v = p.value as Node | null;
      if (v && isSeq(v)) return v.items as Node[];
      return undefined;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Public entry point

export function loadScenario(text: string, options: LoadOptions = {}): LoadResult {
  const file = options.fileName ?? "scenario.yaml";
  const size = utf8Length(text);
  if (size > LIMITS.scenarioBytes) {
    const message = `the scenario is ${size} bytes, over the limit of ${formatBytes(LIMITS.scenarioBytes)}; nothing was loaded`;
    return { errors: [{ message, file, line: 1, column: 1, text: `${file}:1:1: ${message}` }] };
  }
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  const L = new Loader(file, lines);
  for (const doc of docs) {
    if (doc.errors.length) {
      for (const e of doc.errors) {
        const lp = lines.linePos(e.pos[0]);
        L.err(`error converting YAML to JSON: yaml: line ${lp.line}: ${lowerFirst(e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""))}`,
          { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) });
      }
      continue;
    }
    const contents = doc.contents as Node | null;
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    L.collect(doc, contents);
  }
  const scenario = build(L);
  const errors = deepFreeze([...L.rep.errors]);
  return errors.length || !scenario ? { errors } : { scenario, errors };
}

// ---------------------------------------------------------------------------
// Building

function metaOf(L: Loader, o: RawObject, namespaced: boolean): { meta: RawMeta; name: string; namespace: string } {
  const meta = (o.raw.metadata ?? {}) as RawMeta;
  const name = meta.name ?? "";
  const namespace = namespaced ? (meta.namespace ?? "default") : "";
  if (!namespaced && meta.namespace !== undefined && meta.namespace !== "") {
    // Cluster-scoped objects ignore metadata.namespace, as the API server does.
  }
  void L;
  return { meta, name, namespace };
}

function timestampOr(L: Loader, value: string | undefined, fallback: string, span: Span | undefined, what: string): string {
  if (value === undefined) return fallback;
  const t = parseTimestamp(value);
  if (t === undefined) {
    L.err(`${what}: Invalid value: ${JSON.stringify(value)}: must be an RFC 3339 timestamp (e.g. 2020-09-08T09:18:40Z)`, span);
    return fallback;
  }
  return formatTimestamp(t);
}

interface Pins {
  pods: Record<string, Raw>;
  services: Record<string, Raw>;
  endpoints: Record<string, Raw>;
  networkpolicies: Record<string, Raw>;
  namespaces: Record<string, Raw>;
}

interface ClusterCtx {
  spec: ClusterSpec;
  nodes: ClusterNode[];
  cluster: Cidr;
  service: Cidr;
  pins: Pins;
  positions: Positions;
}

function build(L: Loader): Scenario | undefined {
  const clusters = L.objects.filter((o) => o.kind === "Cluster");
  if (clusters.length === 0) {
    L.err("no Cluster document found: add one document with apiVersion: ovs-lab/v1alpha1 and kind: Cluster", { start: 0, end: 0 });
    return undefined;
  }
  for (const extra of clusters.slice(1)) {
    const first = L.pos(clusters[0]!.span);
    L.err(`only one Cluster document is allowed (the first one is at line ${first.line})`, extra.span);
  }
  const ctx = buildCluster(L, clusters[0]!);
  if (!ctx) return undefined;

  // Duplicates (kind, namespace, name), checked before building.
  const seen = new Map<string, RawObject>();
  const unique: RawObject[] = [];
  for (const o of L.objects) {
    if (o.kind === "Cluster") continue;
    const namespaced = o.kind !== "Namespace";
    const { name, namespace } = metaOf(L, o, namespaced);
    const id = `${o.kind}/${namespace}/${name}`;
    if (name && seen.has(id)) {
      const first = L.pos(seen.get(id)!.span);
      L.err(`Error from server (AlreadyExists): ${PLURAL[o.kind]} "${name}" already exists (first defined at line ${first.line})`,
        o.positions.value("metadata.name"));
      continue;
    }
    seen.set(id, o);
    unique.push(o);
  }

  const namespaces = buildNamespaces(L, ctx, unique.filter((o) => o.kind === "Namespace"));
  const nsNames = new Set(namespaces.map((n) => n.metadata.name));
  const checkNs = (o: RawObject, ns: string): boolean => {
    if (nsNames.has(ns)) return true;
    L.err(`Error from server (NotFound): namespaces "${ns}" not found`, o.positions.value("metadata.namespace"));
    return false;
  };

  const pods = buildPods(L, ctx, unique.filter((o) => o.kind === "Pod"), checkNs);
  const services = buildServices(L, ctx, unique.filter((o) => o.kind === "Service"), checkNs);
  const endpoints = buildEndpoints(L, ctx, unique.filter((o) => o.kind === "Endpoints"), services, pods, checkNs);
  const networkPolicies = buildNetworkPolicies(L, ctx, unique.filter((o) => o.kind === "NetworkPolicy"), checkNs);
  checkPins(L, ctx, pods, services, endpoints, networkPolicies, namespaces);

  const scenario: Scenario = {
    fileName: L.file,
    cluster: ctx.spec,
    nodes: ctx.nodes,
    namespaces,
    pods,
    services,
    endpoints,
    networkPolicies,
  };
  return deepFreeze(scenario);
}

// ---------------------------------------------------------------------------
// Cluster

function buildCluster(L: Loader, o: RawObject): ClusterCtx | undefined {
  const P = o.positions;
  const spec = (o.raw.spec ?? {}) as Raw;
  const name = ((o.raw.metadata ?? {}) as RawMeta).name ?? "cluster";
  const bad = (path: string, value: unknown, detail: string): void =>
    L.invalid("Cluster", name, P, [fe.invalid(path, value, detail)]);

  const cidrField = (path: string, text: unknown): Cidr | undefined => {
    if (typeof text !== "string") return undefined;
    const c = parseCidr(text);
    if (!c) { bad(path, text, "must be a valid CIDR (e.g. 10.222.0.0/16)"); return undefined; }
    if (c.ip !== c.base) { bad(path, text, `host bits must be zero (the network is ${formatCidr(c)})`); return undefined; }
    return c;
  };
  const clusterCidr = cidrField("spec.clusterCIDR", spec.clusterCIDR);
  const serviceCidr = cidrField("spec.serviceCIDR", spec.serviceCIDR);
  const nodeNet = spec.nodeNetwork !== undefined ? cidrField("spec.nodeNetwork", spec.nodeNetwork) : undefined;
  if (clusterCidr && serviceCidr && cidrsOverlap(clusterCidr, serviceCidr)) {
    bad("spec.serviceCIDR", spec.serviceCIDR, `overlaps with spec.clusterCIDR ${formatCidr(clusterCidr)}`);
  }
  if (nodeNet && clusterCidr && cidrsOverlap(nodeNet, clusterCidr)) bad("spec.nodeNetwork", spec.nodeNetwork, `overlaps with spec.clusterCIDR ${formatCidr(clusterCidr)}`);
  if (nodeNet && serviceCidr && cidrsOverlap(nodeNet, serviceCidr)) bad("spec.nodeNetwork", spec.nodeNetwork, `overlaps with spec.serviceCIDR ${formatCidr(serviceCidr)}`);

  const maskSize = (spec.nodeCIDRMaskSize as number | undefined) ?? 24;
  if (clusterCidr && (maskSize < clusterCidr.prefix || maskSize > 30)) {
    bad("spec.nodeCIDRMaskSize", maskSize, `must be between the clusterCIDR prefix length ${clusterCidr.prefix} and 30`);
  }

  const seed = (spec.seed as string | undefined) ?? "ovs-lab";
  const clock = timestampOr(L, spec.clock as string | undefined, "2020-01-01T00:00:00Z", P.value("spec.clock"), `The Cluster "${name}" is invalid: spec.clock`);
  const clocks: Record<string, string> = {};
  for (const [k, v] of Object.entries((spec.clocks ?? {}) as Record<string, string>)) {
    clocks[k] = timestampOr(L, v, clock, P.value(`spec.clocks[${JSON.stringify(k)}]`), `The Cluster "${name}" is invalid: spec.clocks.${k}`);
  }

  // Antrea
  const a = (spec.antrea ?? {}) as Raw;
  const version = (a.version as string | undefined) ?? "v0.10.1";
  if (!SUPPORTED_ANTREA_VERSIONS.includes(version)) {
    L.invalid("Cluster", name, P, [fe.notSupported("spec.antrea.version", version, SUPPORTED_ANTREA_VERSIONS)]);
  }
  const gates = (a.featureGates ?? {}) as Record<string, boolean>;
  for (const g of Object.keys(gates)) {
    if (!ANTREA_FEATURE_GATES.includes(g)) {
      L.err(`The Cluster "${name}" is invalid: spec.antrea.featureGates: Invalid value: ${JSON.stringify(g)}: unrecognized feature gate: ${g}`,
        P.key(`spec.antrea.featureGates[${JSON.stringify(g)}]`));
    }
  }
  const enumField = <T extends string>(path: string, value: unknown, allowed: readonly T[], dflt: T): T => {
    if (value === undefined) return dflt;
    if (!allowed.includes(value as T)) {
      L.invalid("Cluster", name, P, [fe.notSupported(path, value, allowed)]);
      return dflt;
    }
    return value as T;
  };
  const antrea: AntreaConfig = {
    version,
    featureGates: { ...gates },
    trafficEncapMode: enumField("spec.antrea.trafficEncapMode", a.trafficEncapMode, ["encap"] as const, "encap"),
    tunnelType: enumField("spec.antrea.tunnelType", a.tunnelType, ["geneve"] as const, "geneve"),
    roundNum: (a.roundNum as number | undefined) ?? 1,
    conjIdOrder: enumField("spec.antrea.conjIDOrder", a.conjIDOrder, ["manifest", "controller"] as const, "manifest"),
    conjActionOrder: enumField("spec.antrea.conjActionOrder", a.conjActionOrder, ["ascending", "newest-first"] as const, "ascending"),
  };
  if (antrea.roundNum < 0 || antrea.roundNum > 0xffff) bad("spec.antrea.roundNum", antrea.roundNum, "must be between 0 and 65535, inclusive");

  const clusterSpec: ClusterSpec = {
    name,
    seed,
    kubernetesVersion: (spec.kubernetesVersion as string | undefined) ?? "v1.18.8",
    containerRuntime: (spec.containerRuntime as string | undefined) ?? "docker://19.3.11",
    osImage: (spec.osImage as string | undefined) ?? "Ubuntu 18.04.4 LTS",
    kernelVersion: (spec.kernelVersion as string | undefined) ?? "4.15.0-112-generic",
    clusterCIDR: clusterCidr ? formatCidr(clusterCidr) : String(spec.clusterCIDR ?? ""),
    nodeCIDRMaskSize: maskSize,
    serviceCIDR: serviceCidr ? formatCidr(serviceCidr) : String(spec.serviceCIDR ?? ""),
    ...(nodeNet ? { nodeNetwork: formatCidr(nodeNet) } : {}),
    ...(typeof spec.defaultGateway === "string" ? { defaultGateway: spec.defaultGateway } : {}),
    externalHosts: ((spec.externalHosts ?? []) as (Raw | undefined)[]).filter((h): h is Raw => !!h)
      .map((h) => ({ name: (h.name as string | undefined) ?? "", ip: (h.ip as string | undefined) ?? "", ...(h.mac !== undefined ? { mac: h.mac as string } : {}) })),
    clock,
    clocks,
    antrea,
    ovs: { version: (((spec.ovs ?? {}) as Raw).version as string | undefined) ?? "2.14.0" },
    source: L.pos(o.span),
  };

  const pinsRaw = (spec.pins ?? {}) as Partial<Pins>;
  const pins: Pins = {
    pods: pinsRaw.pods ?? {}, services: pinsRaw.services ?? {}, endpoints: pinsRaw.endpoints ?? {},
    networkpolicies: pinsRaw.networkpolicies ?? {}, namespaces: pinsRaw.namespaces ?? {},
  };
  if (!clusterCidr || !serviceCidr) return undefined;
  const nodes = buildNodes(L, name, P, (spec.nodes ?? []) as (Raw | undefined)[], clusterCidr, serviceCidr, nodeNet, maskSize, seed, clock);
  return { spec: clusterSpec, nodes, cluster: clusterCidr, service: serviceCidr, pins, positions: P };
}

function buildNodes(
  L: Loader, cname: string, P: Positions, raws: (Raw | undefined)[], clusterCidr: Cidr, serviceCidr: Cidr,
  nodeNet: Cidr | undefined, maskSize: number, seed: string, clock: string,
): ClusterNode[] {
  const bad = (path: string, value: unknown, detail: string): void => L.invalid("Cluster", cname, P, [fe.invalid(path, value, detail)]);
  if (raws.length === 0) L.invalid("Cluster", cname, P, [fe.required("spec.nodes", "at least one Node")]);
  const names = new Map<string, number>();
  const ips = new Map<string, number>();
  const pinnedCidrs: { cidr: Cidr; index: number }[] = [];
  raws.forEach((r, i) => {
    if (!r) return;
    const p = `spec.nodes[${i}]`;
    const name = (r.name as string | undefined) ?? "";
    for (const m of isDns1123Subdomain(name)) bad(`${p}.name`, name, m);
    if (names.has(name)) L.invalid("Cluster", cname, P, [fe.duplicate(`${p}.name`, name)]);
    names.set(name, i);
    const ip = r.ip as string | undefined;
    if (ip !== undefined) {
      const v = parseIp(ip);
      if (v === undefined) bad(`${p}.ip`, ip, "must be a valid IPv4 address (e.g. 10.79.1.201)");
      else {
        if (ips.has(ip)) L.invalid("Cluster", cname, P, [fe.duplicate(`${p}.ip`, ip)]);
        ips.set(ip, i);
        if (cidrContains(clusterCidr, v)) bad(`${p}.ip`, ip, `is inside the clusterCIDR ${formatCidr(clusterCidr)}`);
        if (cidrContains(serviceCidr, v)) bad(`${p}.ip`, ip, `is inside the serviceCIDR ${formatCidr(serviceCidr)}`);
        if (nodeNet && !cidrContains(nodeNet, v)) bad(`${p}.ip`, ip, `is not inside spec.nodeNetwork ${formatCidr(nodeNet)}`);
      }
    }
    for (const f of ["mac", "gatewayMAC"]) {
      const m = r[f] as string | undefined;
      if (m !== undefined && !MAC.test(m)) bad(`${p}.${f}`, m, "must be a MAC address in lowercase hex (e.g. 4e:99:08:c1:53:be)");
    }
    const br = (r.bridge ?? {}) as Raw;
    if (br.tunnelMAC !== undefined && !MAC.test(br.tunnelMAC as string)) bad(`${p}.bridge.tunnelMAC`, br.tunnelMAC, "must be a MAC address in lowercase hex (e.g. f6:02:a1:20:ca:f3)");
    if (br.dpid !== undefined && !/^[0-9a-f]{16}$/.test(br.dpid as string)) bad(`${p}.bridge.dpid`, br.dpid, "must be 16 lowercase hex digits (e.g. 0000c6d974e83943)");
    if (br.uuid !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(br.uuid as string)) bad(`${p}.bridge.uuid`, br.uuid, "must be a UUID (e.g. 6ee0af40-0b54-4667-ba35-0b9f3e80e32f)");
    if (r.podCIDR !== undefined) {
      const c = parseCidr(r.podCIDR as string);
      if (!c || c.ip !== c.base) bad(`${p}.podCIDR`, r.podCIDR, "must be a valid CIDR with zero host bits (e.g. 10.222.1.0/24)");
      else if (!cidrWithin(c, clusterCidr)) bad(`${p}.podCIDR`, r.podCIDR, `is not inside the clusterCIDR ${formatCidr(clusterCidr)}`);
      else if (c.prefix !== maskSize) bad(`${p}.podCIDR`, r.podCIDR, `must be a /${maskSize} (spec.nodeCIDRMaskSize)`);
      else {
        const clash = pinnedCidrs.find((x) => cidrsOverlap(x.cidr, c));
        if (clash) bad(`${p}.podCIDR`, r.podCIDR, `overlaps with the podCIDR of spec.nodes[${clash.index}]`);
        else pinnedCidrs.push({ cidr: c, index: i });
      }
    }
  });

  // Node IPAM: unpinned Nodes take the next free /maskSize, in Node order.
  const subnets = 2 ** (maskSize - clusterCidr.prefix);
  const step = 2 ** (32 - maskSize);
  const used = new Set(pinnedCidrs.map((x) => (x.cidr.base - clusterCidr.base) / step));
  let next = 0;
  const out: ClusterNode[] = [];
  raws.forEach((r, i) => {
    if (!r) return;
    const p = `spec.nodes[${i}]`;
    const name = (r.name as string | undefined) ?? "";
    let podCidr: Cidr | undefined = pinnedCidrs.find((x) => x.index === i)?.cidr;
    if (!podCidr && r.podCIDR === undefined) {
      while (next < subnets && used.has(next)) next++;
      if (next >= subnets) {
        L.err(`Node "${name}": failed to allocate cidr from cluster cidr at idx:0: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range`,
          P.value(`${p}.name`));
        return;
      }
      used.add(next);
      podCidr = { base: clusterCidr.base + next * step, prefix: maskSize };
    }
    if (!podCidr) return;
    const roles = (r.roles as string[] | undefined) ?? (r.role ? [r.role as string] : []);
    const labels: Record<string, string> = {
      "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
    };
    for (const role of roles) labels[`node-role.kubernetes.io/${role}`] = "";
    Object.assign(labels, (r.labels ?? {}) as Record<string, string>);
    for (const e of validateLabels(r.labels as Record<string, string> | undefined, `${p}.labels`)) {
      L.err(`The Cluster "${cname}" is invalid: ${displayPath(e.path)}: ${e.body}`, e.atKey ? P.key(e.path) : P.value(e.path));
    }
    const gwMAC = (r.gatewayMAC as string | undefined) ?? derivedMac(seed, "gateway-mac", name);
    const mac = (r.mac as string | undefined) ?? derivedMac(seed, "node-mac", name);
    const uplink = (r.uplink as string | undefined) ?? "ens160";
    const br = (r.bridge ?? {}) as Raw;
    const gwIP = formatIp(podCidr.base + 1);
    const interfaces: HostInterface[] = r.interfaces
      ? ((r.interfaces as (Raw | undefined)[]).filter((x): x is Raw => !!x).map((x) => ({
        name: x.name as string, ifindex: x.ifindex as number,
        ...(x.mac !== undefined ? { mac: x.mac as string } : {}),
        ...(x.mtu !== undefined ? { mtu: x.mtu as number } : {}),
        addresses: (x.addresses as string[] | undefined) ?? [],
      })))
      : [
        { name: uplink, ifindex: 2, mac, mtu: 1500, addresses: r.ip ? [`${r.ip}/${nodeNet?.prefix ?? 24}`] : [] },
        { name: "ovs-system", ifindex: 3, mac: derivedMac(seed, "ovs-system-mac", name), mtu: 1500, addresses: [] },
        { name: "genev_sys_6081", ifindex: 4, mac: derivedMac(seed, "genev-mac", name), mtu: 65000, addresses: [] },
        { name: "antrea-gw0", ifindex: 5, mac: gwMAC, mtu: 1450, addresses: [`${gwIP}/${maskSize}`] },
      ];
    const seenIf = new Set<number>();
    interfaces.forEach((x, j) => {
      if (seenIf.has(x.ifindex)) L.invalid("Cluster", cname, P, [fe.duplicate(`${p}.interfaces[${j}].ifindex`, x.ifindex)]);
      seenIf.add(x.ifindex);
    });
    const dpidMac = derivedMac(seed, "bridge-mac", name).replace(/:/g, "");
    out.push({
      name,
      ip: (r.ip as string | undefined) ?? "",
      mac,
      roles,
      labels,
      creationTimestamp: timestampOr(L, r.creationTimestamp as string | undefined, clock, P.value(`${p}.creationTimestamp`), `The Cluster "${cname}" is invalid: ${p}.creationTimestamp`),
      podCIDR: formatCidr(podCidr),
      gatewayIP: gwIP,
      gatewayMAC: gwMAC,
      uplink,
      interfaces,
      bridge: {
        uuid: (br.uuid as string | undefined) ?? derivedUuid(seed, "ovs-uuid", name),
        dpid: (br.dpid as string | undefined) ?? `0000${dpidMac}`,
        tunnelMAC: (br.tunnelMAC as string | undefined) ?? derivedMac(seed, "tunnel-mac", name),
        ...(br.portOrder ? { portOrder: br.portOrder as string[] } : {}),
      },
      agentPod: (r.agentPod as string | undefined) ?? `antrea-agent-${derivedNameSuffix(seed, "antrea-agent", name)}`,
      ...(r.neighborOrder ? { neighborOrder: r.neighborOrder as string[] } : {}),
      kubeProxyPod: (r.kubeProxyPod as string | undefined) ?? `kube-proxy-${derivedNameSuffix(seed, "kube-proxy", name)}`,
      source: L.pos(P.value(p)),
    });
  });
  return out;
}

// ---------------------------------------------------------------------------
// Namespaces

function buildNamespaces(L: Loader, ctx: ClusterCtx, raws: RawObject[]): Namespace[] {
  const first = ctx.nodes.reduce((m, n) => (n.creationTimestamp < m ? n.creationTimestamp : m), ctx.spec.clock);
  const out: Namespace[] = [];
  const declared = new Map<string, RawObject>();
  for (const o of raws) {
    const { meta, name } = metaOf(L, o, false);
    const errs: FieldError[] = [];
    if (!name) errs.push(fe.required("metadata.name", "name or generateName is required"));
    else for (const m of isDns1123Label(name)) errs.push(fe.invalid("metadata.name", name, m));
    errs.push(...validateLabels(meta.labels, "metadata.labels"));
    L.invalid("Namespace", name, o.positions, errs);
    if (errs.length === 0) declared.set(name, o);
  }
  const meta = (name: string, o: RawObject | undefined): ObjectMeta => {
    const m = (o?.raw.metadata ?? {}) as RawMeta;
    const pin = ctx.pins.namespaces[name] ?? {};
    return {
      name, namespace: "", labels: { ...(m.labels ?? {}) }, annotations: { ...(m.annotations ?? {}) },
      creationTimestamp: timestampOr(L, (pin.creationTimestamp as string | undefined) ?? m.creationTimestamp,
        BUILTIN_NAMESPACES.includes(name) ? first : ctx.spec.clock, o?.positions.value("metadata.creationTimestamp"), `The Namespace "${name}" is invalid: metadata.creationTimestamp`),
      uid: (pin.uid as string | undefined) ?? m.uid ?? derivedUuid(ctx.spec.seed, "uid", `Namespace/${name}`),
    };
  };
  for (const n of BUILTIN_NAMESPACES) {
    const o = declared.get(n);
    out.push({ kind: "Namespace", apiVersion: "v1", metadata: meta(n, o), builtIn: !o, ...(o ? { source: L.pos(o.span) } : {}) });
  }
  for (const [n, o] of declared) {
    if (BUILTIN_NAMESPACES.includes(n)) continue;
    out.push({ kind: "Namespace", apiVersion: "v1", metadata: meta(n, o), builtIn: false, source: L.pos(o.span) });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Pods

interface PodDraft {
  o: RawObject | undefined;
  key: string;
  meta: ObjectMeta;
  nodeName: string;
  hostNetwork: boolean;
  containers: Container[];
  nodeSelector: Record<string, string>;
  restarts: number;
  pin: Raw;
  pinPos: (field: string) => Span | undefined;
  created: number;
  order: number;
  nodePos: Span | undefined;
}

/** Antrea's interface name: the first 8 characters of the Pod name, '-', 6 hex digits of sha1(containerID). */
export function antreaInterfaceName(podName: string, containerID: string): string {
  const prefix = podName.length > 8 ? podName.slice(0, 8).replace(/^-+/, "") : podName;
  return `${prefix}-${sha1Hex(containerID).slice(0, 6)}`;
}

function readContainers(L: Loader, raw: Raw, errs: FieldError[]): Container[] {
  const spec = (raw.spec ?? {}) as Raw;
  const list = (spec.containers ?? []) as (Raw | undefined)[];
  if (list.length === 0) errs.push(fe.required("spec.containers"));
  const names = new Set<string>();
  const out: Container[] = [];
  list.forEach((c, i) => {
    if (!c) return;
    const p = `spec.containers[${i}]`;
    const name = (c.name as string | undefined) ?? "";
    for (const m of isDns1123Label(name)) errs.push(fe.invalid(`${p}.name`, name, m));
    if (names.has(name)) errs.push(fe.duplicate(`${p}.name`, name));
    names.add(name);
    if (!c.image) errs.push(fe.required(`${p}.image`));
    const ports: ContainerPort[] = [];
    ((c.ports ?? []) as (Raw | undefined)[]).forEach((cp, j) => {
      if (!cp) return;
      const pp = `${p}.ports[${j}]`;
      const num = cp.containerPort as number;
      for (const m of isValidPortNum(num)) errs.push(fe.invalid(`${pp}.containerPort`, num, m));
      const proto = (cp.protocol as string | undefined) ?? "TCP";
      if (!PROTOCOLS.includes(proto as Protocol)) errs.push(fe.notSupported(`${pp}.protocol`, proto, ["SCTP", "TCP", "UDP"]));
      const pname = cp.name as string | undefined;
      if (pname !== undefined) for (const m of isValidPortName(pname)) errs.push(fe.invalid(`${pp}.name`, pname, m));
      ports.push({ ...(pname !== undefined ? { name: pname } : {}), containerPort: num, protocol: proto as Protocol });
    });
    out.push({ name, image: (c.image as string | undefined) ?? "", ports });
  });
  void L;
  return out;
}

function buildPods(L: Loader, ctx: ClusterCtx, raws: RawObject[], checkNs: (o: RawObject, ns: string) => boolean): Pod[] {
  const seed = ctx.spec.seed;
  const drafts: PodDraft[] = [];
  const pinPositions = (key: string) => (field: string): Span | undefined =>
    ctx.positions.value(`spec.pins.pods[${JSON.stringify(key)}]${field ? `.${field}` : ""}`);
  const nodeNames = new Set(ctx.nodes.map((n) => n.name));

  for (const o of raws) {
    const { meta, name, namespace } = metaOf(L, o, true);
    const errs: FieldError[] = [];
    if (!name) errs.push(fe.required("metadata.name", "name or generateName is required"));
    else for (const m of isDns1123Subdomain(name)) errs.push(fe.invalid("metadata.name", name, m));
    errs.push(...validateLabels(meta.labels, "metadata.labels"));
    const containers = readContainers(L, o.raw, errs);
    const spec = (o.raw.spec ?? {}) as Raw;
    const nodeName = (spec.nodeName as string | undefined) ?? "";
    if (nodeName && !nodeNames.has(nodeName)) {
      errs.push(fe.invalid("spec.nodeName", nodeName, `no Node named ${JSON.stringify(nodeName)} in the Cluster document (Nodes: ${[...nodeNames].join(", ")})`));
    }
    L.invalid("Pod", name, o.positions, errs);
    if (errs.length || !checkNs(o, namespace)) continue;
    const key = `${namespace}/${name}`;
    const pin = ctx.pins.pods[key] ?? {};
    const pinPos = pinPositions(key);
    const created = timestampOr(L, (pin.creationTimestamp as string | undefined) ?? meta.creationTimestamp, ctx.spec.clock,
      pin.creationTimestamp !== undefined ? pinPos("creationTimestamp") : o.positions.value("metadata.creationTimestamp"),
      `The Pod "${name}" is invalid: metadata.creationTimestamp`);
    drafts.push({
      o, key, nodeName, hostNetwork: (spec.hostNetwork as boolean | undefined) ?? false, containers,
      nodeSelector: (spec.nodeSelector ?? {}) as Record<string, string>,
      restarts: (pin.restarts as number | undefined) ?? 0, pin, pinPos,
      created: parseTimestamp(created)!, order: o.order, nodePos: o.positions.value("spec.nodeName"),
      meta: {
        name, namespace, labels: { ...(meta.labels ?? {}) }, annotations: { ...(meta.annotations ?? {}) },
        creationTimestamp: created,
        uid: (pin.uid as string | undefined) ?? meta.uid ?? derivedUuid(seed, "uid", `Pod/${key}`),
      },
    });
  }

  // The DaemonSet Pods of every Node: antrea-agent and kube-proxy (host network).
  const declared = new Set(drafts.map((d) => d.key));
  let order = L.objects.length;
  for (const n of ctx.nodes) {
    const daemons: [string, Record<string, string>, string[]][] = [
      [n.agentPod, { app: "antrea", component: "antrea-agent" }, ["antrea-agent", "antrea-ovs"]],
      [n.kubeProxyPod, { "k8s-app": "kube-proxy" }, ["kube-proxy"]],
    ];
    for (const [name, labels, containers] of daemons) {
      const key = `kube-system/${name}`;
      if (declared.has(key)) continue;
      const pin = ctx.pins.pods[key] ?? {};
      const pinPos = pinPositions(key);
      const created = timestampOr(L, pin.creationTimestamp as string | undefined, n.creationTimestamp, pinPos("creationTimestamp"), `The Cluster "${ctx.spec.name}" is invalid: spec.pins.pods[${JSON.stringify(key)}].creationTimestamp`);
      drafts.push({
        o: undefined, key, nodeName: n.name, hostNetwork: true, nodeSelector: {},
        containers: containers.map((c) => ({ name: c, image: c === "kube-proxy" ? "k8s.gcr.io/kube-proxy" : "antrea/antrea-ubuntu", ports: [] })),
        restarts: (pin.restarts as number | undefined) ?? 0, pin, pinPos, created: parseTimestamp(created)!, order: order++,
        nodePos: undefined,
        meta: {
          name, namespace: "kube-system", labels, annotations: {}, creationTimestamp: created,
          uid: (pin.uid as string | undefined) ?? derivedUuid(seed, "uid", `Pod/${key}`),
        },
      });
    }
  }

  drafts.sort((a, b) => a.created - b.created || a.order - b.order);

  // Scheduling: Pods without nodeName go to the matching schedulable Node with the fewest Pods.
  const load = new Map(ctx.nodes.map((n) => [n.name, 0]));
  for (const d of drafts) if (d.nodeName) load.set(d.nodeName, (load.get(d.nodeName) ?? 0) + 1);
  for (const d of drafts) {
    if (d.nodeName) continue;
    const fits = ctx.nodes.filter((n) => matchLabels(d.nodeSelector, n.labels));
    const workers = fits.filter((n) => !n.roles.includes("master"));
    const cands = workers.length ? workers : fits;
    if (cands.length === 0) {
      L.err(`The Pod "${d.meta.name}" cannot be scheduled: 0/${ctx.nodes.length} nodes are available: ${ctx.nodes.length} node(s) didn't match node selector.`,
        d.o?.positions.value("spec.nodeSelector"));
      continue;
    }
    let best = cands[0]!;
    for (const n of cands) if (load.get(n.name)! < load.get(best.name)!) best = n;
    d.nodeName = best.name;
    load.set(best.name, load.get(best.name)! + 1);
  }

  // Per-Node identities.
  const pods: Pod[] = [];
  const allIps = new Map<number, string>();
  const draftsByNode = new Map<string, PodDraft[]>();
  for (const d of drafts) {
    const list = draftsByNode.get(d.nodeName);
    if (list) list.push(d);
    else draftsByNode.set(d.nodeName, [d]);
  }
  for (const n of ctx.nodes) {
    const cidr = parseCidr(n.podCIDR)!;
    const local = draftsByNode.get(n.name) ?? [];
    const ipOf = new Map<PodDraft, number>();
    const usedIps = new Set<number>([cidr.base, cidr.base + 1, cidr.base + cidrSize(cidr) - 1]);
    const ofOf = new Map<PodDraft, number>();
    const usedOf = new Set<number>([1, 2]);
    const ifOf = new Map<PodDraft, number>();
    const usedIf = new Set<number>(n.interfaces.map((x) => x.ifindex));
    const names = new Map<string, string>();
    const withPort = local.filter((d) => !d.hostNetwork);
    // Pinned values first.
    for (const d of withPort) {
      const ipText = d.pin.ip as string | undefined;
      if (ipText !== undefined) {
        const v = parseIp(ipText);
        const path = `The Cluster "${ctx.spec.name}" is invalid: spec.pins.pods[${JSON.stringify(d.key)}].ip`;
        if (v === undefined) L.err(`${path}: Invalid value: ${JSON.stringify(ipText)}: must be a valid IPv4 address`, d.pinPos("ip"));
        else if (!cidrContains(cidr, v)) L.err(`${path}: Invalid value: ${JSON.stringify(ipText)}: not within the podCIDR ${n.podCIDR} of Node "${n.name}"`, d.pinPos("ip"));
        else if (v === cidr.base + 1) L.err(`${path}: Invalid value: ${JSON.stringify(ipText)}: is the antrea-gw0 address of Node "${n.name}"`, d.pinPos("ip"));
        else if (v === cidr.base || v === cidr.base + cidrSize(cidr) - 1) L.err(`${path}: Invalid value: ${JSON.stringify(ipText)}: is the network or broadcast address of ${n.podCIDR}`, d.pinPos("ip"));
        else if (allIps.has(v)) L.err(`${path}: Duplicate value: ${JSON.stringify(ipText)}: already pinned for Pod ${allIps.get(v)}`, d.pinPos("ip"));
        else { ipOf.set(d, v); usedIps.add(v); allIps.set(v, d.key); }
      }
      const of = d.pin.ofport as number | undefined;
      if (of !== undefined) {
        const path = `The Cluster "${ctx.spec.name}" is invalid: spec.pins.pods[${JSON.stringify(d.key)}].ofport`;
        if (of < 3 || of > 0xfeff) L.err(`${path}: Invalid value: ${of}: must be between 3 and 65279 (1 and 2 are antrea-tun0 and antrea-gw0)`, d.pinPos("ofport"));
        else if (usedOf.has(of)) L.err(`${path}: Duplicate value: ${of}: OF port already used on Node "${n.name}"`, d.pinPos("ofport"));
        else { ofOf.set(d, of); usedOf.add(of); }
      }
      const ifx = d.pin.ifindex as number | undefined;
      if (ifx !== undefined) {
        if (usedIf.has(ifx)) L.err(`The Cluster "${ctx.spec.name}" is invalid: spec.pins.pods[${JSON.stringify(d.key)}].ifindex: Duplicate value: ${ifx}: ifindex already used on Node "${n.name}"`, d.pinPos("ifindex"));
        else { ifOf.set(d, ifx); usedIf.add(ifx); }
      }
      for (const f of ["mac", "hostVethMAC"]) {
        const m = d.pin[f] as string | undefined;
        if (m !== undefined && !MAC.test(m)) L.err(`The Cluster "${ctx.spec.name}" is invalid: spec.pins.pods[${JSON.stringify(d.key)}].${f}: Invalid value: ${JSON.stringify(m)}: must be a MAC address in lowercase hex`, d.pinPos(f));
      }
    }
    // Then allocation, in creation order (host-local IPAM: lowest free address from .2).
    let nextIp = cidr.base + 2;
    let nextIf = Math.max(0, ...usedIf) + 1;
    for (const d of withPort) {
      if (!ipOf.has(d) && d.pin.ip === undefined) {
        let v = nextIp;
        while (usedIps.has(v) && v < cidr.base + cidrSize(cidr) - 1) v++;
        if (usedIps.has(v) || v >= cidr.base + cidrSize(cidr) - 1) {
          L.err(`The Pod "${d.meta.name}" cannot start on Node "${n.name}": failed to allocate for range 0: no IP addresses available in range set: ${formatIp(cidr.base + 2)}-${formatIp(cidr.base + cidrSize(cidr) - 2)}`,
            d.o?.positions.value("metadata.name"));
          continue;
        }
        ipOf.set(d, v); usedIps.add(v); nextIp = v + 1;
      }
      if (!ofOf.has(d)) {
        let of = 3;
        while (usedOf.has(of)) of++;
        ofOf.set(d, of); usedOf.add(of);
      }
      if (!ifOf.has(d)) {
        while (usedIf.has(nextIf)) nextIf++;
        ifOf.set(d, nextIf); usedIf.add(nextIf);
      }
    }
    for (const d of local) {
      const ready = `${d.containers.length}/${d.containers.length}`;
      let lab: PodLab | undefined;
      let podIP = n.ip;
      if (!d.hostNetwork) {
        const ip = ipOf.get(d);
        if (ip === undefined) continue;
        podIP = formatIp(ip);
        const containerID = (d.pin.containerID as string | undefined) ?? derivedContainerId(seed, d.key);
        const interfaceName = (d.pin.interfaceName as string | undefined) ?? antreaInterfaceName(d.meta.name, containerID);
        if (interfaceName.length > 15) L.err(`The Cluster "${ctx.spec.name}" is invalid: spec.pins.pods[${JSON.stringify(d.key)}].interfaceName: Invalid value: ${JSON.stringify(interfaceName)}: must be no more than 15 characters`, d.pinPos("interfaceName"));
        if (names.has(interfaceName)) {
          L.err(`The Cluster "${ctx.spec.name}" is invalid: spec.pins.pods[${JSON.stringify(d.key)}].interfaceName: Duplicate value: ${JSON.stringify(interfaceName)}: already used by Pod ${names.get(interfaceName)} on Node "${n.name}"`, d.pinPos("interfaceName"));
        }
        names.set(interfaceName, d.key);
        lab = {
          mac: (d.pin.mac as string | undefined) ?? derivedMac(seed, "pod-mac", d.key),
          ofport: ofOf.get(d)!,
          interfaceName,
          containerID,
          hostVethMAC: (d.pin.hostVethMAC as string | undefined) ?? derivedMac(seed, "veth-mac", d.key),
          hostIfindex: ifOf.get(d)!,
          peerIfindex: (d.pin.peerIfindex as number | undefined) ?? 3,
        };
      } else {
        for (const f of ["ip", "mac", "ofport", "interfaceName", "hostVethMAC", "ifindex"]) {
          if (d.pin[f] !== undefined) L.err(`The Cluster "${ctx.spec.name}" is invalid: spec.pins.pods[${JSON.stringify(d.key)}].${f}: Forbidden: the Pod uses the host network and has no OVS port`, d.pinPos(f));
        }
      }
      pods.push({
        kind: "Pod", apiVersion: "v1", metadata: d.meta,
        spec: { nodeName: n.name, hostNetwork: d.hostNetwork, containers: d.containers, nodeSelector: d.nodeSelector },
        status: { phase: "Running", podIP, hostIP: n.ip, restartCount: d.restarts, ready },
        ...(lab ? { lab } : {}),
        source: d.o ? L.pos(d.o.span) : n.source,
      });
    }
  }
  // Keep the cluster-wide creation order.
  const rank = new Map(drafts.map((d, i) => [d.key, i]));
  pods.sort((a, b) => rank.get(keyOf(a))! - rank.get(keyOf(b))!);
  return pods;
}

// ---------------------------------------------------------------------------
// Services

function buildServices(L: Loader, ctx: ClusterCtx, raws: RawObject[], checkNs: (o: RawObject, ns: string) => boolean): Service[] {
  const seed = ctx.spec.seed;
  const svcCidr = ctx.service;
  interface Draft { o: RawObject; key: string; meta: ObjectMeta; type: Service["spec"]["type"]; ports: ServicePort[]; selector?: Record<string, string>; ip?: number; headless: boolean; pin: Raw; created: number }
  const drafts: Draft[] = [];
  const usedIps = new Map<number, string>();
  const usedNodePorts = new Map<number, string>();
  for (const o of raws) {
    const { meta, name, namespace } = metaOf(L, o, true);
    const spec = (o.raw.spec ?? {}) as Raw;
    const errs: FieldError[] = [];
    if (!name) errs.push(fe.required("metadata.name", "name or generateName is required"));
    else for (const m of isDns1035Label(name)) errs.push(fe.invalid("metadata.name", name, m));
    errs.push(...validateLabels(meta.labels, "metadata.labels"));
    const type = (spec.type as string | undefined) ?? "ClusterIP";
    const TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if (!TYPES.includes(type)) errs.push(fe.notSupported("spec.type", type, TYPES));
    const rawPorts = (spec.ports ?? []) as (Raw | undefined)[];
    if (rawPorts.length === 0 && type !== "ExternalName") errs.push(fe.required("spec.ports"));
    const key = `${namespace}/${name}`;
    const pin = ctx.pins.services[key] ?? {};
    const pinNodePorts = (pin.nodePorts as number[] | undefined) ?? (pin.nodePort !== undefined ? [pin.nodePort as number] : []);
    const ports: ServicePort[] = [];
    const portNames = new Set<string>();
    rawPorts.forEach((rp, i) => {
      if (!rp) return;
      const p = `spec.ports[${i}]`;
      const pname = (rp.name as string | undefined) ?? "";
      if (rawPorts.length > 1 && !pname) errs.push(fe.required(`${p}.name`));
      if (pname) {
        for (const m of isDns1123Label(pname)) errs.push(fe.invalid(`${p}.name`, pname, m));
        if (portNames.has(pname)) errs.push(fe.duplicate(`${p}.name`, pname));
        portNames.add(pname);
      }
      const port = rp.port as number;
      for (const m of isValidPortNum(port)) errs.push(fe.invalid(`${p}.port`, port, m));
      const proto = (rp.protocol as string | undefined) ?? "TCP";
      if (!PROTOCOLS.includes(proto as Protocol)) errs.push(fe.notSupported(`${p}.protocol`, proto, ["SCTP", "TCP", "UDP"]));
      const tp = (rp.targetPort as number | string | undefined) ?? port;
      if (typeof tp === "number") for (const m of isValidPortNum(tp)) errs.push(fe.invalid(`${p}.targetPort`, tp, m));
      else for (const m of isValidPortName(tp)) errs.push(fe.invalid(`${p}.targetPort`, tp, m));
      let nodePort: number | undefined = (rp.nodePort as number | undefined) ?? pinNodePorts[i];
      if (nodePort !== undefined) {
        if (type === "ClusterIP") { errs.push(fe.forbidden(`${p}.nodePort`, "may not be used when `type` is 'ClusterIP'")); nodePort = undefined; }
        else if (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) {
          errs.push(fe.invalid(`${p}.nodePort`, nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`));
          nodePort = undefined;
        } else if (usedNodePorts.has(nodePort)) {
          errs.push(fe.invalid(`${p}.nodePort`, nodePort, "provided port is already allocated"));
          nodePort = undefined;
        } else usedNodePorts.set(nodePort, key);
      }
      ports.push({ name: pname, protocol: proto as Protocol, port, targetPort: tp, ...(nodePort !== undefined ? { nodePort } : {}) });
    });
    const selector = spec.selector as Record<string, string> | undefined;
    errs.push(...validateLabels(selector, "spec.selector"));
    const ipText = (pin.clusterIP as string | undefined) ?? (spec.clusterIP as string | undefined);
    let ip: number | undefined;
    let headless = false;
    if (ipText === "None") headless = true;
    else if (ipText !== undefined && ipText !== "") {
      const v = parseIp(ipText);
      if (v === undefined) errs.push(fe.invalid("spec.clusterIP", ipText, "must be empty, 'None', or a valid IP address"));
      else if (!cidrContains(svcCidr, v) || v === svcCidr.base || v === svcCidr.base + cidrSize(svcCidr) - 1) {
        errs.push(fe.invalid("spec.clusterIP", ipText, `provided IP is not in the valid range. The range of valid IPs is ${formatCidr(svcCidr)}`));
      } else if (usedIps.has(v)) errs.push(fe.invalid("spec.clusterIP", ipText, "provided IP is already allocated"));
      else { ip = v; usedIps.set(v, key); }
    }
    const positions = o.positions;
    if (pin.clusterIP !== undefined) {
      // Report pin problems at the pin.
      const p2 = new Positions(ctx.positions.value(`spec.pins.services[${JSON.stringify(key)}].clusterIP`));
      const moved = errs.filter((e) => e.path === "spec.clusterIP");
      L.invalid("Service", name, p2, moved);
      L.invalid("Service", name, positions, errs.filter((e) => e.path !== "spec.clusterIP"));
    } else {
      L.invalid("Service", name, positions, errs);
    }
    if (errs.length || !checkNs(o, namespace)) continue;
    const created = timestampOr(L, (pin.creationTimestamp as string | undefined) ?? meta.creationTimestamp, ctx.spec.clock,
      ctx.positions.value(`spec.pins.services[${JSON.stringify(key)}].creationTimestamp`), `The Service "${name}" is invalid: metadata.creationTimestamp`);
    drafts.push({
      o, key, type: type as Service["spec"]["type"], ports, headless, pin, created: parseTimestamp(created)!,
      ...(selector && Object.keys(selector).length ? { selector } : {}),
      ...(ip !== undefined ? { ip } : {}),
      meta: {
        name, namespace, labels: { ...(meta.labels ?? {}) }, annotations: { ...(meta.annotations ?? {}) }, creationTimestamp: created,
        uid: (pin.uid as string | undefined) ?? meta.uid ?? derivedUuid(seed, "uid", `Service/${key}`),
      },
    });
  }
  // Allocation of unpinned ClusterIPs and NodePorts, in creation order.
  drafts.sort((a, b) => a.created - b.created || a.o.order - b.o.order);
  const size = cidrSize(svcCidr);
  for (const d of drafts) {
    if (d.ip !== undefined || d.headless || d.type === "ExternalName") continue;
    let off = d.key === "default/kubernetes" ? 1 : 2 + (derivedUint32(seed, "cluster-ip", d.key) % (size - 3));
    for (let tries = 0; tries < size && usedIps.has(svcCidr.base + off); tries++) off = off + 1 >= size - 1 ? 1 : off + 1;
    if (usedIps.has(svcCidr.base + off)) {
      L.err(`The Service "${d.meta.name}" is invalid: spec.clusterIP: Internal error: failed to allocate a serviceIP: range is full`, d.o.positions.value("metadata.name"));
      continue;
    }
    d.ip = svcCidr.base + off;
    usedIps.set(d.ip, d.key);
  }
  const out: Service[] = [];
  for (const d of drafts) {
    if (d.ip === undefined && !d.headless && d.type !== "ExternalName") continue;
    const ports = d.ports.map((p, i) => {
      if (p.nodePort !== undefined || (d.type !== "NodePort" && d.type !== "LoadBalancer")) return p;
      let np = NODE_PORT_MIN + (derivedUint32(seed, "node-port", `${d.key}/${i}`) % (NODE_PORT_MAX - NODE_PORT_MIN + 1));
      while (usedNodePorts.has(np)) np = np === NODE_PORT_MAX ? NODE_PORT_MIN : np + 1;
      usedNodePorts.set(np, d.key);
      return { ...p, nodePort: np };
    });
    out.push({
      kind: "Service", apiVersion: "v1", metadata: d.meta,
      spec: {
        type: d.type, clusterIP: d.headless ? "None" : d.ip !== undefined ? formatIp(d.ip) : "", ports,
        ...(d.selector ? { selector: d.selector } : {}),
      },
      source: L.pos(d.o.span),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Endpoints

function resolveTargetPort(pod: Pod, port: ServicePort): number | undefined {
  if (typeof port.targetPort === "number") return port.targetPort;
  for (const c of pod.spec.containers) {
    for (const cp of c.ports) if (cp.name === port.targetPort && cp.protocol === port.protocol) return cp.containerPort;
  }
  return undefined;
}

/** The Endpoints the endpoints controller derives for a Service with a selector. */
export function deriveEndpointSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  if (!svc.spec.selector) return [];
  const bySig = new Map<string, { ports: EndpointPort[]; addresses: EndpointAddress[] }>();
  for (const pod of pods) {
    if (pod.metadata.namespace !== svc.metadata.namespace || !matchLabels(svc.spec.selector, pod.metadata.labels)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec.ports) {
      const n = resolveTargetPort(pod, sp);
      if (n !== undefined) ports.push({ name: sp.name, port: n, protocol: sp.protocol });
    }
    if (ports.length === 0) continue;
    const sig = JSON.stringify(ports);
    const entry = bySig.get(sig) ?? { ports, addresses: [] };
    entry.addresses.push({ ip: pod.status.podIP, nodeName: pod.spec.nodeName, targetRef: keyOf(pod) });
    bySig.set(sig, entry);
  }
  const subsets = [...bySig.values()].map((s) => ({
    // RepackSubsets/SortSubsets: addresses sorted by IP (as strings), ports by name.
    addresses: [...s.addresses].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0)),
    ports: [...s.ports].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  }));
  subsets.sort((a, b) => (a.addresses[0]!.ip < b.addresses[0]!.ip ? -1 : 1));
  return subsets;
}

function buildEndpoints(
  L: Loader, ctx: ClusterCtx, raws: RawObject[], services: Service[], pods: Pod[],
  checkNs: (o: RawObject, ns: string) => boolean,
): Endpoints[] {
  const declared = new Map<string, Endpoints>();
  for (const o of raws) {
    const { meta, name, namespace } = metaOf(L, o, true);
    const errs: FieldError[] = [];
    if (!name) errs.push(fe.required("metadata.name", "name or generateName is required"));
    else for (const m of isDns1123Subdomain(name)) errs.push(fe.invalid("metadata.name", name, m));
    const subsets: EndpointSubset[] = [];
    ((o.raw.subsets ?? []) as (Raw | undefined)[]).forEach((s, i) => {
      if (!s) return;
      const addresses: EndpointAddress[] = [];
      ((s.addresses ?? []) as (Raw | undefined)[]).forEach((a, j) => {
        if (!a) return;
        const ip = a.ip as string;
        if (parseIp(ip) === undefined) errs.push(fe.invalid(`subsets[${i}].addresses[${j}].ip`, ip, "must be a valid IP address, (e.g. 10.9.8.7)"));
        const tr = a.targetRef as { namespace?: string; name?: string } | undefined;
        addresses.push({ ip, ...(a.nodeName ? { nodeName: a.nodeName as string } : {}), ...(tr?.name ? { targetRef: `${tr.namespace ?? namespace}/${tr.name}` } : {}) });
      });
      const ports: EndpointPort[] = [];
      ((s.ports ?? []) as (Raw | undefined)[]).forEach((p, j) => {
        if (!p) return;
        const port = p.port as number;
        for (const m of isValidPortNum(port)) errs.push(fe.invalid(`subsets[${i}].ports[${j}].port`, port, m));
        const proto = (p.protocol as string | undefined) ?? "TCP";
        if (!PROTOCOLS.includes(proto as Protocol)) errs.push(fe.notSupported(`subsets[${i}].ports[${j}].protocol`, proto, ["SCTP", "TCP", "UDP"]));
        ports.push({ name: (p.name as string | undefined) ?? "", port, protocol: proto as Protocol });
      });
      subsets.push({ addresses, ports });
    });
    L.invalid("Endpoints", name, o.positions, errs);
    if (errs.length || !checkNs(o, namespace)) continue;
    const key = `${namespace}/${name}`;
    const pin = ctx.pins.endpoints[key] ?? {};
    const svc = services.find((s) => keyOf(s) === key);
    const created = timestampOr(L, (pin.creationTimestamp as string | undefined) ?? meta.creationTimestamp,
      svc?.metadata.creationTimestamp ?? ctx.spec.clock, o.positions.value("metadata.creationTimestamp"), `The Endpoints "${name}" is invalid: metadata.creationTimestamp`);
    declared.set(key, {
      kind: "Endpoints", apiVersion: "v1", derived: false, subsets, source: L.pos(o.span),
      metadata: {
        name, namespace, labels: { ...(meta.labels ?? {}) }, annotations: {}, creationTimestamp: created,
        uid: (pin.uid as string | undefined) ?? meta.uid ?? derivedUuid(ctx.spec.seed, "uid", `Endpoints/${key}`),
      },
    });
  }
  const out: Endpoints[] = [];
  for (const svc of services) {
    const key = keyOf(svc);
    const d = declared.get(key);
    if (d) { out.push(d); declared.delete(key); continue; }
    let subsets = deriveEndpointSubsets(svc, pods);
    if (!svc.spec.selector && key === "default/kubernetes") {
      // The apiserver's own Endpoints: every control-plane Node on 6443.
      const masters = ctx.nodes.filter((n) => n.roles.includes("master"));
      subsets = masters.length ? [{
        addresses: masters.map((n) => ({ ip: n.ip })),
        ports: [{ name: svc.spec.ports[0]?.name || "https", port: 6443, protocol: "TCP" }],
      }] : [];
    } else if (!svc.spec.selector) continue;
    const pin = ctx.pins.endpoints[key] ?? {};
    out.push({
      kind: "Endpoints", apiVersion: "v1", derived: true, subsets, source: svc.source,
      metadata: {
        name: svc.metadata.name, namespace: svc.metadata.namespace, labels: { ...svc.metadata.labels }, annotations: {},
        creationTimestamp: (pin.creationTimestamp as string | undefined) ?? svc.metadata.creationTimestamp,
        uid: (pin.uid as string | undefined) ?? derivedUuid(ctx.spec.seed, "uid", `Endpoints/${key}`),
      },
    });
  }
  out.push(...declared.values());
  return out;
}

// ---------------------------------------------------------------------------
// NetworkPolicies

function toSelector(raw: { matchLabels?: Record<string, string>; matchExpressions?: ({ key?: string; operator?: string; values?: string[] } | undefined)[] } | undefined): LabelSelector {
  return {
    matchLabels: { ...(raw?.matchLabels ?? {}) },
    matchExpressions: (raw?.matchExpressions ?? []).filter((r): r is { key: string; operator: string; values?: string[] } => !!r)
      .map((r) => ({ key: r.key, operator: r.operator as LabelSelector["matchExpressions"][number]["operator"], values: [...(r.values ?? [])] })),
  };
}

interface RawPeer { podSelector?: Raw; namespaceSelector?: Raw; ipBlock?: { cidr?: string; except?: string[] } }

function toPeers(raw: (RawPeer | undefined)[] | undefined): NetworkPolicyPeer[] {
  return (raw ?? []).filter((p): p is RawPeer => !!p).map((p) => ({
    ...(p.podSelector ? { podSelector: toSelector(p.podSelector) } : {}),
    ...(p.namespaceSelector ? { namespaceSelector: toSelector(p.namespaceSelector) } : {}),
    ...(p.ipBlock ? { ipBlock: { cidr: p.ipBlock.cidr ?? "", except: [...(p.ipBlock.except ?? [])] } } : {}),
  }));
}

function toPorts(raw: ({ protocol?: string; port?: number | string } | undefined)[] | undefined): NetworkPolicyPort[] {
  return (raw ?? []).filter((p): p is { protocol?: string; port?: number | string } => !!p)
    .map((p) => ({ protocol: (p.protocol ?? "TCP") as Protocol, ...(p.port !== undefined ? { port: p.port } : {}) }));
}

function buildNetworkPolicies(L: Loader, ctx: ClusterCtx, raws: RawObject[], checkNs: (o: RawObject, ns: string) => boolean): NetworkPolicy[] {
  const out: NetworkPolicy[] = [];
  for (const o of raws) {
    const { meta, name, namespace } = metaOf(L, o, true);
    const spec = (o.raw.spec ?? {}) as RawNetworkPolicySpec;
    const errs: FieldError[] = [];
    if (!name) errs.push(fe.required("metadata.name", "name or generateName is required"));
    else for (const m of isDns1123Subdomain(name)) errs.push(fe.invalid("metadata.name", name, m));
    errs.push(...validateLabels(meta.labels, "metadata.labels"));
    errs.push(...validateNetworkPolicySpec(spec));
    L.invalid("NetworkPolicy", name, o.positions, errs);
    if (errs.length || !checkNs(o, namespace)) continue;
    const key = `${namespace}/${name}`;
    const pin = ctx.pins.networkpolicies[key] ?? {};
    const ingress = (spec.ingress ?? []).filter((r) => !!r).map((r) => ({ from: toPeers(r!.from as RawPeer[]), ports: toPorts(r!.ports) }));
    const egress = (spec.egress ?? []).filter((r) => !!r).map((r) => ({ to: toPeers(r!.to as RawPeer[]), ports: toPorts(r!.ports) }));
    // API server defaulting (SetDefaults_NetworkPolicy).
    let policyTypes = (spec.policyTypes ?? []) as PolicyType[];
    if (policyTypes.length === 0) policyTypes = egress.length ? ["Ingress", "Egress"] : ["Ingress"];
    const ik = o.positions.key("spec.ingress"), ek = o.positions.key("spec.egress");
    const hasI = o.positions.has("spec.ingress"), hasE = o.positions.has("spec.egress");
    const sectionOrder: ("ingress" | "egress")[] = hasI && hasE
      ? (ik!.start <= ek!.start ? ["ingress", "egress"] : ["egress", "ingress"])
      : hasE ? ["egress", "ingress"] : ["ingress", "egress"];
    const created = timestampOr(L, (pin.creationTimestamp as string | undefined) ?? meta.creationTimestamp, ctx.spec.clock,
      ctx.positions.value(`spec.pins.networkpolicies[${JSON.stringify(key)}].creationTimestamp`), `The NetworkPolicy "${name}" is invalid: metadata.creationTimestamp`);
    out.push({
      kind: "NetworkPolicy", apiVersion: "networking.k8s.io/v1",
      metadata: {
        name, namespace, labels: { ...(meta.labels ?? {}) }, annotations: { ...(meta.annotations ?? {}) }, creationTimestamp: created,
        uid: (pin.uid as string | undefined) ?? meta.uid ?? derivedUuid(ctx.spec.seed, "uid", `NetworkPolicy/${key}`),
      },
      spec: { podSelector: toSelector(spec.podSelector as Raw | undefined), policyTypes, ingress, egress },
      sectionOrder,
      source: L.pos(o.span),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Pins that name nothing

function checkPins(
  L: Loader, ctx: ClusterCtx, pods: Pod[], services: Service[], endpoints: Endpoints[],
  nps: NetworkPolicy[], nss: Namespace[],
): void {
  const check = (kind: string, plural: keyof Pins, keys: Set<string>): void => {
    for (const k of Object.keys(ctx.pins[plural])) {
      if (keys.has(k)) continue;
      const [ns, name] = k.includes("/") ? k.split("/", 2) : ["", k];
      L.err(`The Cluster "${ctx.spec.name}" is invalid: spec.pins.${plural}[${JSON.stringify(k)}]: Not found: no ${kind} ${JSON.stringify(name)}${ns ? ` in namespace ${JSON.stringify(ns)}` : ""}`,
        ctx.positions.key(`spec.pins.${plural}[${JSON.stringify(k)}]`));
    }
  };
  // Pods that failed validation were already reported; only flag pins that match no declared object at all.
  const declaredPods = new Set(L.objects.filter((o) => o.kind === "Pod").map((o) => {
    const m = (o.raw.metadata ?? {}) as RawMeta;
    return `${m.namespace ?? "default"}/${m.name ?? ""}`;
  }));
  for (const n of ctx.nodes) { declaredPods.add(`kube-system/${n.agentPod}`); declaredPods.add(`kube-system/${n.kubeProxyPod}`); }
  for (const p of pods) declaredPods.add(keyOf(p));
  check("Pod", "pods", declaredPods);
  const declared = (kind: string, objs: { metadata: { namespace: string; name: string } }[]): Set<string> => {
    const s = new Set(objs.map((x) => keyOf(x)));
    for (const o of L.objects.filter((x) => x.kind === kind)) {
      const m = (o.raw.metadata ?? {}) as RawMeta;
      s.add(kind === "Namespace" ? m.name ?? "" : `${m.namespace ?? "default"}/${m.name ?? ""}`);
    }
    return s;
  };
  check("Service", "services", declared("Service", services));
  check("Endpoints", "endpoints", declared("Endpoints", endpoints));
  check("NetworkPolicy", "networkpolicies", declared("NetworkPolicy", nps));
  check("Namespace", "namespaces", declared("Namespace", nss));
}
