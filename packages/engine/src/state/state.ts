/**
 * LabState: everything a reader can change on a page, as one immutable value.
 * It is changed only by transactions (`update(state, spec…)` returns a
 * Transaction holding the new state and what changed), in the manner of
 * CodeMirror's EditorState. Nothing here computes: derivations (derive.ts)
 * turn a state into flow listings, traces and shell outputs, and memoize them.
 *
 * The state is plain data (strings, arrays, records), so it can be posted to
 * a Web Worker, stored in localStorage and encoded into a URL as it is.
 */

/** Version of the state's shape; url.ts refuses states of another version. */
export const STATE_VERSION = 1;

export type TraceProto = "tcp" | "udp" | "icmp";

/** A cluster trace as a reader picks it: source, destination, protocol and port, and whether to send the reply. */
export interface TraceQuery {
  /** A Pod (`name` or `namespace/name`), a Node or an outside host. */
  readonly from: string;
  /** A Pod, a Pod IP, a Service (name or ClusterIP), a Node or an outside host. */
  readonly to: string;
  /** Destination port (a Service's first port when omitted). */
  readonly port?: number;
  readonly proto?: TraceProto;
  /** Also send the reply (conntrack state carries over from the request). */
  readonly reply?: boolean;
  /** Show only this Node's hops (the walk is still traced end to end). */
  readonly node?: string;
  /** A Pod (name or IP) that pins kube-proxy's choice of Service endpoint. */
  readonly endpoint?: string;
}

/** A reader's own `ovs-ofctl dump-flows` output, pasted to trace against. */
export interface PastedDump {
  /** Stable id within the state (`dump1`, …). */
  readonly id: string;
  /** Label the reader gave it (or "pasted dump"). */
  readonly name: string;
  /** The pasted text, as pasted. */
  readonly text: string;
}

export interface LabState {
  readonly version: typeof STATE_VERSION;
  /** The scenario YAML as the reader edited it (the authored seed at first). */
  readonly scenarioText: string;
  /**
   * Flows the reader typed for a Node's br-int, in `ovs-ofctl add-flows`
   * syntax; they replace the compiled flows of that bridge (as
   * `ovs-ofctl replace-flows` would). Nodes without an entry use the flows
   * the engine compiles from the scenario.
   */
  readonly flowOverrides: Readonly<Record<string, string>>;
  readonly pastedDumps: readonly PastedDump[];
  /** Trace picks per trace component id (the page's `data-live-id`). */
  readonly traces: Readonly<Record<string, TraceQuery>>;
  /** Free-form view options (strings), e.g. an /embed page's `view=exact`. */
  readonly options: Readonly<Record<string, string>>;
}

/** What a transaction changes. Fields left out stay as they are. */
export interface TransactionSpec {
  /** New scenario text (the whole document). */
  readonly scenarioText?: string;
  /** Replace a Node's flows (`text`), or go back to the compiled ones (`null`). */
  readonly flows?: { readonly node: string; readonly text: string | null } | readonly { readonly node: string; readonly text: string | null }[];
  readonly addDump?: PastedDump;
  /** Id of a pasted dump to remove. */
  readonly removeDump?: string;
  /** Set (or clear, with `null`) the picks of a trace component. */
  readonly trace?: { readonly id: string; readonly query: TraceQuery | null };
  /** Set (or delete, with `null`) view options. */
  readonly options?: Readonly<Record<string, string | null>>;
  /**
   * Back to the authored state before the rest of the spec applies: `true`
   * (everything), or only the scenario, the flow overrides, the dumps or the
   * trace picks.
   */
  readonly reset?: true | "scenario" | "flows" | "dumps" | "traces";
  /** Replace the whole state (restoring from storage or a shared URL). */
  readonly replace?: LabState;
  /** Who made the change: "editor", "flows-editor", "picker", "reset", "restore", "share", … */
  readonly origin?: string;
}

export type StatePart = "scenario" | "flows" | "dumps" | "traces" | "options";

export interface Transaction {
  readonly startState: LabState;
  readonly state: LabState;
  readonly specs: readonly TransactionSpec[];
  /** The parts whose value differs between startState and state. */
  readonly changed: ReadonlySet<StatePart>;
  /** The origin of the last spec that named one. */
  readonly origin: string | undefined;
  /** Whether the change can affect computed output (scenario, flows, dumps). */
  readonly affectsOutput: boolean;
}

