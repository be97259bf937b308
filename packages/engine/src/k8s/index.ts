/** The scenario model: Kubernetes manifests + one Cluster document → an immutable Scenario. */
export type * from "./types.ts";
export { loadScenario, antreaInterfaceName, deriveEndpointSubsets, SUPPORTED_ANTREA_VERSIONS, ANTREA_FEATURE_GATES, type LoadOptions, type LoadResult } from "./load.ts";
export {
  keyOf, matchLabels, matchSelector, formatSelector, nodeByName, namespaceByName, podByKey, serviceByKey,
  endpointsByKey, networkPolicyByKey, podsOnNode, localPods, selectPods, selectNamespaces, clockOf, ageOf,
} from "./query.ts";
export { humanDuration, age, parseTimestamp, formatTimestamp } from "./time.ts";
export { sha1, sha1Hex } from "./sha1.ts";
export {
  parseIp, formatIp, parseCidr, formatCidr, cidrContains, cidrsOverlap, cidrWithin, diffFromCidr, diffFromCidrs, type Cidr,
} from "./ip.ts";
