/** Parses the `actions=` part of a flow (OVS's `ofpacts_parse`). */
import { fail, OfpError } from "./errors.ts";
import { allOnes, fieldByName, type FieldDef } from "./fields.ts";
import { keyValues, splitArgs } from "./kv.ts";
import { emptyMatch, type Match } from "./match.ts";
import { parseSubfield, prereqsOk, subfieldMask } from "./subfield.ts";
import {
  OFPP_CONTROLLER, OFPP_IN_PORT, OFPP_MAX, parseFieldValue, parseIpv4, parseIpv6, parsePortNumber, parseUint,
  type PortResolver,
} from "./values.ts";
import { NO_TABLE, type Action, type LearnFieldSpec, type LearnSpec, type NatSpec, type Subfield } from "./actions.ts";

export interface ActionParseContext {
  readonly ports?: PortResolver;
}

/** An action with the offset of its text inside the actions string. */
export interface ParsedActions {
  readonly actions: Action[];
  /** Offsets (in the actions string) of each action's text, for error positions. */
  readonly offsets: number[];
}

function parsePort(text: string, ctx: ActionParseContext): number | undefined {
  return ctx.ports?.parse(text) ?? parsePortNumber(text);
}

function parseTable(text: string, what: "goto" | "resubmit" | "ct" | "learn"): number {
  const n = parseUint(text);
  if (n === undefined || n > 255n) {
    if (what === "resubmit") fail(`${text}: resubmit to unknown table`);
    fail(`unknown table "${text}"`);
  }
  return Number(n);
}

function parseU16(text: string, what: string): number {
  const n = parseUint(text);
  if (n === undefined || n > 0xffffn) fail(`invalid ${what} "${text}"`);
  return Number(n);
}

function parseU32(text: string, what: string): number {
  const n = parseUint(text);
  if (n === undefined || n > 0xffffffffn) fail(`invalid ${what} "${text}"`);
  return Number(n);
}

/** `load:VALUE->DST`. */
function parseLoad(arg: string): Action {
  const arrow = arg.indexOf("->");
  if (arrow < 0) fail(`${arg}: missing \`->' following value`);
  const valueText = arg.slice(0, arrow);
  const dst = parseSubfield(arg.slice(arrow + 2));
  const value = parseUint(valueText);
  if (value === undefined) fail(`${arg}: bad syntax for load value`);
  if (value > allOnes(dst.nBits)) fail(`${arg}: value ${valueText} does not fit into ${dst.nBits} bits`);
  if (!dst.field.writable) fail(`${arg}: destination field ${dst.field.name} is not writable`);
  return {
    type: "set_field",
    field: dst.field,
    value: value << BigInt(dst.ofs),
    mask: subfieldMask(dst),
    raw: "load",
  };
}

/** `set_field:VALUE[/MASK]->FIELD`. */
function parseSetField(arg: string, ctx: ActionParseContext): Action {
  const arrow = arg.lastIndexOf("->");
  if (arrow < 0) fail(`${arg}: missing \`->'`);
  const fieldName = arg.slice(arrow + 2);
  const f = fieldByName(fieldName);
  if (!f) fail(`${fieldName} is not a valid OXM field name`);
  if (!f.writable) fail(`${fieldName} is read-only`);
  const { value, mask } = parseFieldValue(f, arg.slice(0, arrow), ctx.ports);
  if (mask !== allOnes(f.bits) && !f.maskable) fail(`${fieldName} does not support masking`);
  return { type: "set_field", field: f, value, mask, raw: "set_field" };
}

