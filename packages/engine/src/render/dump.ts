/**
 * `ovs-ofctl dump-flows`: filtering, sorting and the reply layout, on top of
 * the per-flow line printer.
 */
import { OfpError } from "../ofp/errors.ts";
import { allOnes, fieldByName } from "../ofp/fields.ts";
import { emptyMatch, normalizeMatch, readField, setMatchField, type Match } from "../ofp/match.ts";
import { keyValues } from "../ofp/kv.ts";
import { parseFieldValue, parseUint, type PortResolver } from "../ofp/values.ts";
import { dumpError, formatFlowLine, type FlowStats } from "../ofp/flow.ts";
import { prereqsOk } from "../ofp/subfield.ts";
import type { OfVersion } from "../ofp/actions.ts";
import type { Bridge } from "../bridge/bridge.ts";
import type { Rule } from "../bridge/classifier.ts";

export interface DumpFilter {
  readonly table?: number;
  readonly match: Match;
  readonly cookie?: { value: bigint; mask: bigint };
  readonly outPort?: number;
  /** True when the command line had a filter argument (changes the reply's xid). */
  readonly present: boolean;
}

export interface DumpOptions {
  readonly version?: OfVersion;
  readonly stats?: boolean;
  readonly names?: boolean;
  /** Sort criteria in order: `undefined` field means priority. */
  readonly sort?: readonly { field?: string; order: "asc" | "desc" }[];
  readonly filter?: DumpFilter;
  readonly ovs214?: boolean;
  /** Statistics for a rule when `stats` is set. */
  readonly statsOf?: (rule: Rule) => FlowStats;
}

const PROTOCOLS = new Set(["ip", "ipv6", "icmp", "icmp6", "tcp", "tcp6", "udp", "udp6", "sctp", "sctp6", "arp", "rarp", "mpls", "mplsm", "igmp"]);

/** Parses dump-flows' optional flow argument (`table=10`, `ip,nw_src=…`, `cookie=…/…`, `out_port=…`). */
export function parseDumpFilter(text: string | undefined, ports?: PortResolver): DumpFilter {
  const m = emptyMatch();
  if (text === undefined) return { match: m, present: false };
  let table: number | undefined;
  let cookie: { value: bigint; mask: bigint } | undefined;
  let outPort: number | undefined;
  const proto: Record<string, [bigint, bigint | undefined]> = {
    ip: [0x800n, undefined], ipv6: [0x86ddn, undefined], icmp: [0x800n, 1n], icmp6: [0x86ddn, 58n],
    tcp: [0x800n, 6n], tcp6: [0x86ddn, 6n], udp: [0x800n, 17n], udp6: [0x86ddn, 17n], sctp: [0x800n, 132n],
    sctp6: [0x86ddn, 132n], arp: [0x806n, undefined], rarp: [0x8035n, undefined], mpls: [0x8847n, undefined],
    mplsm: [0x8848n, undefined], igmp: [0x800n, 2n],
  };
  for (const kv of keyValues(text)) {
    if (PROTOCOLS.has(kv.key) && kv.value === "") {
      const [t, p] = proto[kv.key]!;
      setMatchField(m, fieldByName("dl_type")!, t, 0xffffn);
      if (p !== undefined) setMatchField(m, fieldByName("nw_proto")!, p, 0xffn);
      continue;
    }
    if (kv.key === "table") {
      const n = parseUint(kv.value);
      if (n === undefined || n > 255n) throw new OfpError(`unknown table "${kv.value}"`);
      if (n !== 255n) table = Number(n);
      continue;
    }
    if (kv.key === "cookie") {
      const [v, mk] = kv.value.split("/") as [string, string | undefined];
      const value = parseUint(v);
      const mask = mk === undefined ? allOnes(64) : parseUint(mk);
      if (value === undefined || mask === undefined) throw new OfpError(`invalid numeric format ${kv.value}`);
      cookie = { value, mask };
      continue;
    }
    if (kv.key === "out_port") {
      const p = ports?.parse(kv.value);
      if (p === undefined) throw new OfpError(`${kv.value}: invalid or unknown port for out_port`);
      outPort = p;
      continue;
    }
    if (kv.key === "priority") continue;
    const f = fieldByName(kv.key);
    if (!f) throw new OfpError(`unknown keyword ${kv.key}`);
    const { value, mask } = parseFieldValue(f, kv.value, ports);
    setMatchField(m, f, value, mask);
  }
  normalizeMatch(m);
  return { ...(table !== undefined ? { table } : {}), match: m, ...(cookie ? { cookie } : {}), ...(outPort !== undefined ? { outPort } : {}), present: true };
}