/** A state holding the authored scenario and nothing else. */
export function createState(scenarioText: string, init: Partial<Omit<LabState, "version" | "scenarioText">> = {}): LabState {
  return freeze({
    version: STATE_VERSION,
    scenarioText,
    flowOverrides: init.flowOverrides ?? {},
    pastedDumps: init.pastedDumps ?? [],
    traces: init.traces ?? {},
    options: init.options ?? {},
  });
}

function freeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) freeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

function sameRecord(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false;
  return true;
}

function sameDumps(a: readonly PastedDump[], b: readonly PastedDump[]): boolean {
  return a.length === b.length && a.every((d, i) => d.id === b[i]!.id && d.name === b[i]!.name && d.text === b[i]!.text);
}

/** The parts that differ between two states. */
export function changedParts(a: LabState, b: LabState): Set<StatePart> {
  const out = new Set<StatePart>();
  if (a.scenarioText !== b.scenarioText) out.add("scenario");
  if (a.flowOverrides !== b.flowOverrides && !sameRecord(a.flowOverrides, b.flowOverrides)) out.add("flows");
  if (a.pastedDumps !== b.pastedDumps && !sameDumps(a.pastedDumps, b.pastedDumps)) out.add("dumps");
  if (a.traces !== b.traces && !sameRecord(a.traces, b.traces)) out.add("traces");
  if (a.options !== b.options && !sameRecord(a.options, b.options)) out.add("options");
  return out;
}

function applySpec(s: LabState, spec: TransactionSpec, authored: LabState): LabState {
  let next: LabState = spec.replace ?? s;
  if (spec.reset === true) next = authored;
  else if (spec.reset === "scenario") next = { ...next, scenarioText: authored.scenarioText };
  else if (spec.reset === "flows") next = { ...next, flowOverrides: authored.flowOverrides };
  else if (spec.reset === "dumps") next = { ...next, pastedDumps: authored.pastedDumps };
  else if (spec.reset === "traces") next = { ...next, traces: authored.traces };
  if (spec.scenarioText !== undefined && spec.scenarioText !== next.scenarioText) next = { ...next, scenarioText: spec.scenarioText };
  if (spec.flows !== undefined) {
    const list = Array.isArray(spec.flows) ? spec.flows : [spec.flows as { node: string; text: string | null }];
    const o: Record<string, string> = { ...next.flowOverrides };
    for (const f of list) {
      if (f.text === null) delete o[f.node];
      else o[f.node] = f.text;
    }
    next = { ...next, flowOverrides: o };
  }
  if (spec.addDump) {
    const d = spec.addDump;
    next = { ...next, pastedDumps: [...next.pastedDumps.filter((x) => x.id !== d.id), d] };
  }
  if (spec.removeDump !== undefined) {
    const id = spec.removeDump;
    next = { ...next, pastedDumps: next.pastedDumps.filter((x) => x.id !== id) };
  }
  if (spec.trace) {
    const t: Record<string, TraceQuery> = { ...next.traces };
    if (spec.trace.query === null) delete t[spec.trace.id];
    else t[spec.trace.id] = spec.trace.query;
    next = { ...next, traces: t };
  }
  if (spec.options) {
    const o: Record<string, string> = { ...next.options };
    for (const [k, v] of Object.entries(spec.options)) {
      if (v === null) delete o[k];
      else o[k] = v;
    }
    next = { ...next, options: o };
  }
  return next;
}

/**
 * Applies specs in order. `authored` is what `reset` goes back to (the
 * page's seed state); it defaults to a state with the start state's scenario.
 * Parts that end up equal to the start state's keep the start state's
 * objects, so `tr.state === tr.startState` when nothing changed.
 */
export function update(state: LabState, authored: LabState, ...specs: TransactionSpec[]): Transaction {
  let next = state;
  let origin: string | undefined;
  for (const spec of specs) {
    next = applySpec(next, spec, authored);
    if (spec.origin) origin = spec.origin;
  }
  const changed = changedParts(state, next);
  const result: LabState =
    changed.size === 0
      ? state
      : freeze({
          version: STATE_VERSION,
          scenarioText: next.scenarioText,
          flowOverrides: changed.has("flows") ? next.flowOverrides : state.flowOverrides,
          pastedDumps: changed.has("dumps") ? next.pastedDumps : state.pastedDumps,
          traces: changed.has("traces") ? next.traces : state.traces,
          options: changed.has("options") ? next.options : state.options,
        });
  return {
    startState: state,
    state: result,
    specs,
    changed,
    origin,
    affectsOutput: changed.has("scenario") || changed.has("flows") || changed.has("dumps"),
  };
}

/** Whether the state holds any change from the authored one. */
export function isEdited(state: LabState, authored: LabState): boolean {
  return changedParts(state, authored).size > 0;
}