function legacySetField(name: string, arg: string, fieldName: string, ctx: ActionParseContext): Action {
  const f = fieldByName(fieldName)!;
  let value: bigint;
  if (f.format === "mac") {
    const v = parseFieldValue(f, arg, ctx.ports);
    if (v.mask !== allOnes(48)) fail(`invalid mac address ${arg}`);
    value = v.value;
  } else if (f.format === "ipv4") {
    const v = parseIpv4(arg);
    if (v === undefined) fail(`${arg}: invalid IP address`);
    value = v;
  } else {
    const v = parseUint(arg);
    if (v === undefined || v > allOnes(f.bits)) fail(`${arg}: invalid ${name} argument`);
    value = v;
  }
  if (name === "mod_nw_tos") {
    if (value & 3n) fail(`${arg}: not a valid TOS`);
  }
  return { type: "set_field", field: f, value, mask: allOnes(f.bits), raw: "legacy" };
}

function parseMove(arg: string): Action {
  const arrow = arg.indexOf("->");
  if (arrow < 0) fail(`${arg}: missing \`->' following source`);
  const src = parseSubfield(arg.slice(0, arrow));
  const dst = parseSubfield(arg.slice(arrow + 2));
  if (src.nBits !== dst.nBits) {
    fail(`${arg}: source field is ${src.nBits} bits wide but destination is ${dst.nBits} bits wide`);
  }
  if (!dst.field.writable) fail(`${arg}: destination field ${dst.field.name} is not writable`);
  return { type: "move", src, dst };
}

function parseOutput(arg: string, ctx: ActionParseContext): Action {
  if (arg.includes("[")) {
    return { type: "output_reg", src: parseSubfield(arg), maxLen: 0xffff };
  }
  if (arg.startsWith("port=") || arg.includes("max_len=")) {
    let port: number | undefined;
    let maxLen: number | undefined;
    for (const kv of splitArgs(arg)) {
      if (kv.key === "port") port = parsePort(kv.value, ctx);
      else if (kv.key === "max_len") maxLen = parseU16(kv.value, "max_len");
      else fail(`invalid key '${kv.key}' in output_trunc argument`);
    }
    if (port === undefined) fail(`${arg}: output to unknown port`);
    return maxLen === undefined ? { type: "output", port } : { type: "output", port, maxLen };
  }
  const port = parsePort(arg, ctx);
  if (port === undefined) fail(`${arg}: output to unknown port`);
  if (port === OFPP_CONTROLLER) return { type: "controller", maxLen: 0xffff };
  return { type: "output", port };
}

function parseController(arg: string): Action {
  if (arg === "") return { type: "controller", maxLen: 0xffff };
  if (/^\d+$/.test(arg)) return { type: "controller", maxLen: parseU16(arg, "max_len") };
  let maxLen = 0xffff;
  let reason: string | undefined;
  let controllerId: number | undefined;
  let userdata: number[] | undefined;
  let pause = false;
  let meterId: number | undefined;
  for (const kv of splitArgs(arg)) {
    switch (kv.key) {
      case "reason":
        if (!["action", "no_match", "invalid_ttl", "action_set", "group", "packet_out"].includes(kv.value)) {
          fail(`unknown reason "${kv.value}"`);
        }
        if (kv.value !== "action") reason = kv.value;
        break;
      case "max_len": maxLen = parseU16(kv.value, "max_len"); break;
      case "id": controllerId = parseU16(kv.value, "controller id"); break;
      case "userdata": userdata = parseHexBytes(kv.value); break;
      case "pause": pause = true; break;
      case "meter_id": meterId = parseU32(kv.value, "meter_id"); break;
      default: fail(`${kv.key}: unknown controller action argument`);
    }
  }
  return {
    type: "controller",
    maxLen,
    ...(reason ? { reason } : {}),
    ...(controllerId ? { controllerId } : {}),
    ...(userdata ? { userdata } : {}),
    ...(pause ? { pause } : {}),
    ...(meterId !== undefined ? { meterId } : {}),
  };
}

function parseHexBytes(text: string): number[] {
  const clean = text.replace(/\./g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) fail(`bad hex digit in \`${text}'`);
  const out: number[] = [];
  for (let i = 0; i < clean.length; i += 2) out.push(parseInt(clean.slice(i, i + 2), 16));
  return out;
}