/** OVS's non-strict ("loose") match: the rule is at least as specific as the filter. */
function looseMatch(rule: Match, filter: Match): boolean {
  for (let i = 0; i < filter.masks.length; i++) {
    const fm = filter.masks[i]!;
    if (fm === 0n) continue;
    if ((rule.masks[i]! & fm) !== fm) return false;
    if ((rule.values[i]! & fm) !== filter.values[i]) return false;
  }
  return true;
}

function outputsTo(rule: Rule, port: number): boolean {
  return rule.flow.actions.some((a) => (a.type === "output" && a.port === port));
}

function selected(rule: Rule, filter: DumpFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.table !== undefined && rule.flow.table !== filter.table) return false;
  if (filter.cookie && (rule.flow.cookie & filter.cookie.mask) !== (filter.cookie.value & filter.cookie.mask)) return false;
  if (filter.outPort !== undefined && !outputsTo(rule, filter.outPort)) return false;
  return looseMatch(rule.flow.match, filter.match);
}

function sortRules(rules: Rule[], criteria: readonly { field?: string; order: "asc" | "desc" }[]): Rule[] {
  // ovs-ofctl always appends a final descending-priority criterion.
  const all = [...criteria, { order: "desc" as const }];
  const fields = all.map((c) => {
    if (!c.field || c.field === "priority") return undefined;
    const f = fieldByName(c.field);
    if (!f) throw new OfpError(`${c.field}: unknown field name`);
    return f;
  });
  const indexed = rules.map((r, i) => ({ r, i }));
  indexed.sort((a, b) => {
    for (let k = 0; k < all.length; k++) {
      const f = fields[k];
      let ret: number;
      if (!f) {
        ret = Math.sign(a.r.flow.priority - b.r.flow.priority);
      } else {
        const ina = prereqsOk(f.prereq, a.r.flow.match) && readField(a.r.flow.match.masks, f) !== 0n;
        const inb = prereqsOk(f.prereq, b.r.flow.match) && readField(b.r.flow.match.masks, f) !== 0n;
        if (ina !== inb) return ina ? -1 : 1;
        const av = readField(a.r.flow.match.values, f), bv = readField(b.r.flow.match.values, f);
        ret = av < bv ? -1 : av > bv ? 1 : 0;
      }
      if (ret) return all[k]!.order === "asc" ? ret : -ret;
    }
    return a.i - b.i;
  });
  return indexed.map((x) => x.r);
}

/** The reply header line printed when stats are shown without sorting or names. */
function replyHeader(version: OfVersion, filtered: boolean): string {
  if (version === 10) return `NXST_FLOW reply (xid=0x${(filtered ? 8 : 4).toString(16)}):`;
  const v = `1.${version - 10}`;
  return `OFPST_FLOW reply (OF${v}) (xid=0x${(filtered ? 6 : 2).toString(16)}):`;
}

/** The text `ovs-ofctl dump-flows BRIDGE [FILTER]` prints (each line newline-terminated). */
export function dumpFlows(bridge: Bridge, opts: DumpOptions = {}): string {
  const version = opts.version ?? 10;
  const stats = opts.stats ?? true;
  const names = opts.names ?? false;
  const ports = bridge.resolver(names);
  let rules = [...bridge.rules()].filter((r) => selected(r, opts.filter));
  // A reply ovs-ofctl cannot decode at this version fails the whole dump.
  if (rules.some((r) => dumpError(r.flow, version))) throw new OfpError("dump flows (Protocol error)");
  const sorting = (opts.sort?.length ?? 0) > 0;
  if (sorting) rules = sortRules(rules, opts.sort!);
  const lines: string[] = [];
  if (stats && !sorting && !names) lines.push(replyHeader(version, opts.filter?.present ?? false));
  for (const r of rules) {
    const st = stats ? (opts.statsOf?.(r) ?? { durationSec: 0, durationNsec: 0, packets: 0n, bytes: 0n, idleAge: 0 }) : undefined;
    lines.push(formatFlowLine(r.flow, { version, ports, ...(st ? { stats: st } : {}), ...(opts.ovs214 ? { ovs214: true } : {}) }));
  }
  return lines.map((l) => l + "\n").join("");
}
