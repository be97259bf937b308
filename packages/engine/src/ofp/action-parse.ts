/**
 * Parses the `actions=` part of a flow as ovs-ofctl does (lib/ofp-actions.c
 * `ofpacts_parse`, `ofpacts_verify`; lib/learn.c `learn_parse`), and checks
 * actions against the flow's match (`ofpacts_check`).
 */
import { fail, OfpError } from "./errors.ts";
import { allOnes, fieldByName, fieldByNxm, wholeMask, type FieldDef } from "./fields.ts";
import { keyValues, splitArgs } from "./kv.ts";
import { emptyMatch, readField, setMatchField, SLOT_INDEX, type Match } from "./match.ts";
import { ctValid, parseSubfield, prereqsOk, subfieldMask } from "./subfield.ts";
import {
  formatFieldValue, OFPP_CONTROLLER, OFPP_IN_PORT, OFPP_LOCAL, OFPP_MAX, parseFieldValue, parseIntString, parseIpv4,
  parseIpv6, parsePortNumber, type PortResolver,
} from "./values.ts";
import {
  P_ANY, P_NXM_OF11_UP, P_NXM_OXM_ANY, P_OF10_ANY, P_OF11_STD, P_OF11_UP, P_OF13_UP, type Protocols,
} from "./protocols.ts";
import { NO_TABLE, type Action, type LearnFieldSpec, type LearnSpec, type NatSpec, type Subfield } from "./actions.ts";

export interface ActionParseContext {
  readonly ports?: PortResolver;
}

/** An action with the offset of its text inside the actions string. */
export interface ParsedActions {
  readonly actions: Action[];
  /** Offsets (in the actions string) of each action's text, for error positions. */
  readonly offsets: number[];
  /** The protocols that can carry these actions (OVS's usable_protocols). */
  readonly usable: Protocols;
}

/** Where an action list sits: at the top level, inside ct(exec(...)) or inside write_actions(...). */
export type Nesting = undefined | "ct" | "write_actions";

// ---------------------------------------------------------------------------
// C number parsing, as OVS's str_to_* helpers do it (lib/util.c).

interface Strtol {
  readonly value: bigint;
  readonly tail: string;
  readonly overflow: boolean;
}

/** `strtoull(s, &tail, base)` (base 0 or 10); undefined when no digits were read. */
function strtoull(s: string, base: 0 | 10): Strtol | undefined {
  const re = base === 10 ? /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/ : /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/;
  const m = re.exec(s);
  if (!m) return undefined;
  const digits = m[2]!;
  let v = base === 10 ? BigInt(digits) : /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith("0") ? BigInt("0o" + digits.slice(1)) : BigInt(digits);
  const overflow = v >= 1n << 64n;
  if (overflow) v = (1n << 64n) - 1n;
  else if (m[1] === "-" && v !== 0n) v = (1n << 64n) - v;
  return { value: v, tail: s.slice(m[0].length), overflow };
}

/** `str_to_int(s, 0)` then a range check: `invalid NAME "S"` (str_to_u16 and friends). */
function strToUint(s: string, name: string, max: bigint): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) fail(`invalid ${name} "${s}"`);
  const digits = m[2]!;
  let v = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith("0") ? BigInt("0o" + digits.slice(1)) : BigInt(digits);
  if (m[1] === "-") v = -v;
  if (v < 0n || v > max) fail(`invalid ${name} "${s}"`);
  return Number(v);
}

const strToU16 = (s: string, name: string): number => strToUint(s, name, 0xffffn);

/** `str_to_u32`: strtoul with base 0, the whole string; values past 32 bits wrap. */
function strToU32(s: string): number {
  if (!s) fail("missing required numeric argument");
  const r = strtoull(s, 0);
  if (!r || r.overflow || r.tail !== "") fail(`invalid numeric format ${s}`);
  return Number(r.value & 0xffffffffn);
}

/** `str_to_u64`. */
function strToU64(s: string): bigint {
  if (!s) fail("missing required numeric argument");
  const r = strtoull(s, 0);
  if (!r || r.overflow || r.tail !== "") fail(`invalid numeric format ${s}`);
  return r.value;
}

/** C's `atoi`: the leading decimal number, 0 if none (as 32-bit int). */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return m ? Number(BigInt.asIntN(32, BigInt(m[1]!))) : 0;
}

/** `ofputil_table_from_string` without table names: decimal 0..255. */
function parseTableNumber(s: string): number | undefined {
  if (s.startsWith("-")) return undefined;
  const r = strtoull(s, 10);
  if (!r || r.tail !== "" || r.value > 255n) return undefined;
  return Number(r.value);
}

function parsePort(text: string, ctx: ActionParseContext): number | undefined {
  return ctx.ports?.parse(text) ?? parsePortNumber(text);
}

/** `ofpbuf_put_hex`: pairs of hex digits, with spaces and dots between them; undefined on junk. */
function parseHexBytes(text: string): number[] | undefined {
  const out: number[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && " .\t\r\n".includes(text[i]!)) i++;
    if (i >= text.length) return out;
    const pair = text.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return undefined;
    out.push(parseInt(pair, 16));
    i += 2;
  }
}

// ---------------------------------------------------------------------------
// Individual actions.

/** `set_field_split_str`: the first `->` separates the value from the field. */
function splitArrow(arg: string): [string, string] {
  const i = arg.indexOf("->");
  if (i < 0) fail(`${arg}: missing \`->'`);
  if (arg.length - i <= 2) fail(`${arg}: missing field name following \`->'`);
  return [arg.slice(0, i), arg.slice(i + 2)];
}

