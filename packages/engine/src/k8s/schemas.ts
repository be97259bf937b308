/**
 * The part of the Kubernetes v1.18 OpenAPI schema a scenario uses, for
 * kubectl-style client-side validation, plus the lab's own Cluster kind.
 * Fields the lab does not model are accepted and ignored (`S.any`).
 */
import { S, type ObjectSchema, type Schema } from "./reader.ts";

const str = S.string, int = S.integer, bool = S.boolean, any = S.any;

export const objectMeta = S.object("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", {
  name: str, namespace: str, generateName: str, labels: S.map(str), annotations: S.map(str),
  creationTimestamp: str, uid: str, resourceVersion: str, generation: int, selfLink: str,
  ownerReferences: any, finalizers: S.array(str), managedFields: any, deletionTimestamp: str,
  deletionGracePeriodSeconds: int, clusterName: str,
});

export const labelSelector = S.object("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", {
  matchLabels: S.map(str),
  matchExpressions: S.array(S.object("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", {
    key: str, operator: str, values: S.array(str),
  }, ["key", "operator"])),
});

const containerPort = S.object("io.k8s.api.core.v1.ContainerPort", {
  containerPort: int, name: str, protocol: str, hostPort: int, hostIP: str,
}, ["containerPort"]);

const container = (type: string): ObjectSchema => S.object(type, {
  name: str, image: str, ports: S.array(containerPort), command: S.array(str), args: S.array(str),
  env: any, envFrom: any, resources: any, volumeMounts: any, volumeDevices: any, imagePullPolicy: str,
  securityContext: any, livenessProbe: any, readinessProbe: any, startupProbe: any, lifecycle: any,
  workingDir: str, stdin: bool, stdinOnce: bool, tty: bool, terminationMessagePath: str,
  terminationMessagePolicy: str,
}, ["name"]);

const podSpec = S.object("io.k8s.api.core.v1.PodSpec", {
  containers: S.array(container("io.k8s.api.core.v1.Container")),
  initContainers: S.array(container("io.k8s.api.core.v1.Container")),
  ephemeralContainers: any,
  nodeName: str, nodeSelector: S.map(str), hostNetwork: bool, hostPID: bool, hostIPC: bool,
  restartPolicy: str, serviceAccountName: str, serviceAccount: str, automountServiceAccountToken: bool,
  tolerations: any, affinity: any, volumes: any, dnsPolicy: str, dnsConfig: any, priorityClassName: str,
  priority: int, securityContext: any, terminationGracePeriodSeconds: int, activeDeadlineSeconds: int,
  schedulerName: str, imagePullSecrets: any, hostname: str, subdomain: str, enableServiceLinks: bool,
  hostAliases: any, readinessGates: any, runtimeClassName: str, shareProcessNamespace: bool,
  preemptionPolicy: str, overhead: any, topologySpreadConstraints: any,
}, ["containers"]);

export const pod = S.object("io.k8s.api.core.v1.Pod", {
  apiVersion: str, kind: str, metadata: objectMeta, spec: podSpec, status: any,
});

const servicePort = S.object("io.k8s.api.core.v1.ServicePort", {
  name: str, protocol: str, port: int, targetPort: S.intOrString, nodePort: int, appProtocol: str,
}, ["port"]);

export const service = S.object("io.k8s.api.core.v1.Service", {
  apiVersion: str, kind: str, metadata: objectMeta, status: any,
  spec: S.object("io.k8s.api.core.v1.ServiceSpec", {
    ports: S.array(servicePort), selector: S.map(str), type: str, clusterIP: str, externalIPs: S.array(str),
    externalName: str, externalTrafficPolicy: str, healthCheckNodePort: int, loadBalancerIP: str,
    loadBalancerSourceRanges: S.array(str), publishNotReadyAddresses: bool, sessionAffinity: str,
    sessionAffinityConfig: any, ipFamily: str, topologyKeys: S.array(str),
  }),
});

const endpointAddress = S.object("io.k8s.api.core.v1.EndpointAddress", {
  ip: str, hostname: str, nodeName: str, targetRef: any,
}, ["ip"]);

export const endpoints = S.object("io.k8s.api.core.v1.Endpoints", {
  apiVersion: str, kind: str, metadata: objectMeta,
  subsets: S.array(S.object("io.k8s.api.core.v1.EndpointSubset", {
    addresses: S.array(endpointAddress), notReadyAddresses: S.array(endpointAddress),
    ports: S.array(S.object("io.k8s.api.core.v1.EndpointPort", {
      name: str, port: int, protocol: str, appProtocol: str,
    }, ["port"])),
  })),
});

