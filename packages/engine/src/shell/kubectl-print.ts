/**
 * kubectl v1.18's table printers for the resources of the lab: nodes,
 * pods, services, endpoints and networkpolicies, laid out by Go's
 * tabwriter as kubectl configures it (minwidth 6, padding 3, last column
 * unpadded).
 */
import { ageOf, formatSelector } from "../k8s/query.ts";
import type { Endpoints, NetworkPolicy, Pod, Scenario, Service } from "../k8s/types.ts";

/** Go's text/tabwriter with kubectl's settings (minwidth 6, tabwidth 4, padding 3, padchar ' '). */
export function tabwrite(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((cell, i) => {
      if (i === r.length - 1) return;
      widths[i] = Math.max(widths[i] ?? 0, Math.max(cell.length + 3, 6));
    });
  }
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("") + "\n").join("");
}

export interface GetOptions {
  readonly wide: boolean;
  /** undefined: all namespaces (-A). */
  readonly namespace: string | undefined;
  /** Clock name for AGE (the scenario's `clocks`), or undefined for `clock`. */
  readonly clock?: string;
  readonly names?: readonly string[];
}

const byNsName = <T extends { metadata: { namespace: string; name: string } }>(a: T, b: T): number =>
  a.metadata.namespace < b.metadata.namespace ? -1 : a.metadata.namespace > b.metadata.namespace ? 1 : a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;

function select<T extends { metadata: { namespace: string; name: string } }>(items: readonly T[], o: GetOptions): T[] {
  return items
    .filter((i) => o.namespace === undefined || i.metadata.namespace === o.namespace)
    .filter((i) => !o.names || o.names.includes(i.metadata.name))
    .slice()
    .sort(byNsName);
}

export function printNodes(s: Scenario, o: GetOptions): string {
  const head = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
  if (o.wide) head.push("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME");
  const rows: string[][] = [head];
  const nodes = s.nodes.filter((n) => !o.names || o.names.includes(n.name)).slice().sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const n of nodes) {
    const r = [n.name, "Ready", n.roles.length ? [...n.roles].sort().join(",") : "<none>", ageOf(s, n, o.clock), s.cluster.kubernetesVersion];
    if (o.wide) r.push(n.ip, "<none>", s.cluster.osImage, s.cluster.kernelVersion, s.cluster.containerRuntime);
    rows.push(r);
  }
  return rows.length > 1 ? tabwrite(rows) : "";
}

export function printPods(s: Scenario, o: GetOptions): string {
  const pods = select(s.pods, o);
  if (!pods.length) return "";
  const head = [...(o.namespace === undefined ? ["NAMESPACE"] : []), "NAME", "READY", "STATUS", "RESTARTS", "AGE"];
  if (o.wide) head.push("IP", "NODE", "NOMINATED NODE", "READINESS GATES");
  const rows: string[][] = [head];
  for (const p of pods) {
    const r = [...(o.namespace === undefined ? [p.metadata.namespace] : []), p.metadata.name, p.status.ready, p.status.phase, String(p.status.restartCount), ageOf(s, p, o.clock)];
    if (o.wide) r.push(p.status.podIP || "<none>", p.spec.nodeName || "<none>", "<none>", "<none>");
    rows.push(r);
  }
  return tabwrite(rows);
}

function servicePorts(svc: Service): string {
  if (!svc.spec.ports.length) return "<none>";
  return svc.spec.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol}`).join(",");
}

export function printServices(s: Scenario, o: GetOptions): string {
  const svcs = select(s.services, o);
  if (!svcs.length) return "";
  const head = [...(o.namespace === undefined ? ["NAMESPACE"] : []), "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"];
  if (o.wide) head.push("SELECTOR");
  const rows: string[][] = [head];
  for (const svc of svcs) {
    const r = [...(o.namespace === undefined ? [svc.metadata.namespace] : []), svc.metadata.name, svc.spec.type, svc.spec.clusterIP || "<none>", "<none>", servicePorts(svc), ageOf(s, svc, o.clock)];
    if (o.wide) r.push(svc.spec.selector ? Object.entries(svc.spec.selector).map(([k, v]) => `${k}=${v}`).join(",") || "<none>" : "<none>");
    rows.push(r);
  }
  return tabwrite(rows);
}

/** kubectl's formatEndpoints: at most three, then " + N more...". */
export function formatEndpoints(ep: Endpoints): string {
  if (!ep.subsets.length) return "<none>";
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of ep.subsets) {
    const entries = ss.ports.length === 0 ? ss.addresses.map((a) => a.ip) : ss.ports.flatMap((p) => ss.addresses.map((a) => `${a.ip}:${p.port}`));
    for (const e of entries) {
      if (list.length === 3) more = true;
      if (!more) list.push(e);
      count++;
    }
  }
  return more ? `${list.join(",")} + ${count - 3} more...` : list.join(",");
}

export function printEndpoints(s: Scenario, o: GetOptions): string {
  const eps = select(s.endpoints, o);
  if (!eps.length) return "";
  const rows: string[][] = [[...(o.namespace === undefined ? ["NAMESPACE"] : []), "NAME", "ENDPOINTS", "AGE"]];
  for (const ep of eps) {
    rows.push([...(o.namespace === undefined ? [ep.metadata.namespace] : []), ep.metadata.name, formatEndpoints(ep), ageOf(s, ep, o.clock)]);
  }
  return tabwrite(rows);
}

export function printNetworkPolicies(s: Scenario, o: GetOptions): string {
  const nps: NetworkPolicy[] = select(s.networkPolicies, o);
  if (!nps.length) return "";
  const rows: string[][] = [[...(o.namespace === undefined ? ["NAMESPACE"] : []), "NAME", "POD-SELECTOR", "AGE"]];
  for (const np of nps) {
    rows.push([...(o.namespace === undefined ? [np.metadata.namespace] : []), np.metadata.name, formatSelector(np.spec.podSelector), ageOf(s, np, o.clock)]);
  }
  return tabwrite(rows);
}

export function printNamespaces(s: Scenario, o: GetOptions): string {
  const rows: string[][] = [["NAME", "STATUS", "AGE"]];
  for (const n of s.namespaces.slice().sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    if (o.names && !o.names.includes(n.metadata.name)) continue;
    rows.push([n.metadata.name, "Active", ageOf(s, n, o.clock)]);
  }
  return rows.length > 1 ? tabwrite(rows) : "";
}

export type PodFilter = (p: Pod) => boolean;