/** `load:VALUE->DST` (`parse_reg_load`). */
function parseLoad(arg: string): Action {
  const [valueText, dstText] = splitArrow(arg);
  const dst = parseSubfield(dstText);
  const v = parseIntString(arg, dst.field.bytes);
  if (v.error) fail(`${arg}: cannot parse integer value`);
  void valueText;
  if (v.value >> BigInt(dst.nBits) !== 0n) {
    fail(`${arg}: value ${formatFieldValue(dst.field, v.value, allOnes(dst.field.bits))} does not fit into ${dst.nBits} bits`);
  }
  return { type: "set_field", field: dst.field, value: v.value << BigInt(dst.ofs), mask: subfieldMask(dst), raw: "load" };
}

/** `set_field:VALUE[/MASK]->FIELD` (`set_field_parse__`). */
function parseSetField(arg: string, ctx: ActionParseContext): Action {
  const [valueText, key] = splitArrow(arg);
  const f = fieldByName(key);
  if (!f) fail(`${key} is not a valid OXM field name`);
  if (!f.writable) fail(`${key} is read-only`);
  const { value, mask, whole } = parseFieldValue(f, valueText, ctx.ports);
  if (value & ~f.validMask) fail(`${valueText} is not a valid value for field ${key}`);
  return { type: "set_field", field: f, value: value & allOnes(f.bits), mask: whole ? wholeMask(f) : mask, raw: "set_field" };
}

/** The legacy OpenFlow 1.0 set actions (`mod_dl_src:MAC`, `mod_nw_tos:TOS`, …). */
function parseLegacy(name: string, arg: string): Action {
  const set = (fieldName: string, value: bigint): Action => {
    const f = fieldByName(fieldName)!;
    return { type: "set_field", field: f, value, mask: wholeMask(f), raw: "legacy" };
  };
  switch (name) {
    case "mod_dl_src": case "mod_dl_dst": {
      // str_to_mac: scanf-style, so anything after the address is ignored.
      const m = /^[ \t\n\v\f\r]*([0-9a-fA-F]+):([0-9a-fA-F]+):([0-9a-fA-F]+):([0-9a-fA-F]+):([0-9a-fA-F]+):([0-9a-fA-F]+)/.exec(arg);
      if (!m) fail(`invalid mac address ${arg}`);
      let v = 0n;
      for (let i = 1; i <= 6; i++) v = (v << 8n) | (BigInt("0x" + m[i]!) & 0xffn);
      return set(name === "mod_dl_src" ? "eth_src" : "eth_dst", v);
    }
    case "mod_nw_src": case "mod_nw_dst": {
      // str_to_ip: scanf-style, so anything after the address is ignored.
      const m = /^[ \t\n\v\f\r]*\d+\.\d+\.\d+\.\d+/.exec(arg);
      const v = m ? parseIpv4(m[0].trim()) : undefined;
      if (v === undefined) fail(`${arg}: could not convert to IP address`);
      return set(name === "mod_nw_src" ? "ip_src" : "ip_dst", v);
    }
    case "mod_nw_tos": {
      const v = strToUint(arg, "TOS", 0xffn);
      if (v & ~0xfc) fail(`${arg}: not a valid TOS`);
      return set("nw_tos", BigInt(v));
    }
    case "mod_nw_ecn": {
      const v = strToUint(arg, "ECN", 0xffn);
      if (v & ~0x3) fail(`${arg}: not a valid ECN`);
      return set("nw_ecn", BigInt(v));
    }
    case "mod_nw_ttl":
      return set("nw_ttl", BigInt(strToUint(arg, "TTL", 0xffn)));
    case "mod_tp_src":
      return set("tcp_src", BigInt(strToU16(arg, "source port")));
    case "mod_tp_dst":
      return set("tcp_dst", BigInt(strToU16(arg, "destination port")));
    case "mod_vlan_vid": {
      const v = strToU16(arg, "VLAN VID");
      if (v & ~0xfff) fail(`${arg}: not a valid VLAN VID`);
      return set("dl_vlan", BigInt(v));
    }
    default: {
      const v = strToUint(arg, "VLAN PCP", 0xffn);
      if (v & ~0x7) fail(`${arg}: not a valid VLAN PCP`);
      return set("dl_vlan_pcp", BigInt(v));
    }
  }
}

/** `move:SRC->DST` (`nxm_parse_reg_move`). */
function parseMove(arg: string): Action {
  const src = parseSubfieldPrefix(arg);
  if (!src.rest.startsWith("->")) fail(`${arg}: missing \`->' following source`);
  const dst = parseSubfield(src.rest.slice(2));
  if (src.sf.nBits !== dst.nBits) {
    fail(`${arg}: source field is ${src.sf.nBits} bits wide but destination is ${dst.nBits} bits wide`);
  }
  return { type: "move", src: src.sf, dst };
}

