/** The simulated cluster: Nodes' bridges and hosts with their state, packet walks, connections. */
export { Cluster, DEFAULT_SEED, type ClusterOptions, type NodeRuntime } from "./cluster.ts";
export {
  traceCluster, formatClusterTrace, traceJson, sendPacket, sendReply, replyTo, resolveSource, sourceIp, TraceError,
  type TraceRequest, type ClusterTraceResult, type PathResult, type Hop, type OvsHop, type HostHop, type TunnelHop,
  type TableVisit, type PacketView, type PolicyCause, type Proto, type Source, type Sink, type Walk,
} from "./trace.ts";
export { tcpConnect, udpExchange, type Connection, type ConnectOutcome, type ExchangeOutcome } from "./connect.ts";
export { listens, httpBody, isMultitool } from "./apps.ts";
export { nodeLinks, podLinks, nodeRoutes, kubeProxyServices, buildNodeHost } from "./hosts.ts";
