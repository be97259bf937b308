/**
 * Reads YAML nodes against a small OpenAPI-like schema, the way kubectl's
 * client-side validation does (`error validating data: ValidationError(...)`),
 * converting them to plain values and remembering where every field sits so
 * that later (server-side) checks can point at it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { ScenarioError, SourcePos } from "./types.ts";

export type Schema =
  | { readonly kind: "string" }
  | { readonly kind: "integer" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  | { readonly kind: "intOrString" }
  | { readonly kind: "any" }
  | { readonly kind: "array"; readonly items: Schema }
  | { readonly kind: "map"; readonly values: Schema }
  | ObjectSchema;

export interface ObjectSchema {
  readonly kind: "object";
  /** OpenAPI definition name, e.g. io.k8s.api.core.v1.PodSpec. */
  readonly type: string;
  readonly fields: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
}

export const S = {
  string: { kind: "string" } as Schema,
  integer: { kind: "integer" } as Schema,
  number: { kind: "number" } as Schema,
  boolean: { kind: "boolean" } as Schema,
  intOrString: { kind: "intOrString" } as Schema,
  any: { kind: "any" } as Schema,
  array: (items: Schema): Schema => ({ kind: "array", items }),
  map: (values: Schema): Schema => ({ kind: "map", values }),
  object: (type: string, fields: Record<string, Schema>, required: string[] = []): ObjectSchema =>
    ({ kind: "object", type, fields, required }),
};

/** A YAML node's span. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Error sink shared by everything that reads one scenario file. */
export class Reporter {
  readonly file: string;
  readonly lines: LineCounter;
  readonly errors: ScenarioError[] = [];

  constructor(file: string, lines: LineCounter) {
    this.file = file;
    this.lines = lines;
  }

  pos(span: Span | undefined): SourcePos {
    const offset = span?.start ?? 0;
    const lp = this.lines.linePos(offset);
    const length = span ? Math.max(0, span.end - span.start) : undefined;
    return { file: this.file, line: lp.line, column: lp.col, ...(length ? { length } : {}) };
  }

  error(message: string, span: Span | undefined): void {
    const p = this.pos(span);
    this.errors.push({ ...p, message, text: `${p.file}:${p.line}:${p.column}: ${message}` });
  }
}

export function spanOf(node: unknown): Span | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  if (!r) return undefined;
  return { start: r[0], end: r[1] };
}

/** Where each field path of one object sits: `spec.ports[0].port` → value / key span. */
export class Positions {
  private readonly values = new Map<string, Span>();
  private readonly keys = new Map<string, Span>();
  readonly root: Span | undefined;

  constructor(root: Span | undefined) {
    this.root = root;
  }

  set(path: string, value: Span | undefined, key?: Span): void {
    if (value) this.values.set(path, value);
    if (key) this.keys.set(path, key);
  }

  has(path: string): boolean {
    return this.values.has(path) || this.keys.has(path);
  }

  /** The span of `path`'s value, else of its key, else of the nearest ancestor. */
  value(path: string): Span | undefined {
    let p = path;
    for (;;) {
      const v = this.values.get(p) ?? this.keys.get(p);
      if (v) return v;
      const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
      if (cut <= 0) return this.root;
      p = p.slice(0, cut);
    }
  }

  /** The span of `path`'s key (for "unknown field" and "Required value"), else its value. */
  key(path: string): Span | undefined {
    return this.keys.get(path) ?? this.value(path);
  }
}

function typeName(node: Node | null): string {
  if (node === null) return "null";
  if (isMap(node)) return "map";
  if (isSeq(node)) return "array";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "null";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    if (typeof v === "boolean") return "boolean";
    return "string";
  }
  return "unknown";
}

const EXPECTED: Record<string, string> = {
  string: "string", integer: "integer", number: "number", boolean: "boolean",
  intOrString: "string", array: "array", map: "map", object: "map",
};

/**
 * Reads `node` against `schema`. Reports kubectl-style validation errors
 * (`ValidationError(Pod.spec.nodeName): invalid type for ...`) and returns the
 * plain value, or undefined where the value is unusable.
 */
export class SchemaReader {
  readonly doc: Document;
  readonly rep: Reporter;
  /** Root of ValidationError paths, e.g. "Pod". */
  readonly kind: string;
  readonly positions: Positions;

