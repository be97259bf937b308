/**
 * The lab's application model: which processes listen on which ports, and
 * what an HTTP GET returns from them.
 *
 * - Network-MultiTool images (the seed's `dumlutimuralp/networktest`, a copy
 *   of `praqma/network-multitool`) run nginx on TCP 80 and 443, serving
 *   `Praqma Network MultiTool (with NGINX) - <hostname> - <ip>/<len>`.
 * - Other Pods listen on their declared container ports.
 * - Nodes listen on the kubelet's 10250, the ports of their host-network
 *   Pods, and the API server's 6443 on control-plane Nodes.
 * - External hosts: the DNS server answers on UDP/TCP 53.
 */
import type { Pod } from "../k8s/types.ts";
import type { Cluster } from "./cluster.ts";
import type { Sink } from "./trace.ts";

export function isMultitool(pod: Pod): boolean {
  return pod.spec.containers.some((c) => /networktest|network-multitool/i.test(c.image));
}

function podListens(pod: Pod, proto: "tcp" | "udp", port: number): boolean {
  if (proto === "tcp" && isMultitool(pod) && (port === 80 || port === 443)) return true;
  return pod.spec.containers.some((c) => c.ports.some((p) => p.containerPort === port && p.protocol.toLowerCase() === proto));
}

function nodeListens(c: Cluster, node: string, proto: "tcp" | "udp", port: number): boolean {
  if (proto === "tcp" && port === 10250) return true;
  if (proto === "tcp" && port === 22) return true;
  const n = c.nodeByName(node);
  if (proto === "tcp" && port === 6443 && n?.roles.includes("master")) return true;
  return c.scenario.pods.some((p) => p.spec.hostNetwork && p.spec.nodeName === node && podListens(p, proto, port));
}

/** Whether something answers `proto`/`port` where the packet arrived. */
export function listens(c: Cluster, sink: Sink, proto: "tcp" | "udp", port: number): boolean {
  switch (sink.kind) {
    case "pod": return podListens(sink.pod, proto, port);
    case "node": return nodeListens(c, sink.node, proto, port);
    case "external": return port === 53 && /dns/i.test(sink.name);
  }
}

/** The body of `GET /` from the server at `sink` (undefined: not an HTTP server). */
export function httpBody(c: Cluster, sink: Sink, port: number): { body: string } | { error: "empty" | "https" } {
  if (sink.kind === "pod" && isMultitool(sink.pod)) {
    const node = c.nodeByName(sink.pod.spec.nodeName);
    const len = node ? node.podCIDR.split("/")[1] : "24";
    if (port === 443) return { error: "https" };
    return { body: `Praqma Network MultiTool (with NGINX) - ${sink.pod.metadata.name} - ${sink.pod.status.podIP}/${len}\n` };
  }
  if (sink.kind === "node" && (port === 6443 || port === 10250 || port === 10349)) return { error: "https" };
  if (sink.kind === "pod" && sink.pod.spec.containers.some((ct) => ct.ports.some((p) => p.containerPort === port && p.name === "api"))) return { error: "https" };
  return { error: "empty" };
}