/** `mf_parse_subfield__`: a subfield at the start of `text` and what follows it. */
function parseSubfieldPrefix(text: string): { sf: Subfield; rest: string } {
  const nameLen = text.search(/[[-]/);
  let end = nameLen < 0 ? text.length : nameLen;
  if (text[end] === "[") {
    const close = text.indexOf("]", end);
    end = close < 0 ? text.length : close + 1;
  }
  const sf = parseSubfield(text.slice(0, end), text);
  return { sf, rest: text.slice(end) };
}

function parseOutput(arg: string, ctx: ActionParseContext): Action {
  if (arg.includes("port") && arg.includes("max_len")) {
    let port = 0;
    let maxLen = 0;
    for (const kv of splitArgs(arg)) {
      if (kv.key === "port") {
        const p = parsePort(kv.value, ctx);
        if (p === undefined) fail(`output to unknown truncate port: ${kv.value}`);
        if (p > OFPP_MAX && p !== OFPP_LOCAL && p !== OFPP_IN_PORT) fail(`output to unsupported truncate port: ${kv.value}`);
        port = p;
      } else if (kv.key === "max_len") {
        maxLen = strToU32(kv.value);
        if (maxLen < 14) fail(`max_len ${maxLen} is less than the minimum value 14`);
      } else {
        fail(`invalid key '${kv.key}' in output_trunc argument`);
      }
    }
    return { type: "output", port, maxLen };
  }
  // A subfield if it parses as one (OVS tries that first), else a port.
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(arg);
  if (name && fieldByNxm(name[0])) {
    try {
      return { type: "output_reg", src: parseSubfield(arg), maxLen: 0xffff };
    } catch (e) {
      if (!(e instanceof OfpError)) throw e;
    }
  }
  const port = parsePort(arg, ctx);
  if (port === undefined) fail(`${arg}: output to unknown port`);
  if (port === OFPP_CONTROLLER) return { type: "controller", maxLen: 0xffff };
  return { type: "output", port };
}

const PACKET_IN_REASONS = ["no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"];

function parseController(arg: string): Action {
  let maxLen = 0xffff;
  let reason = "action";
  let controllerId = 0;
  let userdata: number[] | undefined;
  let pause = false;
  let meterId: number | undefined;
  if (arg === "") {
    // defaults
  } else if (/^[0-9]+$/.test(arg)) {
    maxLen = strToU16(arg, "max_len");
  } else {
    for (const kv of splitArgs(arg)) {
      switch (kv.key) {
        case "reason":
          if (!PACKET_IN_REASONS.includes(kv.value)) fail(`unknown reason "${kv.value}"`);
          reason = kv.value;
          break;
        case "max_len": maxLen = strToU16(kv.value, "max_len"); break;
        case "id": controllerId = strToU16(kv.value, "id"); break;
        case "userdata": {
          const bytes = parseHexBytes(kv.value);
          if (!bytes) fail("bad hex digit in `controller' action `userdata'");
          userdata = bytes;
          break;
        }
        case "pause": pause = true; break;
        case "meter_id": {
          const m = strToU32(kv.value);
          // 0 and 0xffffffff (NX_CTLR_NO_METER) both mean no meter once the switch has it.
          meterId = m === 0xffffffff || m === 0 ? undefined : m;
          break;
        }
        default: fail(`unknown key "${kv.key}" parsing controller action`);
      }
    }
  }
  return {
    type: "controller",
    maxLen,
    ...(reason !== "action" ? { reason } : {}),
    ...(controllerId ? { controllerId } : {}),
    ...(userdata?.length ? { userdata } : {}),
    ...(pause ? { pause } : {}),
    ...(meterId !== undefined ? { meterId } : {}),
  };
}

function parseResubmit(arg: string, ctx: ActionParseContext): Action {
  const [portText = "", tableText = "", ctText = ""] = arg.split(",");
  let port = OFPP_IN_PORT;
  if (portText) {
    const p = parsePort(portText, ctx);
    if (p === undefined) fail(`${portText}: resubmit to unknown port`);
    port = p;
  }
  let table = NO_TABLE;
  if (tableText) {
    const t = parseTableNumber(tableText);
    if (t === undefined) fail(`${tableText}: resubmit to unknown table`);
    table = t;
  }
  if (ctText && ctText !== "ct") fail(`${ctText}: unknown parameter`);
  if (port === OFPP_IN_PORT && table === NO_TABLE) fail(`at least one "in_port" or "table" must be specified on resubmit`);
  return { type: "resubmit", port, table, ct: ctText === "ct" };
}

/** `str_to_nat_range`, with scanf's leniency (ports wrap at 16 bits, bytes at 8). */
function parseNatRange(s: string, nat: { -readonly [K in keyof NatSpec]: NatSpec[K] }): void {
  let n = 0;
  const invalid = (): never => fail(`invalid nat range "${s}"`);
  const scanV4 = (): bigint | undefined => {
    const m = /^[ \t\n\v\f\r]*[+-]?\d+\.[ \t\n\v\f\r]*[+-]?\d+\.[ \t\n\v\f\r]*[+-]?\d+\.[ \t\n\v\f\r]*[+-]?\d+/.exec(s.slice(n));
    if (!m) return undefined;
    n += m[0].length;
    return parseIpv4(m[0].replace(/[ \t\n\v\f\r+]/g, "").replace(/-(\d+)/g, (_x, d: string) => String((256 - (Number(d) % 256)) % 256)));
  };
  const scanV6 = (): string | undefined => {
    const plain = /^[0-9a-fA-F:.]{1,46}/.exec(s.slice(n));
    if (plain) {
      n += plain[0].length;
      return plain[0];
    }
    const br = /^\[([0-9a-fA-F:.]{1,46})\]/.exec(s.slice(n));
    if (br) {
      n += br[0].length;
      return br[1];
    }
    return undefined;
  };
  const scanU16 = (): number | undefined => {
    const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s.slice(n));
    if (!m) return undefined;
    n += m[0].length;
    const v = Number(BigInt(m[2]!) % 65536n);
    return m[1] === "-" ? (65536 - v) % 65536 : v;
  };
  let af: "v4" | "v6" | undefined;
  const v4 = scanV4();
  if (v4 !== undefined) {
    af = "v4";
    nat.addrMin = v4;
    if (s[n] === "-") {
      n++;
      const max = scanV4();
      if (max === undefined || max < v4) invalid();
      nat.addrMax = max;
    }
  } else {
    const text = scanV6();
    const v6 = text === undefined ? undefined : parseIpv6(text);
    if (v6 !== undefined) {
      af = "v6";
      nat.addrMin = v6;
      nat.ipv6 = true;
      if (s[n] === "-") {
        n++;
        const t2 = scanV6();
        const max = t2 === undefined ? undefined : parseIpv6(t2);
        if (max === undefined || max < v6) invalid();
        nat.addrMax = max;
      }
    }
  }
  if (af && s[n] === ":") {
    n++;
    const min = scanU16() ?? invalid();
    nat.portMin = min;
    if (s[n] === "-") {
      n++;
      const max = scanU16();
      if (max === undefined || max < min) invalid();
      nat.portMax = max;
    }
  }
  if (n !== s.length) fail(`garbage (${s.slice(n)}) after nat range "${s}" (pos: ${n})`);
}