const npPeer = S.object("io.k8s.api.networking.v1.NetworkPolicyPeer", {
  podSelector: labelSelector, namespaceSelector: labelSelector,
  ipBlock: S.object("io.k8s.api.networking.v1.IPBlock", { cidr: str, except: S.array(str) }, ["cidr"]),
});
const npPort = S.object("io.k8s.api.networking.v1.NetworkPolicyPort", { protocol: str, port: S.intOrString });

export const networkPolicy = S.object("io.k8s.api.networking.v1.NetworkPolicy", {
  apiVersion: str, kind: str, metadata: objectMeta,
  spec: S.object("io.k8s.api.networking.v1.NetworkPolicySpec", {
    podSelector: labelSelector,
    policyTypes: S.array(str),
    ingress: S.array(S.object("io.k8s.api.networking.v1.NetworkPolicyIngressRule", { from: S.array(npPeer), ports: S.array(npPort) })),
    egress: S.array(S.object("io.k8s.api.networking.v1.NetworkPolicyEgressRule", { to: S.array(npPeer), ports: S.array(npPort) })),
  }, ["podSelector"]),
});

export const namespace = S.object("io.k8s.api.core.v1.Namespace", {
  apiVersion: str, kind: str, metadata: objectMeta, spec: any, status: any,
});

export const list = S.object("io.k8s.api.core.v1.List", {
  apiVersion: str, kind: str, metadata: any, items: S.array(any),
}, ["items"]);

// ---------------------------------------------------------------------------
// The lab's Cluster document

const hostInterface = S.object("ovs-lab.v1alpha1.HostInterface", {
  name: str, ifindex: int, mac: str, mtu: int, addresses: S.array(str),
}, ["name", "ifindex"]);

const clusterNode = S.object("ovs-lab.v1alpha1.Node", {
  name: str, ip: str, mac: str, role: str, roles: S.array(str), labels: S.map(str),
  creationTimestamp: str, podCIDR: str, gatewayMAC: str, uplink: str,
  interfaces: S.array(hostInterface),
  bridge: S.object("ovs-lab.v1alpha1.Bridge", {
    uuid: str, dpid: str, tunnelMAC: str, portOrder: S.array(str),
  }),
  agentPod: str, kubeProxyPod: str, neighborOrder: S.array(str),
}, ["name", "ip"]);

const podPin = S.object("ovs-lab.v1alpha1.PodPin", {
  ip: str, mac: str, ofport: int, interfaceName: str, containerID: str, hostVethMAC: str,
  ifindex: int, peerIfindex: int, creationTimestamp: str, restarts: int, uid: str,
});
const servicePin = S.object("ovs-lab.v1alpha1.ServicePin", {
  clusterIP: str, nodePort: int, nodePorts: S.array(int), creationTimestamp: str, uid: str,
});
const objectPin = S.object("ovs-lab.v1alpha1.ObjectPin", { creationTimestamp: str, uid: str });

export const cluster = S.object("ovs-lab.v1alpha1.Cluster", {
  apiVersion: str, kind: str, metadata: objectMeta,
  spec: S.object("ovs-lab.v1alpha1.ClusterSpec", {
    seed: str, kubernetesVersion: str, containerRuntime: str, osImage: str, kernelVersion: str,
    clusterCIDR: str, nodeCIDRMaskSize: int, serviceCIDR: str, nodeNetwork: str, defaultGateway: str,
    clock: str, clocks: S.map(str),
    externalHosts: S.array(S.object("ovs-lab.v1alpha1.ExternalHost", { name: str, ip: str, mac: str }, ["ip"])),
    antrea: S.object("ovs-lab.v1alpha1.Antrea", {
      version: str, featureGates: S.map(bool), trafficEncapMode: str, tunnelType: str,
      roundNum: int, conjIDOrder: str, conjActionOrder: str,
    }, ["version"]),
    ovs: S.object("ovs-lab.v1alpha1.OVS", { version: str }),
    nodes: S.array(clusterNode),
    pins: S.object("ovs-lab.v1alpha1.Pins", {
      pods: S.map(podPin), services: S.map(servicePin), endpoints: S.map(objectPin),
      networkpolicies: S.map(objectPin), namespaces: S.map(objectPin),
    }),
  }, ["clusterCIDR", "serviceCIDR", "antrea", "nodes"]),
}, ["spec"]);

export const SCHEMAS: Readonly<Record<string, { apiVersion: string; schema: Schema }>> = {
  Pod: { apiVersion: "v1", schema: pod },
  Service: { apiVersion: "v1", schema: service },
  Endpoints: { apiVersion: "v1", schema: endpoints },
  Namespace: { apiVersion: "v1", schema: namespace },
  List: { apiVersion: "v1", schema: list },
  NetworkPolicy: { apiVersion: "networking.k8s.io/v1", schema: networkPolicy },
  Cluster: { apiVersion: "ovs-lab/v1alpha1", schema: cluster },
};
