/**
 * The scenario model: a Kubernetes cluster as plain, frozen values. Objects
 * keep the shape of the Kubernetes API (kind, metadata, spec, status) with
 * defaults applied as the API server would, plus a `lab` part carrying the
 * identities the data plane needs (MACs, OF ports, interface names), pinned
 * by the scenario or derived deterministically.
 */

/** A problem found while loading a scenario. */
export interface ScenarioError {
  /** kubectl-style message, without the position prefix. */
  readonly message: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Length of the offending text, when known. */
  readonly length?: number;
  /** `file:line:column: message`. */
  readonly text: string;
}

/** Where an object (or field) sits in the scenario source. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly length?: number;
}

export type Protocol = "TCP" | "UDP" | "SCTP";

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export interface ObjectMeta {
  readonly name: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** RFC 3339, e.g. 2020-09-08T09:18:40Z. */
  readonly creationTimestamp: string;
  readonly uid: string;
}

// ---------------------------------------------------------------------------
// Cluster document (apiVersion: ovs-lab/v1alpha1, kind: Cluster)

export interface HostInterface {
  readonly name: string;
  readonly ifindex: number;
  readonly mac?: string;
  readonly mtu?: number;
  /** CIDR notation, e.g. 10.79.1.201/24 or fe80::250:56ff:fe8f:4e82/64. */
  readonly addresses: readonly string[];
}

export interface BridgeIdentity {
  /** UUID of the Open_vSwitch row (first line of `ovs-vsctl show`). */
  readonly uuid: string;
  /** 16 hex digits. */
  readonly dpid: string;
  /** `addr:` of antrea-tun0 in `ovs-ofctl show`. */
  readonly tunnelMAC: string;
  /** Port order of `ovs-vsctl show` (OVS prints ports in UUID order). */
  readonly portOrder?: readonly string[];
}

export interface ClusterNode {
  readonly name: string;
  /** InternalIP. */
  readonly ip: string;
  /** MAC of the uplink (ens160). */
  readonly mac: string;
  readonly roles: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly creationTimestamp: string;
  readonly podCIDR: string;
  /** antrea-gw0 address: the first address of the PodCIDR. */
  readonly gatewayIP: string;
  readonly gatewayMAC: string;
  /** Name of the uplink device. */
  readonly uplink: string;
  readonly interfaces: readonly HostInterface[];
  readonly bridge: BridgeIdentity;
  readonly agentPod: string;
  readonly kubeProxyPod: string;
  /** The order `arp -a` lists neighbour entries in (the kernel's hash order), by IP. */
  readonly neighborOrder?: readonly string[];
  readonly source: SourcePos;
}

export type ConjIdOrder = "manifest" | "controller";
export type ConjActionOrder = "ascending" | "newest-first";

export interface AntreaConfig {
  /** e.g. "v0.10.0-dev-4ed2c67", "v0.10.1". */
  readonly version: string;
  readonly featureGates: Readonly<Record<string, boolean>>;
  readonly trafficEncapMode: "encap";
  readonly tunnelType: "geneve";
  /** Cookie round (1 after the agent's first start). */
  readonly roundNum: number;
  /** How conj IDs are numbered on each Node (see SCENARIO.md). */
  readonly conjIdOrder: ConjIdOrder;
  /** Order of several conjunction() actions on one shared match flow. */
  readonly conjActionOrder: ConjActionOrder;
}

export interface ClusterSpec {
  readonly name: string;
  /** Seed of every derived identity. */
  readonly seed: string;
  readonly kubernetesVersion: string;
  readonly containerRuntime: string;
  readonly osImage: string;
  readonly kernelVersion: string;
  readonly clusterCIDR: string;
  readonly nodeCIDRMaskSize: number;
  readonly serviceCIDR: string;
  /** Underlay network of the Nodes, e.g. 10.79.1.0/24. */
  readonly nodeNetwork?: string;
  readonly defaultGateway?: string;
  /** Hosts outside the cluster (the underlay's gateway, DNS server, clients). */
  readonly externalHosts: readonly { readonly name: string; readonly ip: string; readonly mac?: string }[];
  /** The fixed "now" for AGE columns. */
  readonly clock: string;
  /** Other named "now"s (e.g. the time of another capture). */
  readonly clocks: Readonly<Record<string, string>>;
  readonly antrea: AntreaConfig;
  readonly ovs: { readonly version: string };
  readonly source: SourcePos;
}

