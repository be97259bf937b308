/**
 * Server-side validation as the Kubernetes v1.18 API server words it
 * (k8s.io/apimachinery/pkg/util/validation, pkg/apis/.../validation): each
 * problem is a field path plus a `field.Error` body, e.g.
 * `spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive`.
 */
import { cidrContains, parseCidr } from "./ip.ts";

export interface FieldError {
  readonly path: string;
  readonly body: string;
  /** Point at the key of `path` rather than its value. */
  readonly atKey?: boolean;
}

/** Go's %q for strings, %v for numbers. */
export function goValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return "null";
  return String(v);
}

export const fe = {
  invalid: (path: string, value: unknown, detail: string, atKey = false): FieldError =>
    ({ path, body: `Invalid value: ${goValue(value)}: ${detail}`, ...(atKey ? { atKey } : {}) }),
  required: (path: string, detail = ""): FieldError =>
    ({ path, body: `Required value${detail ? `: ${detail}` : ""}`, atKey: true }),
  notSupported: (path: string, value: unknown, supported: readonly string[]): FieldError =>
    ({ path, body: `Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}` }),
  forbidden: (path: string, detail: string): FieldError => ({ path, body: `Forbidden: ${detail}`, atKey: true }),
  duplicate: (path: string, value: unknown): FieldError => ({ path, body: `Duplicate value: ${goValue(value)}` }),
  notFound: (path: string, value: unknown): FieldError => ({ path, body: `Not found: ${goValue(value)}` }),
};

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const maxLen = (n: number): string => `must be no more than ${n} characters`;

export const DNS1123_LABEL_MSG = "a DNS-1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1123_SUBDOMAIN_MSG = "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
export const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

export function isDns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!DNS1123_LABEL.test(v)) errs.push(DNS1123_LABEL_MSG);
  return errs;
}

export function isDns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLen(253));
  if (!DNS1123_SUBDOMAIN.test(v)) errs.push(DNS1123_SUBDOMAIN_MSG);
  return errs;
}

export function isDns1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!DNS1035_LABEL.test(v)) errs.push(DNS1035_LABEL_MSG);
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!LABEL_VALUE.test(v)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split("/");
  let name = v;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else for (const m of isDns1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) errs.push(QUALIFIED_NAME_MSG);
  return errs;
}

export function isValidPortNum(n: number): string[] {
  return n >= 1 && n <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

export function isValidPortName(p: string): string[] {
  const errs: string[] = [];
  if (p.length > 15) errs.push(maxLen(15));
  if (!/^[-a-z0-9]+$/.test(p)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(p)) errs.push("must contain at least one letter or number (a-z, 0-9)");
  if (p.includes("--")) errs.push("must not contain consecutive hyphens");
  if (p.length > 0 && (p.startsWith("-") || p.endsWith("-"))) errs.push("must not begin or end with a hyphen");
  return errs;
}

export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(fe.invalid(`${path}[${JSON.stringify(k)}]`, k, m, true));
    for (const m of isValidLabelValue(v)) errs.push(fe.invalid(`${path}[${JSON.stringify(k)}]`, v, m));
  }
  return errs;
}

/** `path` of a label error as Kubernetes prints it (metadata.labels, not the key). */
export function displayPath(path: string): string {
  return path.replace(/\.(labels|matchLabels|selector|nodeSelector)\[".*"\]$/, ".$1");
}

interface RawSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: ({ key?: string; operator?: string; values?: string[] } | undefined)[];
}