  constructor(doc: Document, rep: Reporter, kind: string, root: Node) {
    this.doc = doc;
    this.rep = rep;
    this.kind = kind;
    this.positions = new Positions(spanOf(root));
  }

  private vpath(path: string): string {
    return path ? `${this.kind}.${path}`.replace(/\.\[/g, "[") : this.kind;
  }

  private validationError(path: string, detail: string, span: Span | undefined): void {
    this.rep.error(`error validating data: ValidationError(${this.vpath(path)}): ${detail}`, span);
  }

  read(node: unknown, schema: Schema, path: string, parentType?: string, field?: string): unknown {
    let n = node as Node | null | undefined;
    if (n && isAlias(n)) n = (n.resolve(this.doc) ?? null) as Node | null;
    if (n === undefined || n === null) return undefined;
    if (isScalar(n) && n.value === null) return undefined;
    const span = spanOf(n);
    const bad = (): undefined => {
      const where = parentType && field ? `${parentType}.${field}` : this.vpath(path);
      this.validationError(path,
        `invalid type for ${where}: got "${typeName(n as Node)}", expected "${EXPECTED[schema.kind === "object" ? "object" : schema.kind] ?? schema.kind}"`, span);
      return undefined;
    };
    switch (schema.kind) {
      case "any":
        return (n as { toJSON?: () => unknown }).toJSON ? (n as { toJSON: (d?: unknown) => unknown }).toJSON() : (isScalar(n) ? n.value : undefined);
      case "string":
        if (!isScalar(n) || typeof n.value !== "string") return bad();
        return n.value;
      case "integer":
        if (!isScalar(n) || typeof n.value !== "number" || !Number.isInteger(n.value)) return bad();
        return n.value;
      case "number":
        if (!isScalar(n) || typeof n.value !== "number") return bad();
        return n.value;
      case "boolean":
        if (!isScalar(n) || typeof n.value !== "boolean") return bad();
        return n.value;
      case "intOrString":
        if (!isScalar(n) || !(typeof n.value === "string" || (typeof n.value === "number" && Number.isInteger(n.value)))) return bad();
        return n.value;
      case "array": {
        if (!isSeq(n)) return bad();
        const out: unknown[] = [];
        n.items.forEach((item, i) => {
          const p = `${path}[${i}]`;
          this.positions.set(p, spanOf(item));
          const v = this.read(item, schema.items, p, parentType, field);
          if (v !== undefined) out.push(v);
          else out.push(undefined);
        });
        return out;
      }
      case "map": {
        if (!isMap(n)) return bad();
        const out: Record<string, unknown> = {};
        for (const pair of n.items) {
          if (!isPair(pair)) continue;
          const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
          if (k === undefined) continue;
          const p = `${path}[${JSON.stringify(k)}]`;
          this.positions.set(p, spanOf(pair.value), spanOf(pair.key));
          const v = this.read(pair.value, schema.values, p, parentType, field);
          if (v !== undefined) out[k] = v;
          else if (schema.values.kind === "string" && isScalar(pair.value) && pair.value.value === null) out[k] = "";
        }
        return out;
      }
      case "object": {
        if (!isMap(n)) return bad();
        const out: Record<string, unknown> = {};
        const seen = new Set<string>();
        for (const pair of n.items) {
          if (!isPair(pair)) continue;
          const keySpan = spanOf(pair.key);
          const k = isScalar(pair.key) ? pair.key.value : undefined;
          if (typeof k !== "string") {
            this.validationError(path, `invalid key ${JSON.stringify(k)} in ${schema.type}`, keySpan);
            continue;
          }
          const p = path ? `${path}.${k}` : k;
          const sub = schema.fields[k];
          if (!sub) {
            this.validationError(path, `unknown field "${k}" in ${schema.type}`, keySpan);
            continue;
          }
          seen.add(k);
          this.positions.set(p, spanOf(pair.value) ?? keySpan, keySpan);
          const v = this.read(pair.value, sub, p, schema.type, k);
          if (v !== undefined) out[k] = v;
        }
        for (const r of schema.required ?? []) {
          if (out[r] === undefined && !seen.has(r)) {
            const sp = path ? this.positions.key(path) : spanOf(n);
            this.validationError(path, `missing required field "${r}" in ${schema.type}`, sp);
          }
        }
        return out;
      }
    }
  }
}
