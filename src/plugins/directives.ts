/**
 * The directives authors may write in articles, with their schemas: which
 * form each takes (`:::` container or `::` leaf), its attributes, which are
 * required, which go together, and what their values look like.
 */

export type DirectiveKind = "containerDirective" | "leafDirective";

export interface AttributeSpec {
  readonly required?: boolean;
  /** Whole-value pattern. */
  readonly pattern?: RegExp;
  /** Words for the error message: "a Node name", "OpenFlow10 or OpenFlow13". */
  readonly expected: string;
  /** Extra check after the pattern; returns a complaint or undefined. */
  readonly check?: (value: string) => string | undefined;
}

export interface DirectiveSpec {
  readonly kind: DirectiveKind;
  /** Component file under components/ (without .astro) and its JSX name. */
  readonly component: "Shell" | "Flows" | "Trace" | "Topology" | "Pipeline" | "terminal/Terminal";
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  /** Groups of attributes that must appear together or not at all. */
  readonly together?: readonly (readonly string[])[];
  /** Attributes that need another one: [attribute, needs]. */
  readonly needs?: readonly (readonly [string, string])[];
  /** Whether `[label]` is allowed (it becomes the caption). */
  readonly label: boolean;
  /** One line of syntax for error messages. */
  readonly usage: string;
}

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** A Pod or Service name, optionally `namespace/name`, or an IPv4 address. */
const ENDPOINT = /^(?:(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\/)?[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?|\d{1,3}(?:\.\d{1,3}){3})$/;

const node: AttributeSpec = { required: true, pattern: DNS_LABEL, expected: "a Node name such as worker1" };
const table: AttributeSpec = {
  pattern: /^\d{1,3}$/,
  expected: "a table number from 0 to 254",
  check: (v) => (Number(v) > 254 ? "tables are numbered 0 to 254" : undefined),
};
const port: AttributeSpec = {
  pattern: /^\d{1,5}$/,
  expected: "a port number from 1 to 65535",
  check: (v) => (Number(v) < 1 || Number(v) > 65535 ? "ports are numbered 1 to 65535" : undefined),
};
const endpoint = (required: boolean): AttributeSpec => ({
  required,
  pattern: ENDPOINT,
  expected: "a Pod or Service name (optionally namespace/name) or an IPv4 address",
});
const proto: AttributeSpec = { pattern: /^(?:tcp|udp|icmp)$/, expected: "tcp, udp or icmp" };
const bool: AttributeSpec = { pattern: /^(?:true|false)$/, expected: "true or false" };

export const DIRECTIVES: Readonly<Record<string, DirectiveSpec>> = {
  shell: {
    kind: "containerDirective",
    component: "Shell",
    attributes: { on: node },
    label: true,
    usage: ":::shell{on=worker1} / one command per line / :::",
  },
  flows: {
    kind: "leafDirective",
    component: "Flows",
    attributes: {
      node,
      table,
      version: { pattern: /^OpenFlow1[03]$/, expected: "OpenFlow10 or OpenFlow13" },
      names: bool,
    },
    label: true,
    usage: "::flows{node=worker1 table=70 version=OpenFlow13 names=false}",
  },
  trace: {
    kind: "leafDirective",
    component: "Trace",
    attributes: {
      from: endpoint(true),
      to: endpoint(true),
      port,
      node: { ...node, required: false },
      proto,
      reply: bool,
      endpoint: endpoint(false),
    },
    label: true,
    usage: "::trace{from=frontend to=backendsvc port=80 node=worker1 proto=tcp reply=true endpoint=backend1}",
  },
  topology: {
    kind: "leafDirective",
    component: "Topology",
    attributes: { from: endpoint(false), to: endpoint(false), port, proto },
    together: [["from", "to"]],
    needs: [
      ["port", "from"],
      ["proto", "from"],
    ],
    label: true,
    usage: "::topology or ::topology{from=frontend to=backendsvc port=80}",
  },
  terminal: {
    kind: "leafDirective",
    component: "terminal/Terminal",
    attributes: { on: node },
    label: true,
    usage: "::terminal{on=master}",
  },
  pipeline: {
    kind: "leafDirective",
    component: "Pipeline",
    attributes: { node, table, from: endpoint(false), to: endpoint(false), port, proto },
    together: [["from", "to"]],
    needs: [
      ["port", "from"],
      ["proto", "from"],
    ],
    label: true,
    usage: "::pipeline{node=worker1 table=70} or ::pipeline{node=worker1 from=frontend to=backendsvc port=80}",
  },
};

export const KIND_SYNTAX: Readonly<Record<string, string>> = {
  textDirective: ":",
  leafDirective: "::",
  containerDirective: ":::",
};

/**
 * Checks a directive's attributes against its schema; returns the complaints
 * (empty when the directive is valid).
 */
export function checkAttributes(name: string, spec: DirectiveSpec, attrs: Readonly<Record<string, string | null | undefined>>): string[] {
  const problems: string[] = [];
  const d = `${KIND_SYNTAX[spec.kind]}${name}`;
  const allowed = Object.keys(spec.attributes);
  for (const [key, raw] of Object.entries(attrs)) {
    const a = spec.attributes[key];
    if (!a) {
      const what = key === "id" ? "takes no #id" : key === "class" ? "takes no .class" : `has no attribute "${key}"`;
      problems.push(`${d} ${what}; its attributes are ${allowed.join(", ")}`);
      continue;
    }
    const value = raw ?? "";
    if (value === "") {
      problems.push(`${key} on ${d} needs a value: ${a.expected}`);
      continue;
    }
    if (a.pattern && !a.pattern.test(value)) {
      problems.push(`${key}="${value}" on ${d} is not ${a.expected}`);
      continue;
    }
    const complaint = a.check?.(value);
    if (complaint) problems.push(`${key}="${value}" on ${d}: ${complaint}`);
  }
  for (const [key, a] of Object.entries(spec.attributes)) {
    if (a.required && !(key in attrs)) problems.push(`${d} needs ${key}= (${a.expected}); usage: ${spec.usage}`);
  }
  for (const group of spec.together ?? []) {
    const present = group.filter((k) => k in attrs);
    if (present.length > 0 && present.length < group.length) {
      const missing = group.filter((k) => !(k in attrs));
      problems.push(`${d}: ${present.join(" and ")} needs ${missing.join(" and ")} as well`);
    }
  }
  for (const [key, needed] of spec.needs ?? []) {
    if (key in attrs && !(needed in attrs)) problems.push(`${d}: ${key} only makes sense with ${needed}`);
  }
  return problems;
}