export function validateLabelSelector(sel: RawSelector | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs: FieldError[] = [];
  (sel.matchExpressions ?? []).forEach((r, i) => {
    if (!r) return;
    const p = `${path}.matchExpressions[${i}]`;
    const values = r.values ?? [];
    switch (r.operator) {
      case "In": case "NotIn":
        if (values.length === 0) errs.push(fe.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists": case "DoesNotExist":
        if (values.length > 0) errs.push(fe.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fe.invalid(`${p}.operator`, r.operator, "not a valid selector operator"));
    }
    if (r.key !== undefined) for (const m of isQualifiedName(r.key)) errs.push(fe.invalid(`${p}.key`, r.key, m));
  });
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  return errs;
}

const PROTOCOLS = ["TCP", "UDP", "SCTP"];

interface RawNpPort { protocol?: string; port?: number | string }
interface RawPeer { podSelector?: RawSelector; namespaceSelector?: RawSelector; ipBlock?: { cidr?: string; except?: string[] } }
export interface RawNetworkPolicySpec {
  podSelector?: RawSelector;
  policyTypes?: string[];
  ingress?: ({ from?: (RawPeer | undefined)[]; ports?: (RawNpPort | undefined)[] } | undefined)[];
  egress?: ({ to?: (RawPeer | undefined)[]; ports?: (RawNpPort | undefined)[] } | undefined)[];
}

function validateNpPort(port: RawNpPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
    errs.push(fe.notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  }
  if (port.port !== undefined) {
    if (typeof port.port === "number") for (const m of isValidPortNum(port.port)) errs.push(fe.invalid(`${path}.port`, port.port, m));
    else for (const m of isValidPortName(port.port)) errs.push(fe.invalid(`${path}.port`, port.port, m));
  }
  return errs;
}

function validatePeer(peer: RawPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector) { n++; errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`)); }
  if (peer.namespaceSelector) { n++; errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`)); }
  if (peer.ipBlock) {
    n++;
    const ib = peer.ipBlock;
    const p = `${path}.ipBlock`;
    if (!ib.cidr) {
      errs.push(fe.required(`${p}.cidr`));
    } else {
      const c = parseCidr(ib.cidr);
      if (!c) {
        errs.push(fe.invalid(`${p}.cidr`, ib.cidr, "not a valid CIDR"));
      } else {
        for (let i = 0; i < (ib.except ?? []).length; i++) {
          const ex = ib.except![i]!;
          const e = parseCidr(ex);
          if (!e) { errs.push(fe.invalid(`${p}.except[${i}]`, ex, "not a valid CIDR")); break; }
          // Kubernetes prints the except network address unquoted (a net.IP).
          if (!cidrContains(c, e.base)) errs.push({ path: `${p}.except[${i}]`, body: `Invalid value: ${ex.split("/")[0]}: not within CIDR range` });
        }
      }
    }
  }
  if (n === 0) errs.push(fe.required(path, "must specify a peer"));
  else if (n > 1 && peer.ipBlock) errs.push(fe.forbidden(path, "may not specify both ipBlock and another peer"));
  return errs;
}

/** `ValidateNetworkPolicySpec` of Kubernetes v1.18. */
export function validateNetworkPolicySpec(spec: RawNetworkPolicySpec): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(spec.podSelector, "spec.podSelector"));
  (spec.ingress ?? []).forEach((rule, i) => {
    if (!rule) return;
    (rule.ports ?? []).forEach((p, j) => { if (p) errs.push(...validateNpPort(p, `spec.ingress[${i}].ports[${j}]`)); });
    (rule.from ?? []).forEach((p, j) => { if (p) errs.push(...validatePeer(p, `spec.ingress[${i}].from[${j}]`)); });
  });
  (spec.egress ?? []).forEach((rule, i) => {
    if (!rule) return;
    (rule.ports ?? []).forEach((p, j) => { if (p) errs.push(...validateNpPort(p, `spec.egress[${i}].ports[${j}]`)); });
    (rule.to ?? []).forEach((p, j) => { if (p) errs.push(...validatePeer(p, `spec.egress[${i}].to[${j}]`)); });
  });
  const types = spec.policyTypes ?? [];
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress") errs.push(fe.notSupported(`spec.policyTypes[${i}]`, t, ["Ingress", "Egress"]));
  });
  if (types.length > 2) errs.push(fe.invalid("spec.policyTypes", types, "may not specify more than two policyTypes"));
  return errs;
}