function parseNat(arg: string): NatSpec {
  let src = false, dst = false;
  const nat: { -readonly [K in keyof NatSpec]: NatSpec[K] } = { kind: undefined };
  for (const kv of splitArgs(arg)) {
    switch (kv.key) {
      case "src": case "dst":
        if (kv.key === "src") src = true;
        else dst = true;
        for (const k of ["addrMin", "addrMax", "ipv6", "portMin", "portMax"] as const) delete nat[k];
        parseNatRange(kv.value, nat);
        break;
      case "persistent": nat.persistent = true; break;
      case "hash": nat.hash = true; break;
      case "random": nat.random = true; break;
      default: fail(`invalid key "${kv.key}" in "nat" argument`);
    }
  }
  if (src && dst) fail(`May only specify one of "src" or "dst".`);
  if (!src && !dst) {
    if (nat.persistent || nat.hash || nat.random) fail(`Flags allowed only with "src" or "dst".`);
    if (nat.addrMin !== undefined) fail(`Range allowed only with "src" or "dst".`);
  }
  if (nat.hash && nat.random) fail(`Both "hash" and "random" are not allowed.`);
  nat.kind = src ? "src" : dst ? "dst" : undefined;
  return nat;
}

function parseCt(arg: string, ctx: ActionParseContext, protocols: { usable: Protocols }): Action {
  let commit = false, force = false;
  let table: number | undefined;
  let zone: number | Subfield = 0;
  let alg: number | undefined;
  const nested: Action[] = [];
  for (const kv of splitArgs(arg)) {
    switch (kv.key) {
      case "commit": commit = true; break;
      case "force": force = true; break;
      case "table": {
        const t = parseTableNumber(kv.value);
        if (t === undefined) fail(`unknown table ${kv.value}`);
        if (t === NO_TABLE) fail(`invalid table 0xff`);
        table = t;
        break;
      }
      case "zone":
        try {
          zone = strToU16(kv.value, "zone");
        } catch (e) {
          if (!(e instanceof OfpError)) throw e;
          zone = parseSubfield(kv.value);
        }
        break;
      case "alg":
        if (kv.value === "ftp") alg = 21;
        else if (kv.value === "tftp") alg = 69;
        else fail(`invalid conntrack helper "${kv.value}"`);
        break;
      case "nat":
        nested.push({ type: "nat", nat: parseNat(kv.value) });
        break;
      case "exec": {
        const r = parseActionList(kv.value, ctx, "ct");
        protocols.usable &= r.usable;
        nested.push(...r.actions);
        break;
      }
      default:
        fail(`invalid argument to "ct" action: \`${kv.key}'`);
    }
  }
  if (force && !commit) fail(`"force" flag requires "commit" flag.`);
  const first = nested[0];
  const nat = first?.type === "nat" ? first.nat : undefined;
  return {
    type: "ct",
    commit,
    force,
    ...(table !== undefined ? { table } : {}),
    zone,
    ...(alg !== undefined ? { alg } : {}),
    ...(nat ? { nat } : {}),
    exec: nat ? nested.slice(1) : nested,
  };
}

function parseConjunction(arg: string): Action {
  const m = /^\s*([+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*))\s*,\s*([+-]?\d+)\s*\/\s*([+-]?\d+)\s*$/.exec(arg);
  if (!m) fail(`"conjunction" syntax is "conjunction(id,i/n)"`);
  const wrap8 = (t: string) => Number(BigInt.asUintN(8, BigInt(t)));
  const idText = m[1]!.replace(/^\+/, "");
  const neg = idText.startsWith("-");
  const body = neg ? idText.slice(1) : idText;
  const raw = /^0[xX]/.test(body) ? BigInt(body) : body.length > 1 && body.startsWith("0") ? BigInt("0o" + body.slice(1)) : BigInt(body);
  const id = Number(BigInt.asUintN(32, neg ? -raw : raw));
  const k = wrap8(m[2]!), n = wrap8(m[3]!);
  if (n < 2) fail(`conjunction must have at least 2 clauses`);
  if (n > 64) fail(`conjunction must have at most 64 clauses`);
  if (k < 1) fail(`clause index must be positive`);
  if (k > n) fail(`clause index must be less than or equal to number of clauses`);
  return { type: "conjunction", id, clause: k, nClauses: n };
}

function parseDecTtl(arg: string): Action {
  if (arg === "") return { type: "dec_ttl" };
  const ids = arg.split(/[, ]+/).filter((t) => t !== "").map((t) => atoi(t) & 0xffff);
  if (ids.length === 0) fail(`dec_ttl_cnt_ids: expected at least one controller id.`);
  return { type: "dec_ttl", ids };
}