function parseResubmit(arg: string, paren: boolean, ctx: ActionParseContext): Action {
  if (!paren) {
    const port = parsePort(arg, ctx);
    if (port === undefined) fail(`${arg}: resubmit to unknown port`);
    return { type: "resubmit", port, table: NO_TABLE, ct: false };
  }
  const parts = arg.split(",");
  if (parts.length > 3) fail(`${arg}: too many arguments to resubmit`);
  const portText = (parts[0] ?? "").trim();
  const tableText = (parts[1] ?? "").trim();
  const ctText = (parts[2] ?? "").trim();
  let port = OFPP_IN_PORT;
  if (portText) {
    const p = parsePort(portText, ctx);
    if (p === undefined) fail(`${portText}: resubmit to unknown port`);
    port = p;
  }
  const table = tableText ? parseTable(tableText, "resubmit") : NO_TABLE;
  if (ctText && ctText !== "ct") fail(`${ctText}: unknown resubmit option`);
  if (port === OFPP_IN_PORT && table === NO_TABLE) {
    fail('at least one "in_port" or "table" must be specified  on resubmit');
  }
  return { type: "resubmit", port, table, ct: ctText === "ct" };
}

function parseNat(arg: string): NatSpec {
  if (arg === "") return { kind: undefined };
  let kind: "src" | "dst" | undefined;
  let nat: NatSpec = { kind: undefined };
  for (const kv of splitArgs(arg)) {
    if (kv.key === "src" || kv.key === "dst") {
      if (kind) fail(`invalid key "${kv.key}" in "nat" argument`);
      kind = kv.key;
      nat = { ...nat, kind, ...(kv.value ? parseNatRange(kv.value) : {}) };
    } else if (kv.key === "persistent" || kv.key === "hash" || kv.key === "random") {
      nat = { ...nat, [kv.key]: true };
    } else {
      fail(`invalid key "${kv.key}" in "nat" argument`);
    }
  }
  if (nat.hash && nat.random) fail(`Both "hash" and "random" are specified for ct action.`);
  if (!kind && (nat.persistent || nat.hash || nat.random)) fail(`Flags allowed only with "src" or "dst".`);
  return nat;
}

function parseNatRange(text: string): Partial<NatSpec> {
  let addrPart = text;
  let portPart: string | undefined;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    addrPart = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest.startsWith(":")) portPart = rest.slice(1);
  } else if (!text.includes("::")) {
    const colon = text.indexOf(":");
    if (colon >= 0) {
      addrPart = text.slice(0, colon);
      portPart = text.slice(colon + 1);
    }
  }
  const [minText, maxText] = addrPart.split("-") as [string, string | undefined];
  const v4min = parseIpv4(minText);
  const out: { addrMin?: bigint; addrMax?: bigint; ipv6?: boolean; portMin?: number; portMax?: number } = {};
  if (v4min !== undefined) {
    out.addrMin = v4min;
    if (maxText !== undefined) {
      const v4max = parseIpv4(maxText);
      if (v4max === undefined) fail(`${text}: invalid IP address`);
      out.addrMax = v4max;
    }
  } else {
    const v6min = parseIpv6(minText);
    if (v6min === undefined) fail(`${text}: invalid IP address`);
    out.addrMin = v6min;
    out.ipv6 = true;
    if (maxText !== undefined) {
      const v6max = parseIpv6(maxText);
      if (v6max === undefined) fail(`${text}: invalid IP address`);
      out.addrMax = v6max;
    }
  }
  if (portPart !== undefined) {
    const [pmin, pmax] = portPart.split("-") as [string, string | undefined];
    out.portMin = parseU16(pmin, "port");
    if (pmax !== undefined) out.portMax = parseU16(pmax, "port");
  }
  return out;
}

const CT_NESTED_OK = new Set(["set_field", "load"]);

