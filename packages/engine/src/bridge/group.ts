/**
 * OpenFlow groups (`ovs-ofctl add-group` syntax), as far as translation
 * needs them: type, selection method and buckets.
 */
import { OfpError } from "../ofp/errors.ts";
import { fieldByName, type FieldDef } from "../ofp/fields.ts";
import { parseActionList } from "../ofp/action-parse.ts";
import { encodeActionsFor, formatActions } from "../ofp/action-format.ts";
import { parsePortNumber, parseUint, type PortResolver } from "../ofp/values.ts";
import type { Action, OfVersion } from "../ofp/actions.ts";

export type GroupType = "all" | "select" | "indirect" | "ff";

export interface Bucket {
  readonly id: number;
  readonly weight: number;
  readonly watchPort?: number;
  readonly watchGroup?: number;
  readonly actions: readonly Action[];
}

export interface Group {
  readonly id: number;
  readonly type: GroupType;
  /** "" (default), "hash" or "dp_hash". */
  readonly selectionMethod: string;
  readonly selectionMethodParam: bigint;
  /** Fields hashed by `selection_method=hash`, with their masks. */
  readonly fields: readonly { field: FieldDef; mask?: bigint }[];
  readonly buckets: readonly Bucket[];
}

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== "");
}

function parseBucket(text: string, index: number, ports?: PortResolver): Bucket {
  let id = index, weight = 1;
  let watchPort: number | undefined, watchGroup: number | undefined;
  let rest = text;
  let actionsText = "";
  // `bucket_id:N,weight:N,watch_port:N,actions=...`; without actions= the rest are actions.
  for (;;) {
    const m = /^(bucket_id|weight|watch_port|watch_group)[:=]([^,]+),?/.exec(rest);
    if (!m) break;
    const v = m[2]!;
    if (m[1] === "bucket_id") id = Number(parseUint(v) ?? NaN);
    else if (m[1] === "weight") weight = Number(parseUint(v) ?? NaN);
    else if (m[1] === "watch_port") watchPort = ports?.parse(v) ?? parsePortNumber(v);
    else watchGroup = Number(parseUint(v) ?? NaN);
    rest = rest.slice(m[0].length);
  }
  const a = /^actions?[:=]/.exec(rest);
  actionsText = a ? rest.slice(a[0].length) : rest;
  if (Number.isNaN(id) || Number.isNaN(weight)) throw new OfpError(`${text}: invalid bucket`);
  const actions = parseActionList(actionsText, ports ? { ports } : {}).actions;
  return {
    id, weight, ...(watchPort !== undefined ? { watchPort } : {}), ...(watchGroup !== undefined ? { watchGroup } : {}), actions,
  };
}

/** Parses one `add-group` line, e.g. `group_id=2,type=select,bucket=weight:100,actions=output:1`. */
export function parseGroup(text: string, ports?: PortResolver, version: OfVersion = 13): Group {
  const bi = text.indexOf("bucket=");
  const head = bi < 0 ? text : text.slice(0, bi);
  const bucketTexts = bi < 0 ? [] : text.slice(bi + "bucket=".length).split(/,?bucket=/);
  let id: number | undefined;
  let type: GroupType | undefined;
  let selectionMethod = "";
  let selectionMethodParam = 0n;
  const fields: { field: FieldDef; mask?: bigint }[] = [];
  for (const item of splitTop(head)) {
    const m = /^([a-z_]+)(?:[=:](.*)|\((.*)\))?$/.exec(item);
    if (!m) throw new OfpError(`${item}: unknown keyword`);
    const [, k, v = "", inner] = m;
    switch (k) {
      case "group_id": id = Number(parseUint(v!)); break;
      case "type":
        if (v === "all" || v === "select" || v === "indirect" || v === "ff") type = v;
        else if (v === "fast_failover") type = "ff";
        else throw new OfpError(`${v}: unknown group type`);
        break;
      case "selection_method": selectionMethod = v!; break;
      case "selection_method_param": selectionMethodParam = parseUint(v!) ?? 0n; break;
      case "fields":
        for (const f of splitTop(inner ?? v!)) {
          const [name, mask] = f.split("=");
          const fd = fieldByName(name!);
          if (!fd) throw new OfpError(`${name}: unknown field`);
          fields.push(mask ? { field: fd, mask: parseUint(mask) ?? 0n } : { field: fd });
        }
        break;
      default:
        throw new OfpError(`${k}: unknown keyword`);
    }
  }
  if (id === undefined || Number.isNaN(id)) throw new OfpError("must specify a group_id");
  if (!type) throw new OfpError("must specify a type");
  const buckets = bucketTexts.map((b, i) => {
    const bk = parseBucket(b, i, ports);
    return { ...bk, actions: encodeActionsFor(bk.actions, version) };
  });
  return { id, type, selectionMethod, selectionMethodParam, fields, buckets };
}

export function formatBucketActions(b: Bucket, ports?: PortResolver): string {
  return formatActions(b.actions, ports ? { ports } : {});
}