function parseWriteMetadata(arg: string): Action {
  const slash = arg.indexOf("/");
  const mask = slash < 0 ? allOnes(64) : strToU64(arg.slice(slash + 1));
  const value = strToU64(slash < 0 ? arg : arg.slice(0, slash));
  return { type: "write_metadata", value, mask };
}

// ---------------------------------------------------------------------------
// learn (lib/learn.c `learn_parse__`, `learn_parse_spec`)

function parseLearn(orig: string, ctx: ActionParseContext): Action {
  const spec: { -readonly [K in keyof LearnSpec]: LearnSpec[K] } = {
    table: 1, idleTimeout: 0, hardTimeout: 0, finIdleTimeout: 0, finHardTimeout: 0, priority: 32768,
    cookie: 0n, sendFlowRem: false, deleteLearned: false, limit: 0, specs: [],
  };
  const specs: LearnFieldSpec[] = [];
  for (const kv of splitArgs(orig)) {
    const { key, value } = kv;
    switch (key) {
      case "table": {
        const t = parseTableNumber(value);
        if (t === undefined) fail(`unknown table "${value}"`);
        if (t === NO_TABLE) fail(`${orig}: table id 255 not valid for \`learn' action`);
        spec.table = t;
        continue;
      }
      case "priority": spec.priority = atoi(value) & 0xffff; continue;
      case "idle_timeout": spec.idleTimeout = atoi(value) & 0xffff; continue;
      case "hard_timeout": spec.hardTimeout = atoi(value) & 0xffff; continue;
      case "fin_idle_timeout": spec.finIdleTimeout = atoi(value) & 0xffff; continue;
      case "fin_hard_timeout": spec.finHardTimeout = atoi(value) & 0xffff; continue;
      case "cookie": spec.cookie = strtoull(value, 0)?.value ?? 0n; continue;
      case "send_flow_rem": spec.sendFlowRem = true; continue;
      case "delete_learned": spec.deleteLearned = true; continue;
      case "limit": spec.limit = atoi(value) >>> 0; continue;
      case "result_dst": {
        const dst = parseSubfield(value);
        if (!dst.field.writable) fail(`${value} is read-only`);
        if (dst.nBits !== 1) fail(`result_dst in 'learn' action must be a single bit`);
        spec.resultDst = dst;
        continue;
      }
    }
    specs.push(parseLearnSpec(orig, key, value, ctx));
  }
  spec.specs = specs;
  return { type: "learn", spec };
}

function parseLearnSpec(orig: string, name: string, value: string, ctx: ActionParseContext): LearnFieldSpec {
  let dst: Subfield | undefined;
  try {
    dst = parseSubfield(name);
  } catch (e) {
    if (!(e instanceof OfpError)) throw e;
  }
  if (dst) {
    if (value === "") return { kind: "match_field", dst, src: dst, sameField: true };
    let srcError: string;
    try {
      const src = parseSubfield(value);
      if (src.nBits !== dst.nBits) fail(`${orig}: bit widths of ${name} (${src.nBits}) and ${value} (${dst.nBits}) differ`);
      return { kind: "match_field", dst, src, sameField: src.field === dst.field && src.ofs === dst.ofs };
    } catch (e) {
      if (!(e instanceof OfpError) || e.message.startsWith(`${orig}: bit widths`)) throw e;
      srcError = e.message;
    }
    // Not a subfield: an immediate value.
    const whole = dst.ofs === 0 && dst.nBits === dst.field.bits;
    let immError: string | undefined;
    let imm = 0n;
    if (whole) {
      try {
        const v = parseFieldValue(dst.field, value, ctx.ports);
        if (v.mask !== allOnes(dst.field.bits)) immError = `${value}: wildcards not allowed here`;
        else imm = v.value & allOnes(dst.field.bits);
      } catch (e) {
        if (!(e instanceof OfpError)) throw e;
        immError = e.message;
      }
    } else {
      const v = parseIntString(value, dst.field.bytes);
      if (v.error || v.tail !== "") immError = `${orig}: cannot parse integer value`;
      else if (v.value >> BigInt(dst.nBits) !== 0n) {
        immError = `${orig}: value ${formatFieldValue(dst.field, v.value, allOnes(dst.field.bits))} does not fit into ${dst.nBits} bits`;
      } else imm = v.value;
    }
    if (immError !== undefined) {
      fail(`${orig}: ${name} value ${value} cannot be parsed as a subfield (${srcError}) or an immediate value (${immError})`);
    }
    return { kind: "match_imm", dst, value: imm, wholeFieldSyntax: whole };
  }
  if (name === "load") {
    const arrow = value.indexOf("->");
    if (arrow === 0) fail(`${name}: missing source before \`->' in \`${value}'`);
    if (arrow < 0) fail(`${name}: missing \`->' in \`${value}'`);
    const imm = parseIntString(value, 128);
    if (!imm.error && imm.tail !== value) {
      if (imm.tail !== value.slice(arrow)) fail(`${name}: garbage before \`->' in \`${value}'`);
      const d = parseSubfield(value.slice(arrow + 2));
      if (d.field.headerless) fail(`${value}: experimenter OXM field '${value.slice(arrow + 2)}' not supported`);
      if (imm.value >> BigInt(d.nBits) !== 0n) fail(`${value}: value does not fit into ${d.nBits} bits`);
      return { kind: "load_imm", dst: d, value: imm.value };
    }
    const m = parseMove(value);
    if (m.type !== "move") throw new Error("unreachable");
    return { kind: "load_field", dst: m.dst, src: m.src };
  }
  if (name === "output") return { kind: "output", src: parseSubfield(value) };
  fail(`${orig}: unknown keyword ${name}`);
}