/** A state's shape problem: what is wrong, and the field at fault (`flowOverrides.worker1`, `traces.trace-0.port`, `$` for the whole value). */
export interface StateShapeIssue {
  readonly field: string;
  readonly problem: string;
}

/**
 * Checks that an unknown value has the shape of a LabState (for states read
 * back from storage or a URL). Returns the problem, or undefined when fine.
 */
export function stateShapeProblem(v: unknown): string | undefined {
  return stateShapeIssue(v)?.problem;
}

/** As stateShapeProblem, with the field at fault. */
export function stateShapeIssue(v: unknown): StateShapeIssue | undefined {
  const issue = (field: string, problem: string): StateShapeIssue => ({ field, problem });
  if (!v || typeof v !== "object" || Array.isArray(v)) return issue("$", "the state is not an object");
  const s = v as Record<string, unknown>;
  if (s.version !== STATE_VERSION) return issue("version", `state version ${JSON.stringify(s.version)} is not ${STATE_VERSION}`);
  if (typeof s.scenarioText !== "string") return issue("scenarioText", "scenarioText is not a string");
  const notString = (r: unknown): string | undefined =>
    !r || typeof r !== "object" || Array.isArray(r) ? "" : Object.keys(r).find((k) => typeof (r as Record<string, unknown>)[k] !== "string");
  for (const name of ["flowOverrides", "options"] as const) {
    const bad = notString(s[name]);
    if (bad !== undefined) return issue(bad === "" ? name : `${name}.${bad}`, `${name} is not a record of strings`);
  }
  if (!Array.isArray(s.pastedDumps)) return issue("pastedDumps", "pastedDumps is not a list");
  for (const [i, d] of (s.pastedDumps as unknown[]).entries()) {
    const x = d as Record<string, unknown>;
    if (!x || typeof x !== "object") return issue(`pastedDumps[${i}]`, "a pasted dump lacks id, name or text");
    for (const k of ["id", "name", "text"]) {
      if (typeof x[k] !== "string") return issue(`pastedDumps[${i}].${k}`, "a pasted dump lacks id, name or text");
    }
  }
  if (!s.traces || typeof s.traces !== "object" || Array.isArray(s.traces)) return issue("traces", "traces is not a record");
  for (const [id, q] of Object.entries(s.traces as Record<string, unknown>)) {
    const t = q as Record<string, unknown>;
    const at = (k?: string): string => `traces.${id}${k ? `.${k}` : ""}`;
    if (!t || typeof t !== "object") return issue(at(), `trace ${id} lacks from or to`);
    if (typeof t.from !== "string") return issue(at("from"), `trace ${id} lacks from or to`);
    if (typeof t.to !== "string") return issue(at("to"), `trace ${id} lacks from or to`);
    if (t.port !== undefined && (typeof t.port !== "number" || !Number.isInteger(t.port) || t.port < 0 || t.port > 65535)) return issue(at("port"), `trace ${id} has a bad port`);
    if (t.proto !== undefined && t.proto !== "tcp" && t.proto !== "udp" && t.proto !== "icmp") return issue(at("proto"), `trace ${id} has a bad proto`);
    if (t.reply !== undefined && typeof t.reply !== "boolean") return issue(at("reply"), `trace ${id} has a bad reply flag`);
    if (t.node !== undefined && typeof t.node !== "string") return issue(at("node"), `trace ${id} has a bad node`);
    if (t.endpoint !== undefined && typeof t.endpoint !== "string") return issue(at("endpoint"), `trace ${id} has a bad endpoint`);
  }
  return undefined;
}

/** A LabState from a value that passed stateShapeProblem (frozen, unknown keys dropped). */
export function normalizeState(v: LabState): LabState {
  return createState(v.scenarioText, {
    flowOverrides: { ...v.flowOverrides },
    pastedDumps: v.pastedDumps.map((d) => ({ id: d.id, name: d.name, text: d.text })),
    traces: Object.fromEntries(
      Object.entries(v.traces).map(([id, t]) => [
        id,
        {
          from: t.from,
          to: t.to,
          ...(t.port !== undefined ? { port: t.port } : {}),
          ...(t.proto !== undefined ? { proto: t.proto } : {}),
          ...(t.reply !== undefined ? { reply: t.reply } : {}),
          ...(t.node !== undefined ? { node: t.node } : {}),
          ...(t.endpoint !== undefined ? { endpoint: t.endpoint } : {}),
        },
      ]),
    ),
    options: { ...v.options },
  });
}