function parseCt(arg: string, ctx: ActionParseContext): Action {
  let commit = false, force = false;
  let table: number | undefined;
  let zone: number | Subfield = 0;
  let alg: number | undefined;
  let nat: NatSpec | undefined;
  let exec: Action[] = [];
  for (const kv of splitArgs(arg)) {
    switch (kv.key) {
      case "commit": commit = true; break;
      case "force": force = true; break;
      case "table": table = parseTable(kv.value, "ct"); break;
      case "zone": {
        const n = parseUint(kv.value);
        if (n !== undefined && n <= 0xffffn) zone = Number(n);
        else {
          const sf = parseSubfield(kv.value);
          if (sf.nBits !== 16) fail(`zone field must be 16 bits wide`);
          zone = sf;
        }
        break;
      }
      case "alg":
        if (kv.value === "ftp") alg = 21;
        else if (kv.value === "tftp") alg = 69;
        else alg = parseU16(kv.value, "alg");
        break;
      case "nat":
        if (nat) fail(`Only one nat action allowed.`);
        nat = parseNat(kv.value);
        break;
      case "exec": {
        const nested = parseActionList(kv.value, ctx).actions;
        for (const a of nested) {
          if (a.type !== "set_field") fail(`ct action doesn't support nested action ${actionName(a)}`);
          if (a.field.name !== "ct_mark" && a.field.name !== "ct_label") {
            fail(`ct action doesn't support nested modification of ${a.field.name}`);
          }
        }
        exec = nested;
        break;
      }
      default:
        fail(`invalid argument to "ct" action: \`${kv.key}'`);
    }
  }
  if (force && !commit) fail(`"force" flag requires "commit" flag.`);
  return {
    type: "ct",
    commit,
    force,
    ...(table !== undefined ? { table } : {}),
    zone,
    ...(alg !== undefined ? { alg } : {}),
    ...(nat ? { nat } : {}),
    exec,
  };
}

function actionName(a: Action): string {
  switch (a.type) {
    case "output": case "output_reg": return "output";
    case "set_field": return a.raw === "load" ? "load" : "set_field";
    default: return a.type;
  }
}
void CT_NESTED_OK;

function parseConjunction(arg: string): Action {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(arg);
  if (!m) fail(`"conjunction" syntax is "conjunction(id,i/n)"`);
  const id = Number(m[1]), k = Number(m[2]), n = Number(m[3]);
  if (n < 2) fail(`conjunction must have at least 2 clauses`);
  if (n > 64) fail(`conjunction must have at most 64 clauses`);
  if (k < 1) fail(`clause index must be positive`);
  if (k > n) fail(`clause index must be less than or equal to number of clauses`);
  if (id > 0xffffffff) fail(`invalid conjunction id "${m[1]}"`);
  return { type: "conjunction", id, clause: k, nClauses: n };
}

function parseDecTtl(arg: string, paren: boolean): Action {
  if (!paren) return { type: "dec_ttl" };
  const ids = arg.split(",").map((s) => parseU16(s.trim(), "controller id"));
  if (ids.length === 0) fail(`dec_ttl_cnt_ids: expected at least one controller id.`);
  return { type: "dec_ttl", ids };
}