/** `mf->usable_protocols_exact`: who can carry an exact match on (or a set of) the field. */
export function exactProtocols(f: FieldDef): Protocols {
  if (f.of10) return P_ANY;
  return f.of11 ? P_NXM_OXM_ANY | P_OF11_STD : P_NXM_OXM_ANY;
}

// ---------------------------------------------------------------------------
// The action list.

/** Parses one action item; "drop" is reported separately. */
function parseOne(key: string, value: string, ctx: ActionParseContext, protocols: { usable: Protocols }): Action | "drop" {
  const name = key.toLowerCase();
  switch (name) {
    case "drop": return "drop";
    case "apply_actions": return fail("apply_actions is the default instruction");
    case "output": return parseOutput(value, ctx);
    case "controller": return parseController(value);
    case "resubmit": return parseResubmit(value, ctx);
    case "goto_table": {
      const t = parseTableNumber(value);
      if (t === undefined) fail(`unknown table "${value}"`);
      return { type: "goto_table", table: t };
    }
    case "load": return parseLoad(value);
    case "set_field": {
      const a = parseSetField(value, ctx);
      if (a.type === "set_field") protocols.usable &= exactProtocols(a.field);
      return a;
    }
    case "move": return parseMove(value);
    case "mod_dl_src": case "mod_dl_dst": case "mod_nw_src": case "mod_nw_dst": case "mod_nw_tos": case "mod_nw_ecn":
    case "mod_nw_ttl": case "mod_tp_src": case "mod_tp_dst": case "mod_vlan_vid": case "mod_vlan_pcp":
      return parseLegacy(name, value);
    case "dec_ttl": return parseDecTtl(value);
    case "ct": return parseCt(value, ctx, protocols);
    case "ct_clear": return { type: "ct_clear" };
    case "nat": return { type: "nat", nat: parseNat(value) };
    case "conjunction": return parseConjunction(value);
    case "learn": return parseLearn(value, ctx);
    case "group": return { type: "group", group: strToU32(value) };
    case "meter":
      protocols.usable &= P_OF13_UP;
      return { type: "meter", meter: strToU32(value) };
    case "note": {
      const bytes = parseHexBytes(value);
      if (!bytes) fail("bad hex digit in `note' argument");
      return { type: "note", bytes };
    }
    case "push_vlan": {
      protocols.usable &= P_OF11_UP;
      const t = strToU16(value, "ethertype");
      if (t !== 0x8100 && t !== 0x88a8) fail(`${value}: not a valid VLAN ethertype`);
      return { type: "push_vlan", ethertype: t };
    }
    case "pop_vlan": return { type: "pop_vlan", raw: "pop_vlan" };
    case "strip_vlan": return { type: "pop_vlan", raw: "strip_vlan" };
    case "clear_actions": return { type: "clear_actions" };
    case "write_metadata":
      protocols.usable &= P_NXM_OF11_UP;
      return parseWriteMetadata(value);
    case "write_actions": {
      const r = parseActionList(value, ctx, "write_actions");
      protocols.usable &= r.usable;
      return { type: "write_actions", actions: r.actions };
    }
  }
  const port = parsePort(key, ctx);
  if (port !== undefined) {
    // A bare CONTROLLER port number sends with max_len 0 (it prints as CONTROLLER:0).
    if (port === OFPP_CONTROLLER) return { type: "controller", maxLen: 0 };
    return { type: "output", port };
  }
  fail(`unknown action ${key}`);
}

const INSTRUCTIONS = ["meter", "apply_actions", "clear_actions", "write_actions", "write_metadata", "goto_table"];
const APPLY = 1;

function instructionOf(a: Action): number {
  switch (a.type) {
    case "meter": return 0;
    case "clear_actions": return 2;
    case "write_actions": return 3;
    case "write_metadata": return 4;
    case "goto_table": return 5;
    default: return APPLY;
  }
}

/** OVS's name for an action (`ofpact_name`), used in messages. */
export function ofpactName(a: Action): string {
  switch (a.type) {
    case "output": return a.maxLen !== undefined && a.port !== OFPP_CONTROLLER ? "output_trunc" : "output";
    case "output_reg": return "output_reg";
    case "set_field":
      if (a.raw !== "legacy") return "set_field";
      return a.field.legacyAction === "mod_vlan_vid" ? "set_vlan_vid" : a.field.legacyAction === "mod_vlan_pcp" ? "set_vlan_pcp" : a.field.legacyAction!;
    case "pop_vlan": return "strip_vlan";
    default: return a.type;
  }
}

/** The field an action writes as a set_field or move (`ofpact_get_mf_dst`). */
function mfDst(a: Action): FieldDef | undefined {
  if (a.type === "set_field" && a.raw !== "legacy") return a.field;
  if (a.type === "move") return a.dst.field;
  return undefined;
}

const requiresCt = (f: FieldDef) => f.name === "ct_mark" || f.name === "ct_label";

/** `ofpacts_verify_nested`. */
function verifyNested(a: Action, outer: Nesting): string | undefined {
  const dst = mfDst(a);
  if (dst && requiresCt(dst) && outer !== "ct") return "cannot set CT fields outside of ct action";
  if (a.type === "nat") return outer === "ct" ? undefined : `Cannot have NAT action outside of "ct" action`;
  if (outer === "ct") {
    if (!dst) return `ct action doesn't support nested action ${ofpactName(a)}`;
    if (!requiresCt(dst)) return `ct action doesn't support nested modification of ${dst.name}`;
  }
  if (outer && a.type === "meter") return `${outer} action doesn't support nested action meter`;
  return undefined;
}

