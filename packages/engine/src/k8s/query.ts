/**
 * Pure functions over a Scenario: look-ups, label selectors, per-Node views.
 * They never mutate and can be memoised by the caller on object identity.
 */
import type {
  ClusterNode, Endpoints, LabelSelector, Namespace, NetworkPolicy, Pod, Scenario, Service,
} from "./types.ts";
import { age } from "./time.ts";

/** `namespace/name`, the key used by pins and look-ups. */
export function keyOf(obj: { readonly metadata: { readonly namespace: string; readonly name: string } }): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

export function matchLabels(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** metav1.LabelSelectorAsSelector semantics; an empty selector matches everything. */
export function matchSelector(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  if (!matchLabels(sel.matchLabels, labels)) return false;
  for (const r of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.operator) {
      case "In": if (!has || !r.values.includes(v!)) return false; break;
      case "NotIn": if (has && r.values.includes(v!)) return false; break;
      case "Exists": if (!has) return false; break;
      case "DoesNotExist": if (has) return false; break;
    }
  }
  return true;
}

/** kubectl's rendering of a selector (`role=backend`, `<none>` when empty). */
export function formatSelector(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of sel.matchExpressions) {
    switch (r.operator) {
      case "In": parts.push(`${r.key} in (${r.values.join(",")})`); break;
      case "NotIn": parts.push(`${r.key} notin (${r.values.join(",")})`); break;
      case "Exists": parts.push(r.key); break;
      case "DoesNotExist": parts.push(`!${r.key}`); break;
    }
  }
  return parts.length ? parts.join(",") : "<none>";
}

export function nodeByName(s: Scenario, name: string): ClusterNode | undefined {
  return s.nodes.find((n) => n.name === name);
}

export function namespaceByName(s: Scenario, name: string): Namespace | undefined {
  return s.namespaces.find((n) => n.metadata.name === name);
}

export function podByKey(s: Scenario, key: string): Pod | undefined {
  return s.pods.find((p) => keyOf(p) === key);
}

export function serviceByKey(s: Scenario, key: string): Service | undefined {
  return s.services.find((p) => keyOf(p) === key);
}

export function endpointsByKey(s: Scenario, key: string): Endpoints | undefined {
  return s.endpoints.find((p) => keyOf(p) === key);
}

export function networkPolicyByKey(s: Scenario, key: string): NetworkPolicy | undefined {
  return s.networkPolicies.find((p) => keyOf(p) === key);
}

/** Every Pod scheduled on `nodeName`, in creation order. */
export function podsOnNode(s: Scenario, nodeName: string): Pod[] {
  return s.pods.filter((p) => p.spec.nodeName === nodeName);
}

/** The Pods with an OVS port on `nodeName` (not host-network), in creation order. */
export function localPods(s: Scenario, nodeName: string): Pod[] {
  return s.pods.filter((p) => p.spec.nodeName === nodeName && p.lab !== undefined);
}

/** Pods of `namespace` matched by `sel`. */
export function selectPods(s: Scenario, namespace: string, sel: LabelSelector): Pod[] {
  return s.pods.filter((p) => p.metadata.namespace === namespace && matchSelector(sel, p.metadata.labels));
}

/** Namespaces matched by `sel`. */
export function selectNamespaces(s: Scenario, sel: LabelSelector): Namespace[] {
  return s.namespaces.filter((n) => matchSelector(sel, n.metadata.labels));
}

/** The scenario's "now": `clock`, or one of `clocks` by name. */
export function clockOf(s: Scenario, name?: string): string {
  if (name === undefined) return s.cluster.clock;
  const c = s.cluster.clocks[name];
  if (c === undefined) throw new Error(`no clock named "${name}" (have: ${Object.keys(s.cluster.clocks).join(", ") || "none"})`);
  return c;
}

/** AGE column of an object at the scenario's clock (or a named one). */
export function ageOf(s: Scenario, obj: { readonly metadata: { readonly creationTimestamp: string } } | { readonly creationTimestamp: string }, clock?: string): string {
  const ts = "metadata" in obj ? obj.metadata.creationTimestamp : obj.creationTimestamp;
  return age(ts, clockOf(s, clock));
}