function parseLearn(arg: string, ctx: ActionParseContext): Action {
  const spec: {
    table: number; idleTimeout: number; hardTimeout: number; finIdleTimeout: number; finHardTimeout: number;
    priority: number; cookie: bigint; sendFlowRem: boolean; deleteLearned: boolean; limit: number;
    specs: LearnFieldSpec[];
  } = {
    table: 1, idleTimeout: 0, hardTimeout: 0, finIdleTimeout: 0, finHardTimeout: 0, priority: 32768,
    cookie: 0n, sendFlowRem: false, deleteLearned: false, limit: 0, specs: [],
  };
  // The learned flow's match so far, for prerequisite checks of later specs.
  const learned = emptyMatch();
  for (const kv of splitArgs(arg)) {
    const text = arg.slice(kv.start, kv.end);
    switch (kv.key) {
      case "table": spec.table = parseTable(kv.value, "learn"); continue;
      case "priority": spec.priority = parseU16(kv.value, "priority"); continue;
      case "idle_timeout": spec.idleTimeout = parseU16(kv.value, "idle_timeout"); continue;
      case "hard_timeout": spec.hardTimeout = parseU16(kv.value, "hard_timeout"); continue;
      case "fin_idle_timeout": spec.finIdleTimeout = parseU16(kv.value, "fin_idle_timeout"); continue;
      case "fin_hard_timeout": spec.finHardTimeout = parseU16(kv.value, "fin_hard_timeout"); continue;
      case "cookie": {
        const c = parseUint(kv.value);
        if (c === undefined) fail(`invalid numeric format ${kv.value}`);
        spec.cookie = c;
        continue;
      }
      case "send_flow_rem": spec.sendFlowRem = true; continue;
      case "delete_learned": spec.deleteLearned = true; continue;
      case "limit": spec.limit = parseU32(kv.value, "limit"); continue;
    }
    if (kv.key === "load") {
      const arrow = kv.value.indexOf("->");
      if (arrow < 0) fail(`${text}: missing \`->' following value`);
      const srcText = kv.value.slice(0, arrow);
      const dst = parseSubfield(kv.value.slice(arrow + 2));
      const imm = parseUint(srcText);
      if (imm !== undefined) {
        if (imm > allOnes(dst.nBits)) fail(`${text}: value ${srcText} does not fit into ${dst.nBits} bits`);
        spec.specs.push({ kind: "load_imm", dst, value: imm });
      } else {
        const src = parseSubfield(srcText);
        if (src.nBits !== dst.nBits) fail(`${text}: bit widths of source and destination differ`);
        spec.specs.push({ kind: "load_field", dst, src });
      }
      continue;
    }
    if (kv.key === "output") {
      spec.specs.push({ kind: "output", src: parseSubfield(kv.value) });
      continue;
    }
    // A match spec: FIELD=VALUE, SUBFIELD=SUBFIELD, SUBFIELD=NUMBER or SUBFIELD.
    const eq = text.indexOf("=");
    const lhs = eq < 0 ? text : text.slice(0, eq);
    const rhs = eq < 0 ? undefined : text.slice(eq + 1);
    const plain = fieldByName(lhs);
    if (rhs !== undefined && plain && !lhs.includes("[")) {
      const { value } = parseFieldValue(plain, rhs, ctx.ports);
      if (!prereqsOk(plain.prereq, learned)) fail(`${text}: cannot specify ${plain.name} without its prerequisites`);
      spec.specs.push({ kind: "match_imm", dst: { field: plain, ofs: 0, nBits: plain.bits }, value, wholeFieldSyntax: true });
      setLearnedMatch(learned, plain, value);
      continue;
    }
    const dst = parseSubfield(lhs);
    if (rhs === undefined) {
      spec.specs.push({ kind: "match_field", dst, src: dst, sameField: true });
      continue;
    }
    const imm = parseUint(rhs);
    if (imm !== undefined) {
      if (imm > allOnes(dst.nBits)) fail(`${text}: value ${rhs} does not fit into ${dst.nBits} bits`);
      spec.specs.push({ kind: "match_imm", dst, value: imm, wholeFieldSyntax: false });
      continue;
    }
    const src = parseSubfield(rhs);
    if (src.nBits !== dst.nBits) fail(`${text}: bit widths of source and destination differ`);
    spec.specs.push({ kind: "match_field", dst, src, sameField: src.field === dst.field && src.ofs === dst.ofs });
  }
  const learn: LearnSpec = spec;
  return { type: "learn", spec: learn };
}

function setLearnedMatch(m: { values: bigint[]; masks: bigint[] }, f: FieldDef, value: bigint): void {
  for (const s of f.slots) {
    m.masks[s] = allOnes(64) & ~0n;
  }
  // Only dl_type and nw_proto matter for prerequisite checks of later specs.
  if (f.name === "eth_type") { m.values[f.slots[0]!] = value; m.masks[f.slots[0]!] = 0xffffn; }
  if (f.name === "nw_proto") { m.values[f.slots[0]!] = value; m.masks[f.slots[0]!] = 0xffn; }
}