/** `ofpacts_verify`: conjunction rules, nesting rules and OpenFlow 1.1+ instruction order. */
function verifyActions(actions: readonly Action[], outer: Nesting): string | undefined {
  let inst = 0;
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    if (a.type === "conjunction") {
      const other = actions.find((b) => b.type !== "conjunction" && b.type !== "note");
      if (other) {
        return `"conjunction" actions may be used along with "note" but not any other kind of action (such as the "${ofpactName(other)}" action used here)`;
      }
      return undefined;
    }
    const nested = verifyNested(a, outer);
    if (nested) return nested;
    const next = instructionOf(a);
    if (i > 0 && (inst === APPLY ? next < inst : next <= inst)) {
      return next === inst
        ? `duplicate ${INSTRUCTIONS[inst]} instruction not allowed, for OpenFlow 1.1+ compatibility`
        : `invalid instruction ordering: ${INSTRUCTIONS[next]} must appear before ${INSTRUCTIONS[inst]}, for OpenFlow 1.1+ compatibility`;
    }
    if (outer && next !== APPLY) return `${INSTRUCTIONS[next]} instruction not allowed here`;
    inst = next;
  }
  return undefined;
}

/**
 * Parses an action list: the value of `actions=`, or the inside of
 * `exec(...)` / `write_actions(...)` when `nesting` says so.
 */
export function parseActionList(text: string, ctx: ActionParseContext = {}, nesting?: Nesting): ParsedActions {
  const actions: Action[] = [];
  const offsets: number[] = [];
  const protocols = { usable: P_ANY };
  let sawDrop = false;
  for (const kv of keyValues(text)) {
    let a: Action | "drop";
    try {
      a = parseOne(kv.key, kv.value, ctx, protocols);
    } catch (e) {
      if (e instanceof OfpError) throw new OfpError(e.message, { line: 1, column: kv.start + 1, length: kv.end - kv.start });
      throw e;
    }
    if (a === "drop") {
      sawDrop = true;
      continue;
    }
    // An empty write_actions() is no instruction at all.
    if (a.type === "write_actions" && a.actions.length === 0) continue;
    actions.push(a);
    offsets.push(kv.start);
  }
  if (sawDrop && actions.length) fail(`"drop" must not be accompanied by any other action or instruction`);
  const err = verifyActions(actions, nesting);
  if (err) fail(err);
  return { actions, offsets, usable: protocols.usable };
}

// ---------------------------------------------------------------------------
// ofpacts_check

export interface ActionCheck {
  /** OVS error name when the actions cannot go with the match (`actions are invalid with specified match (NAME)`). */
  readonly error?: string;
  /** Only OpenFlow 1.0 can carry the flow (OVS's `inconsistent_match`). */
  readonly inconsistent: boolean;
  /** The actions with what the check learns recorded (mod_tp_* protocol, VLAN push). */
  readonly actions: Action[];
}

interface CheckFlow {
  values: bigint[];
  masks: bigint[];
  /** VLAN headers present (outermost first), as OVS's flow->vlans[].tci & CFI. */
  vlans: [boolean, boolean];
}

const I = SLOT_INDEX;
const ETH_IP = 0x0800n, ETH_IPV6 = 0x86ddn;

function isIpAny(f: CheckFlow): boolean {
  const t = f.values[I.dl_type]!;
  return t === ETH_IP || t === ETH_IPV6;
}

function flowMatch(f: CheckFlow): Match {
  const tci = f.values[I.vlan_tci]!;
  const want = f.vlans[0] ? tci | 0x1000n : tci & ~0x1000n;
  if (want === tci) return f;
  const values = f.values.slice();
  values[I.vlan_tci] = want;
  return { values, masks: f.masks };
}

/** `mf_check_src`/`mf_check_dst`. */
function checkSubfield(sf: Subfield, m: Match, dst: boolean): string | undefined {
  if (!prereqsOk(sf.field.prereq, m)) return "OFPBAC_MATCH_INCONSISTENT";
  if (dst && !sf.field.writable) return "OFPBAC_BAD_SET_ARGUMENT";
  return undefined;
}

function checkOutputPort(port: number): string | undefined {
  if (port < OFPP_MAX) return undefined;
  // IN_PORT, TABLE, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL
  if (port >= 0xfff8 && port <= 0xfffe) return undefined;
  return "OFPBAC_BAD_OUT_PORT";
}

/** `learn_check`: sources against the flow's match, destinations against the learned flow's. */
function checkLearn(spec: LearnSpec, m: Match): string | undefined {
  const learned = emptyMatch();
  for (const s of spec.specs) {
    if (s.kind === "match_field" || s.kind === "load_field" || s.kind === "output") {
      const e = checkSubfield(s.src, m, false);
      if (e) return e;
    }
    if (s.kind === "match_imm" || s.kind === "match_field") {
      const e = checkSubfield(s.dst, learned, false);
      if (e) return e;
      if (s.kind === "match_imm") {
        const f = s.dst.field;
        const mask = subfieldMask(s.dst);
        const value = s.value << BigInt(s.dst.ofs);
        const cur = readField(learned.values, f), curMask = readField(learned.masks, f);
        setMatchField(learned, f, (cur & ~mask) | value, curMask | mask);
      }
    } else if (s.kind === "load_imm" || s.kind === "load_field") {
      const e = checkSubfield(s.dst, learned, true);
      if (e) return e;
    }
  }
  return undefined;
}