// ---------------------------------------------------------------------------
// Kubernetes objects

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly ports: readonly ContainerPort[];
}

/** Data-plane identities of a Pod with an OVS port. */
export interface PodLab {
  readonly mac: string;
  readonly ofport: number;
  readonly interfaceName: string;
  readonly containerID: string;
  /** MAC of the host end of the veth (the OVS port's `addr:`). */
  readonly hostVethMAC: string;
  /** ifindex of the host end of the veth. */
  readonly hostIfindex: number;
  /** ifindex of eth0 inside the Pod (the `@ifN` of `ip link`). */
  readonly peerIfindex: number;
}

export interface Pod {
  readonly kind: "Pod";
  readonly apiVersion: "v1";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly nodeName: string;
    readonly hostNetwork: boolean;
    readonly containers: readonly Container[];
    readonly nodeSelector: Readonly<Record<string, string>>;
  };
  readonly status: {
    readonly phase: "Running";
    readonly podIP: string;
    readonly hostIP: string;
    readonly restartCount: number;
    /** "1/1" style, as READY prints. */
    readonly ready: string;
  };
  /** Absent for host-network Pods (they have no OVS port). */
  readonly lab?: PodLab;
  readonly source: SourcePos;
}

export interface ServicePort {
  readonly name: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly targetPort: number | string;
  readonly nodePort?: number;
}

export interface Service {
  readonly kind: "Service";
  readonly apiVersion: "v1";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly type: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";
    readonly clusterIP: string;
    readonly ports: readonly ServicePort[];
    /** undefined: no selector (Endpoints are managed by hand). */
    readonly selector?: Readonly<Record<string, string>>;
  };
  readonly source: SourcePos;
}

export interface EndpointAddress {
  readonly ip: string;
  readonly nodeName?: string;
  /** `namespace/name` of the Pod behind the address. */
  readonly targetRef?: string;
}

export interface EndpointPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface EndpointSubset {
  readonly addresses: readonly EndpointAddress[];
  readonly ports: readonly EndpointPort[];
}

export interface Endpoints {
  readonly kind: "Endpoints";
  readonly apiVersion: "v1";
  readonly metadata: ObjectMeta;
  readonly subsets: readonly EndpointSubset[];
  /** True when derived from the Service's selector. */
  readonly derived: boolean;
  readonly source: SourcePos;
}

export interface IPBlock {
  readonly cidr: string;
  readonly except: readonly string[];
}

export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  /** Defaulted to TCP by the API server. */
  readonly protocol: Protocol;
  readonly port?: number | string;
}

export interface NetworkPolicyIngressRule {
  readonly from: readonly NetworkPolicyPeer[];
  readonly ports: readonly NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  readonly to: readonly NetworkPolicyPeer[];
  readonly ports: readonly NetworkPolicyPort[];
}

export type PolicyType = "Ingress" | "Egress";

export interface NetworkPolicy {
  readonly kind: "NetworkPolicy";
  readonly apiVersion: "networking.k8s.io/v1";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes: readonly PolicyType[];
    readonly ingress: readonly NetworkPolicyIngressRule[];
    readonly egress: readonly NetworkPolicyEgressRule[];
  };
  /** Order in which `ingress:` and `egress:` appear in the manifest. */
  readonly sectionOrder: readonly ("ingress" | "egress")[];
  readonly source: SourcePos;
}

export interface Namespace {
  readonly kind: "Namespace";
  readonly apiVersion: "v1";
  readonly metadata: ObjectMeta;
  /** True for default, kube-system, kube-public, kube-node-lease when not declared. */
  readonly builtIn: boolean;
  readonly source?: SourcePos;
}

export interface Scenario {
  readonly fileName: string;
  readonly cluster: ClusterSpec;
  /** In the Cluster document's order (the Node IPAM order). */
  readonly nodes: readonly ClusterNode[];
  readonly namespaces: readonly Namespace[];
  /** In creation order (creationTimestamp, then source order). */
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  /** One per Service with endpoints, in Service order. */
  readonly endpoints: readonly Endpoints[];
  /** In manifest order. */
  readonly networkPolicies: readonly NetworkPolicy[];
}