/** Parses one action item. */
function parseOne(key: string, value: string, paren: boolean, ctx: ActionParseContext): Action | "drop" {
  switch (key) {
    case "drop": return "drop";
    case "output": return parseOutput(value, ctx);
    case "controller": case "CONTROLLER": return parseController(value);
    case "resubmit": return parseResubmit(value, paren, ctx);
    case "goto_table": return { type: "goto_table", table: parseTable(value, "goto") };
    case "load": return parseLoad(value);
    case "set_field": return parseSetField(value, ctx);
    case "move": return parseMove(value);
    case "mod_dl_src": return legacySetField(key, value, "eth_src", ctx);
    case "mod_dl_dst": return legacySetField(key, value, "eth_dst", ctx);
    case "mod_nw_src": return legacySetField(key, value, "ip_src", ctx);
    case "mod_nw_dst": return legacySetField(key, value, "ip_dst", ctx);
    case "mod_nw_tos": return legacySetField(key, value, "nw_tos", ctx);
    case "mod_nw_ecn": return legacySetField(key, value, "nw_ecn", ctx);
    case "mod_tp_src": return legacySetField(key, value, "tcp_src", ctx);
    case "mod_tp_dst": return legacySetField(key, value, "tcp_dst", ctx);
    case "mod_vlan_vid": return legacySetField(key, value, "dl_vlan", ctx);
    case "mod_vlan_pcp": return legacySetField(key, value, "dl_vlan_pcp", ctx);
    case "dec_ttl": return parseDecTtl(value, paren);
    case "ct": return parseCt(value, ctx);
    case "ct_clear": return { type: "ct_clear" };
    case "conjunction": return parseConjunction(value);
    case "learn": return parseLearn(value, ctx);
    case "group": return { type: "group", group: parseU32(value, "group id") };
    case "meter": return { type: "meter", meter: parseU32(value, "meter") };
    case "note": return { type: "note", bytes: parseHexBytes(value) };
    case "push_vlan": {
      const t = parseUint(value);
      if (t !== 0x8100n && t !== 0x88a8n) fail(`${value}: not a valid VLAN ethertype`);
      return { type: "push_vlan", ethertype: Number(t) };
    }
    case "pop_vlan": return { type: "pop_vlan", raw: "pop_vlan" };
    case "strip_vlan": return { type: "pop_vlan", raw: "strip_vlan" };
    case "clear_actions": return { type: "clear_actions" };
    case "write_metadata": {
      const [v, m] = value.split("/") as [string, string | undefined];
      const vv = parseUint(v);
      const mm = m === undefined ? allOnes(64) : parseUint(m);
      if (vv === undefined || mm === undefined) fail(`invalid numeric format ${value}`);
      return { type: "write_metadata", value: vv, mask: mm };
    }
    case "write_actions": return { type: "write_actions", actions: parseActionList(value, ctx).actions };
  }
  if (value === "" && !paren) {
    const port = parsePort(key, ctx);
    if (port !== undefined) {
      if (port === OFPP_CONTROLLER) return { type: "controller", maxLen: 0xffff };
      return { type: "output", port };
    }
  }
  if (key === "CONTROLLER" || key.toUpperCase() === "CONTROLLER") return parseController(value);
  fail(`unknown action ${key}`);
}

const INSTRUCTION_ORDER = ["meter", "apply_actions", "clear_actions", "write_actions", "write_metadata", "goto_table"];

function instructionOf(a: Action): string {
  switch (a.type) {
    case "meter": case "clear_actions": case "write_actions": case "write_metadata": case "goto_table": return a.type;
    default: return "apply_actions";
  }
}