function checkList(actions: readonly Action[], f: CheckFlow, tableId: number, state: { inconsistent: boolean }): { error?: string; actions: Action[] } {
  const out: Action[] = [];
  let cached: Match | undefined;
  let cachedVlan = -1;
  for (const a of actions) {
    const vlanKey = (f.vlans[0] ? 1 : 0) | (f.vlans[1] ? 2 : 0);
    if (!cached || vlanKey !== cachedVlan) {
      cached = flowMatch(f);
      cachedVlan = vlanKey;
    }
    const m = cached;
    let err: string | undefined;
    let next: Action = a;
    switch (a.type) {
      case "output":
        err = checkOutputPort(a.port);
        break;
      case "output_reg":
        err = checkSubfield(a.src, m, false);
        break;
      case "resubmit":
        if (a.ct && !ctValid(m)) err = "OFPBAC_MATCH_INCONSISTENT";
        break;
      case "goto_table":
        if (a.table <= tableId || a.table >= 255) err = "OFPBIC_BAD_TABLE_ID";
        break;
      case "set_field": {
        if (a.raw === "legacy") {
          const name = a.field.legacyAction;
          if (name === "mod_nw_src" || name === "mod_nw_dst") {
            if (f.values[I.dl_type] !== ETH_IP) state.inconsistent = true;
          } else if (name === "mod_nw_tos" || name === "mod_nw_ecn" || name === "mod_nw_ttl") {
            if (!isIpAny(f)) state.inconsistent = true;
          } else if (name === "mod_tp_src" || name === "mod_tp_dst") {
            const proto = f.values[I.nw_proto]!;
            if (!isIpAny(f) || (f.values[I.nw_frag]! & 2n) !== 0n || (proto !== 6n && proto !== 17n && proto !== 132n)) {
              state.inconsistent = true;
            } else {
              const kind = proto === 6n ? "tcp" : proto === 17n ? "udp" : "sctp";
              const field = fieldByName(`${kind}_${name === "mod_tp_src" ? "src" : "dst"}`)!;
              next = { ...a, field };
            }
          } else if (name === "mod_vlan_vid" || name === "mod_vlan_pcp") {
            next = { ...a, pushVlan: !f.vlans[0] };
            f.vlans[0] = true;
          }
          break;
        }
        if (!prereqsOk(a.field.prereq, m)) {
          err = "OFPBAC_MATCH_INCONSISTENT";
          break;
        }
        if (a.field.name === "vlan_tci") f.vlans[0] = (a.value & 0x1000n) !== 0n;
        break;
      }
      case "move":
        err = checkSubfield(a.src, m, false) ?? checkSubfield(a.dst, m, true);
        break;
      case "dec_ttl":
        if (!isIpAny(f)) state.inconsistent = true;
        break;
      case "ct": {
        const ctState = f.values[I.ct_state]!;
        const proto = f.values[I.nw_proto]!;
        if (!isIpAny(f) || ((ctState & 0x10n) !== 0n && a.commit) || (a.alg === 21 && proto !== 6n) || (a.alg === 69 && proto !== 17n)) {
          err = "OFPBAC_MATCH_INCONSISTENT";
          break;
        }
        if (typeof a.zone !== "number") {
          err = checkSubfield(a.zone, m, false);
          break;
        }
        const nested: Action[] = a.nat ? [{ type: "nat", nat: a.nat }, ...a.exec] : [...a.exec];
        const r = checkList(nested, f, tableId, state);
        err = r.error;
        break;
      }
      case "nat": {
        const t = f.values[I.dl_type]!;
        if (!isIpAny(f) || (a.nat.addrMin !== undefined && (a.nat.ipv6 ? t !== ETH_IPV6 : t !== ETH_IP))) {
          err = "OFPBAC_MATCH_INCONSISTENT";
        }
        break;
      }
      case "learn":
        err = checkLearn(a.spec, m);
        break;
      case "meter":
        if (a.meter === 0 || a.meter > 0xffff0000) err = "OFPMMFC_INVALID_METER";
        break;
      case "push_vlan":
        if (f.vlans[1]) {
          err = "OFPBAC_BAD_TAG";
          break;
        }
        f.vlans = [true, f.vlans[0]];
        break;
      case "pop_vlan":
        if (!f.vlans[0]) state.inconsistent = true;
        f.vlans = [f.vlans[1], false];
        break;
      case "write_actions": {
        const r = checkList(a.actions, f, tableId, state);
        err = r.error;
        if (!err) next = { ...a, actions: r.actions };
        break;
      }
      default:
        break;
    }
    if (err) return { error: err, actions: out };
    out.push(next);
  }
  return { actions: out };
}

/**
 * OVS's `ofpacts_check` against a flow's match in table `tableId`: the
 * `actions are invalid with specified match (NAME)` errors, and whether only
 * OpenFlow 1.0 can carry the flow.
 */
export function checkActions(actions: readonly Action[], match: Match, tableId = 255): ActionCheck {
  const vlan = (match.values[I.vlan_tci]! & 0x1000n) !== 0n;
  const f: CheckFlow = { values: match.values.slice(), masks: match.masks.slice(), vlans: [vlan, false] };
  const state = { inconsistent: false };
  const r = checkList(actions, f, tableId, state);
  return { ...(r.error ? { error: r.error } : {}), inconsistent: state.inconsistent, actions: r.actions };
}

/** Protocols restricted by an inconsistent match (only OpenFlow 1.0 variants remain). */
export const INCONSISTENT_PROTOCOLS = P_OF10_ANY;