/** Parses an action list (the value of `actions=`, or the inside of `exec(...)`). */
export function parseActionList(text: string, ctx: ActionParseContext = {}): ParsedActions {
  const actions: Action[] = [];
  const offsets: number[] = [];
  let sawDrop = false;
  let lastInstr = -1;
  for (const kv of keyValues(text)) {
    const paren = text[kv.valueStart - 1] === "(" && kv.value !== "" ? true : text[kv.start + kv.key.length] === "(";
    let a: Action | "drop";
    try {
      a = parseOne(kv.key, kv.value, paren, ctx);
    } catch (e) {
      if (e instanceof OfpError) throw new OfpError(e.message, { line: 1, column: kv.start + 1, length: kv.end - kv.start });
      throw e;
    }
    if (a === "drop") {
      sawDrop = true;
      continue;
    }
    const instr = INSTRUCTION_ORDER.indexOf(instructionOf(a));
    if (instr < lastInstr) {
      throw new OfpError(
        `invalid instruction ordering: ${INSTRUCTION_ORDER[instr]} must appear before ${INSTRUCTION_ORDER[lastInstr]}, for OpenFlow 1.1+ compatibility`,
        { line: 1, column: kv.start + 1, length: kv.end - kv.start },
      );
    }
    if (instr === lastInstr && instr !== 1) {
      throw new OfpError(`instruction ${INSTRUCTION_ORDER[instr]} may be specified only once`, {
        line: 1, column: kv.start + 1, length: kv.end - kv.start,
      });
    }
    lastInstr = instr;
    actions.push(a);
    offsets.push(kv.start);
  }
  if (sawDrop && actions.length) fail(`"drop" must not be accompanied by any other action or instruction`);
  return { actions, offsets };
}

/**
 * OVS's `ofpacts_check`: verifies actions against the flow's match. Returns
 * an error message, "OF10_ONLY" when only OpenFlow 1.0 can carry the flow
 * (OVS's `inconsistent_match`), or undefined when the actions are fine.
 */
export function checkActions(actions: readonly Action[], match: Match): string | "OF10_ONLY" | undefined {
  let of10Only = false;
  const inconsistent = "actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT)";
  const dlOk = (p: "ip" | "ip_any") => prereqsOk(p, match);
  for (const a of actions) {
    switch (a.type) {
      case "set_field":
        if (a.raw === "legacy") {
          const n = a.field.name;
          if (n === "ip_src" || n === "ip_dst") { if (!dlOk("ip")) of10Only = true; }
          else if (n === "nw_tos" || n === "nw_ecn") { if (!dlOk("ip_any")) of10Only = true; }
          else if (n === "tcp_src" || n === "tcp_dst") {
            if (!(prereqsOk("tcp", match) || prereqsOk("udp", match) || prereqsOk("sctp", match))) of10Only = true;
          }
          break;
        }
        if (!prereqsOk(a.field.prereq, match)) return inconsistent;
        break;
      case "move":
        if (!prereqsOk(a.src.field.prereq, match) || !prereqsOk(a.dst.field.prereq, match)) return inconsistent;
        break;
      case "output_reg":
        if (!prereqsOk(a.src.field.prereq, match)) return inconsistent;
        break;
      case "dec_ttl":
        if (!dlOk("ip_any")) of10Only = true;
        break;
      case "ct": {
        if (!dlOk("ip_any")) return inconsistent;
        if (typeof a.zone !== "number" && !prereqsOk(a.zone.field.prereq, match)) return inconsistent;
        const r = checkActions(a.exec, match);
        if (r && r !== "OF10_ONLY") return r;
        break;
      }
      case "learn":
        for (const s of a.spec.specs) {
          if ((s.kind === "match_field" || s.kind === "load_field" || s.kind === "output") && !prereqsOk(s.src.field.prereq, match)) {
            return inconsistent;
          }
        }
        break;
      case "write_actions": {
        const r = checkActions(a.actions, match);
        if (r && r !== "OF10_ONLY") return r;
        break;
      }
      case "output":
        if (a.port >= OFPP_MAX && a.port < 0xfff7) return `output to unknown port`;
        break;
      default:
        break;
    }
  }
  return of10Only ? "OF10_ONLY" : undefined;
}
