// Generators for the trace conformance test: realistic packets for the lab
// bridge (ovs-formats.md §4 ports and address ranges) and random small flow
// sets that exercise resubmit loops, conjunctions, ct recirculation, etc.
import fc from "fast-check";

export interface TraceCase {
  readonly flow: string;
  readonly ctNext: readonly string[];
  readonly names: boolean;
}

const POD_MACS = ["be:2c:bf:e4:ec:c5", "f2:32:d8:07:e2:a6", "6a:88:6d:f3:d8:a4", "4e:99:08:c1:53:be",
  "aa:bb:cc:dd:ee:ff", "02:d8:4e:3f:92:1d", "ff:ff:ff:ff:ff:ff", "01:80:c2:00:00:00", "00:00:00:00:00:01"];
const IPS = ["10.222.1.1", "10.222.1.2", "10.222.1.47", "10.222.1.48", "10.222.1.99", "10.222.2.1", "10.222.2.34",
  "10.222.2.5", "10.104.65.133", "10.96.0.10", "10.79.1.201", "10.79.1.202", "8.8.8.8", "0.0.0.0"];
const CT_STATES = ["trk,new", "trk,est", "trk,est,rpl", "trk,inv", "trk,rel", "trk,new,dnat", "est,trk", "new"];

const mac = fc.oneof(fc.constantFrom(...POD_MACS), fc.integer({ min: 0, max: 0xffffff }).map((n) =>
  `02:00:00:${((n >> 16) & 255).toString(16).padStart(2, "0")}:${((n >> 8) & 255).toString(16).padStart(2, "0")}:${(n & 255).toString(16).padStart(2, "0")}`));
const ip = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...IPS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("10.222.1.", "10.222.2.", "10.96.0.", "10.104.65."), fc.integer({ min: 0, max: 255 })).map(([a, b]) => a + b) });
const port16 = fc.oneof(fc.constantFrom(80, 53, 8080, 443, 34567, 40000, 0), fc.integer({ min: 1, max: 65535 }));
const ttl = fc.constantFrom(0, 1, 2, 63, 64, 255);
const tcpFlags = fc.constantFrom("syn", "syn|ack", "ack", "0", "rst", "fin|ack", "psh|ack");

function opt<T>(a: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> {
  return fc.option(a, { freq, nil: undefined });
}

/** A packet of the lab pipeline, in ofproto/trace flow syntax, with --ct-next states. */
export function labPacket(inPorts: readonly number[] = [1, 2, 3, 48, 49]): fc.Arbitrary<TraceCase> {
  return fc.record({
    inPort: fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...inPorts) }, { weight: 1, arbitrary: fc.constantFrom(0, 7) }),
    kind: fc.constantFrom("tcp", "tcp", "tcp", "udp", "icmp", "arp", "ip"),
    dlSrc: mac, dlDst: mac, src: ip, dst: ip, ttl: opt(ttl, 1), sport: port16, dport: port16,
    flags: opt(tcpFlags, 1), arpOp: fc.constantFrom(1, 2, 3), tunSrc: opt(ip, 1), tunDst: opt(ip, 1),
    tunId: opt(fc.constantFrom(0, 5), 3), icmpType: fc.constantFrom(0, 3, 8, 11), proto: fc.constantFrom(0, 2, 47, 89),
    tos: opt(fc.constantFrom(0, 4, 16, 184), 4), ecn: opt(fc.constantFrom(1, 2, 3), 5),
    ctNext: fc.array(fc.constantFrom(...CT_STATES), { maxLength: 3 }),
    reg: opt(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom(1, 2, 0x30, 0x10000, 0xffff)), 6),
    namesFlag: fc.integer({ min: 0, max: 9 }),
    ct: opt(fc.constantFrom("ct_state=trk", "ct_state=est|trk,ct_zone=65520,ct_mark=0x20", "ct_state=new|trk", "ct_state=inv|trk",
      "ct_state=est|rpl|trk,ct_nw_proto=6,ct_nw_src=10.222.1.48,ct_nw_dst=10.104.65.133,ct_tp_src=34567,ct_tp_dst=80", "ct_state=est"), 8),
  }).map((r) => {
    const parts: string[] = [];
    if (r.inPort) parts.push(`in_port=${r.inPort}`);
    if (r.inPort === 1) {
      if (r.tunId !== undefined) parts.push(`tun_id=${r.tunId}`);
      parts.push(`tun_src=${r.tunSrc ?? "10.79.1.202"}`, `tun_dst=${r.tunDst ?? "10.79.1.201"}`);
    }
    parts.push(r.kind);
    if (r.reg) parts.push(`reg${r.reg[0]}=${r.reg[1]}`);
    if (r.ct && r.kind !== "arp") parts.push(r.ct);
    parts.push(`dl_src=${r.dlSrc}`, `dl_dst=${r.dlDst}`);
    if (r.kind === "arp") {
      parts.push(`arp_op=${r.arpOp}`, `arp_spa=${r.src}`, `arp_tpa=${r.dst}`, `arp_sha=${r.dlSrc}`);
    } else {
      parts.push(`nw_src=${r.src}`, `nw_dst=${r.dst}`);
      if (r.ttl !== undefined) parts.push(`nw_ttl=${r.ttl}`);
      if (r.tos) parts.push(`nw_tos=${r.tos}`);
      if (r.ecn) parts.push(`nw_ecn=${r.ecn}`);
      if (r.kind === "tcp") {
        parts.push(`tp_src=${r.sport}`, `tp_dst=${r.dport}`);
        if (r.flags) parts.push(`tcp_flags=${r.flags}`);
      } else if (r.kind === "udp") {
        parts.push(`udp_src=${r.sport}`, `udp_dst=${r.dport}`);
      } else if (r.kind === "icmp") {
        parts.push(`icmp_type=${r.icmpType}`, `icmp_code=0`);
      } else if (r.kind === "ip" && r.proto) {
        parts.push(`nw_proto=${r.proto}`);
      }
    }
    return { flow: parts.join(","), ctNext: r.ctNext, names: r.namesFlag === 0 };
  });
}

// ---------------------------------------------------------------------------
// Random flow sets

export interface FlowSet {
  readonly text: string;
  /** Groups 1-4 (`add-groups` syntax, OpenFlow 1.5), which the flows may use. */
  readonly groups: string;
  readonly tables: readonly number[];
}

const REG_RANGES = ["[]", "[0..15]", "[16..31]", "[0..7]", "[5]", "[8..23]"];

function matchArb(table: number): fc.Arbitrary<{ text: string; ip: boolean; tcp: boolean }> {
  return fc.record({
    proto: fc.constantFrom("", "", "ip", "ip", "tcp", "udp", "arp"),
    inPort: opt(fc.constantFrom(1, 2, 3, 48, 49), 3),
    nwSrc: opt(fc.constantFrom("10.222.1.48", "10.222.1.0/24", "10.222.0.0/16", "10.96.0.0/12", "10.222.1.47"), 3),
    nwDst: opt(fc.constantFrom("10.222.1.47", "10.222.2.0/24", "10.96.0.0/12", "10.104.65.133"), 3),
    tpDst: opt(fc.constantFrom(80, 53, 8080), 3),
    reg: opt(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom("0x1", "0x2", "0x1/0xffff", "0x10000/0x10000", "0")), 3),
    ctState: opt(fc.constantFrom("+trk", "-trk", "+new+trk", "-new+est+trk", "+est", "+rpl+trk", "-inv+trk"), 4),
    dlDst: opt(fc.constantFrom(...POD_MACS.slice(0, 5)), 4),
    ttl: opt(fc.constantFrom(1, 64), 8),
  }).map((m) => {
    const parts: string[] = [];
    if (m.proto) parts.push(m.proto);
    if (m.inPort !== undefined) parts.push(`in_port=${m.inPort}`);
    if (m.dlDst) parts.push(`dl_dst=${m.dlDst}`);
    const ipish = m.proto === "ip" || m.proto === "tcp" || m.proto === "udp";
    if (ipish && m.nwSrc) parts.push(`nw_src=${m.nwSrc}`);
    if (ipish && m.nwDst) parts.push(`nw_dst=${m.nwDst}`);
    if (m.proto === "arp" && m.nwDst) parts.push(`arp_tpa=${m.nwDst}`);
    if ((m.proto === "tcp" || m.proto === "udp") && m.tpDst !== undefined) parts.push(`tp_dst=${m.tpDst}`);
    if (ipish && m.ttl !== undefined) parts.push(`nw_ttl=${m.ttl}`);
    if (m.reg) parts.push(`reg${m.reg[0]}=${m.reg[1]}`);
    if (m.ctState) parts.push(`ct_state=${m.ctState}`);
    void table;
    return { text: parts.join(","), ip: ipish, tcp: m.proto === "tcp" };
  });
}

function actionArb(table: number, tables: readonly number[], ip: boolean, tcp: boolean, actionSet = false): fc.Arbitrary<string> {
  const later = tables.filter((t) => t > table);
  const anyTable = fc.constantFrom(...tables);
  const reg = fc.integer({ min: 0, max: 7 });
  const choices: fc.Arbitrary<string>[] = [
    anyTable.map((t) => `resubmit(,${t})`),
    anyTable.map((t) => `resubmit(,${t})`),
    fc.tuple(fc.constantFrom(2, 3, 48), anyTable).map(([p, t]) => `resubmit(${p},${t})`),
    fc.tuple(fc.constantFrom("0x1", "0x2", "0x30", "0xa4f01ca", "0"), reg, fc.constantFrom("[]", "[0..15]", "[16]")).map(([v, r, rg]) =>
      `load:${rg === "[16]" ? "0x1" : rg === "[0..15]" && v === "0xa4f01ca" ? "0xffff" : v}->NXM_NX_REG${r}${rg}`),
    fc.tuple(fc.constantFrom("0x5", "0x30", "0x1/0xff"), reg).map(([v, r]) => `set_field:${v}->reg${r}`),
    fc.tuple(reg, reg, fc.constantFrom(...REG_RANGES.slice(1, 4))).map(([a, b, rg]) => `move:NXM_NX_REG${a}${rg}->NXM_NX_REG${b}${rg}`),
    fc.constantFrom("move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]", "move:NXM_OF_IN_PORT[]->NXM_NX_REG1[0..15]",
      "move:NXM_NX_REG1[0..15]->NXM_OF_IN_PORT[]", "set_field:aa:bb:cc:dd:ee:ff->eth_dst", "mod_dl_src:4e:99:08:c1:53:be"),
    fc.constantFrom(1, 2, 3, 48, 49, 5).map((p) => `output:${p}`),
    reg.map((r) => `output:NXM_NX_REG${r}[0..15]`),
    fc.constantFrom("NORMAL", "IN_PORT", "drop", "note:01.02", "CONTROLLER:64", "LOCAL", "FLOOD", "ALL", "output:CONTROLLER",
      "load:0xa4f01ca->NXM_NX_TUN_IPV4_DST[]", "set_field:10.79.1.202->tun_dst", "write_metadata:0x5/0xff",
      "push_vlan:0x8100", "controller(reason=no_match,max_len=10)", "set_field:0x7->pkt_mark",
      "learn(table=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_REG0[]->NXM_NX_REG1[],output:NXM_OF_IN_PORT[])",
      "group:1", "group:2", "group:3", "group:4"),
  ];
  if (later.length) choices.push(fc.constantFrom(...later).map((t) => `goto_table:${t}`));
  if (actionSet) {
    choices.push(fc.constantFrom("write_actions(output:2)", "write_actions(set_field:0x9->reg4,output:48)", "clear_actions",
      "write_actions(group:1)", "write_actions(resubmit(,0))"));
  }
  if (ip) {
    // ct with a recirculation table only in ctFlow() (guarded against endless recirculation).
    choices.push(fc.constantFrom("ct(commit)", "ct(commit,zone=5,exec(load:0x7->NXM_NX_CT_MARK[]))", "ct_clear", "dec_ttl",
      "dec_ttl", "mod_nw_dst:10.222.1.47", "set_field:10.222.1.1->ip_src"));
  }
  if (tcp) choices.push(fc.constantFrom("mod_tp_dst:8080", "move:NXM_OF_TCP_SRC[]->NXM_OF_TCP_DST[]"));
  return fc.oneof(...choices);
}

const INSTR = ["meter", "apply", "clear_actions", "write_actions", "write_metadata", "goto_table"];
function instrOf(a: string): number {
  const k = /^[a-z_]+/.exec(a)?.[0] ?? "";
  const i = INSTR.indexOf(k);
  return i < 0 ? 1 : i;
}

/** Puts actions in OpenFlow instruction order, each instruction (but apply-actions) once; `drop` alone. */
export function orderInstructions(acts: readonly string[]): string {
  const seen = new Set<number>();
  const out = acts.filter((a) => a !== "drop").map((a, i) => ({ a, i, k: instrOf(a) }))
    .sort((x, y) => x.k - y.k || x.i - y.i)
    .filter(({ k }) => {
      if (k === 1) return true;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }).map(({ a }) => a);
  return out.join(",") || "drop";
}

/**
 * A flow with a recirculating ct action. Real ofproto/trace follows ct
 * recirculations without any limit (a ct(table=N) loop hangs ovs-vswitchd),
 * so each such flow claims one bit of reg15 (matched clear, set before the
 * ct): a packet recirculates at most twice along any chain.
 */
function ctFlow(tables: readonly number[]): fc.Arbitrary<string> {
  return fc.record({
    t: fc.constantFrom(...tables), to: fc.constantFrom(...tables), bit: fc.constantFrom(0, 1),
    prio: fc.constantFrom(5, 100, 300), zone: fc.constantFrom("", ",zone=65520", ",zone=5", ",zone=NXM_NX_REG3[0..15]"),
    commit: fc.boolean(), extra: fc.constantFrom("", "", ",exec(load:0x20->NXM_NX_CT_MARK[])", ",nat", ",nat(dst=10.222.1.47:8080)",
      ",nat(src=10.222.1.1-10.222.1.9:1000-2000)", ",exec(set_field:0x1/0x1->ct_label)", ",exec(load:0x1->NXM_NX_CT_MARK[0])"),
    m: fc.constantFrom("ip", "tcp", "udp", "ip,nw_src=10.222.1.48", "tcp,tp_dst=80", "ip,reg0=0x2/0xffff"),
    after: fc.constantFrom("", "", ",output:2", ",resubmit(,0)", ",drop_placeholder"),
  }).map((c) => {
    const commit = c.commit || c.extra.includes("exec") || c.extra.includes("nat(");
    const after = c.after === ",drop_placeholder" ? ",load:0x5->NXM_NX_REG2[]" : c.after;
    return `table=${c.t},priority=${c.prio},${c.m},reg15=0/0x${(1 << c.bit).toString(16)},actions=load:0x1->NXM_NX_REG15[${c.bit}],` +
      `ct(${commit ? "commit," : ""}table=${c.to}${c.zone}${c.extra})${after}`;
  });
}

/**
 * A random flow set over a few tables: random matches over a few fields,
 * random resubmit/goto_table/load/move/output/ct actions (resubmit loops
 * included) and a conjunctive match or two.
 */
export function flowSet(): fc.Arbitrary<FlowSet> {
  return fc.tuple(fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }), fc.boolean()).chain(([extra, actionSet]) => {
    // OVS 3.1 asserts (and ovs-vswitchd dies) when a packet with a non-empty
    // action set is frozen (recirc_alloc_id__: action_set_len <= ofpacts_len),
    // so action sets are only used in sets without ct recirculation or dp_hash groups.
    const tables = [0, ...extra.sort((a, b) => a - b)];
    const flowArb = fc.constantFrom(...tables).chain((t) => matchArb(t).chain((m) =>
      fc.record({
        prio: fc.constantFrom(0, 10, 100, 100, 200, 32768),
        acts: fc.array(actionArb(t, tables, m.ip, m.tcp, actionSet), { minLength: 0, maxLength: 4 }),
        cookie: fc.constantFrom(0, 0, 0x1000000000000, 0x5),
      }).map(({ prio, acts, cookie }) => {
        const head = `table=${t},priority=${prio}${cookie ? `,cookie=0x${cookie.toString(16)}` : ""}${m.text ? "," + m.text : ""}`;
        return `${head},actions=${orderInstructions(acts)}`;
      })));
    const conj = fc.record({
      t: fc.constantFrom(...tables), id: fc.integer({ min: 1, max: 5 }), prio: fc.constantFrom(100, 200),
      a: fc.constantFrom("ip,nw_src=10.222.1.48", "ip,nw_src=10.222.1.0/24", "tcp,tp_dst=80", "ip,reg1=0x30"),
      b: fc.constantFrom("tcp,tp_dst=80", "udp,tp_dst=53", "ip,nw_dst=10.222.1.47", "ip,reg0=0x2/0xffff"),
      action: fc.constantFrom("load:0x1->NXM_NX_REG5[]", "output:2", "resubmit(,0)", "drop"),
    }).map((c) => [
      `table=${c.t},priority=${c.prio},${c.a},actions=conjunction(${c.id},1/2)`,
      `table=${c.t},priority=${c.prio},${c.b},actions=conjunction(${c.id},2/2)`,
      `table=${c.t},priority=${c.prio - 10},conj_id=${c.id},ip,actions=${c.action}`,
    ]);
    const ctResubmit = fc.tuple(fc.constantFrom(...tables), fc.constantFrom(...tables), fc.constantFrom(50, 150)).map(([t, to, p]) =>
      `table=${t},priority=${p},ct_state=+trk-inv,ip,actions=resubmit(,${to},ct),load:0x1->NXM_NX_REG4[]`);
    const catchAll = (t: number) => fc.boolean().chain((ipOnly) => fc.array(actionArb(t, tables, ipOnly, false, actionSet), { minLength: 1, maxLength: 3 }).map((acts) =>
      `table=${t},priority=${ipOnly ? 1 : 0}${ipOnly ? ",ip" : ""},actions=${orderInstructions(acts)}`));
    return fc.record({
      defaults: fc.tuple(...tables.map((t) => opt(catchAll(t), 4))),
      flows: fc.array(flowArb, { minLength: 3, maxLength: 14 }),
      conjs: fc.array(conj, { maxLength: 2 }),
      ctr: fc.array(ctResubmit, { maxLength: 1 }),
      cts: fc.array(ctFlow(tables), { maxLength: actionSet ? 0 : 3 }),
      groups: groupSet(!actionSet),
      loop: fc.constantFrom("", "", "", "fanout", "self"),
    }).map(({ defaults, flows, conjs, cts, ctr, loop, groups }) => {
      const lines = [...flows, ...cts, ...ctr, ...conjs.flat(), ...defaults.filter((d): d is string => d !== undefined)];
      if (loop === "self") lines.push(`table=${tables[tables.length - 1]},priority=1,actions=resubmit(,${tables[0]})`);
      if (loop === "fanout") {
        lines.push(`table=0,priority=1,actions=resubmit(,1),resubmit(,1)`);
        for (let i = 1; i < 13; i++) lines.push(`table=${i},priority=1,actions=resubmit(,${i + 1}),resubmit(,${i + 1})`);
      }
      return { text: uniquePriorities(lines).join("\n") + "\n", groups, tables };
    });
  });
}

/**
 * Gives every flow of a table its own priority (the clauses of one
 * conjunction keep theirs). Which of two overlapping equal-priority flows
 * OVS picks depends on the classifier's history (flows deleted by
 * del-flows linger in their subtables until an RCU grace period), so a
 * conformance test must not rely on it.
 */
function uniquePriorities(lines: string[]): string[] {
  const used = new Map<string, Set<number>>();
  const conjPrio = new Map<string, number>();
  return lines.map((line) => {
    const t = /^table=(\d+)/.exec(line)![1]!;
    const m = /priority=(\d+)/.exec(line)!;
    let p = Number(m[1]);
    const set = used.get(t) ?? new Set<number>();
    used.set(t, set);
    const conj = /conjunction\((\d+),/.exec(line);
    const key = conj ? `${t}/${conj[1]}` : undefined;
    if (key && conjPrio.has(key)) {
      p = conjPrio.get(key)!;
    } else {
      while (set.has(p)) p = p >= 65535 ? 1 : p + 1;
      set.add(p);
      if (key) conjPrio.set(key, p);
    }
    return line.replace(/priority=\d+/, `priority=${p}`);
  });
}

const BUCKET_ACTIONS = ["output:2", "output:3", "output:48", "output:1", "set_field:0x5->reg3", "resubmit(,0)",
  "load:0x1->NXM_NX_REG6[]", "push_vlan:0x8100", "set_field:aa:bb:cc:dd:ee:ff->eth_dst", "output:7", "group:1"];

/** Four groups (ids 1-4) for a random flow set, in `add-groups` syntax (OpenFlow 1.5). */
export function groupSet(dpHash = true): fc.Arbitrary<string> {
  const bucket = fc.record({
    weight: fc.constantFrom(1, 50, 100), watch: opt(fc.constantFrom(2, 7, 48), 3),
    acts: fc.uniqueArray(fc.constantFrom(...BUCKET_ACTIONS), { minLength: 1, maxLength: 3 }),
  });
  const group = (id: number) => fc.record({
    type: dpHash ? fc.constantFrom("all", "select", "select_hash", "select_hash_fields", "indirect", "ff")
      : fc.constantFrom("all", "select_hash", "select_hash_fields", "indirect", "ff"),
    buckets: fc.array(bucket, { minLength: 1, maxLength: 3 }),
  }).map(({ type, buckets }) => {
    const t = type.startsWith("select") ? "select" : type;
    const bs = (type === "indirect" ? buckets.slice(0, 1) : buckets).map((b, i) => {
      let x = `bucket=bucket_id:${i * 3},`;
      if (t === "select") x += `weight:${b.weight},`;
      if (t === "ff") x += `watch_port:${b.watch ?? 2},`;
      // A group may not chain to itself or to a later group.
      const acts = b.acts.filter((a) => !(a.startsWith("group:") && Number(a.slice(6)) >= id));
      return x + `actions=${acts.join(",") || "output:2"}`;
    });
    const sel = type === "select_hash" ? ",selection_method=hash" : type === "select_hash_fields" ? ",selection_method=hash,fields(ip_src,ip_dst,tcp_dst)" : "";
    return `group_id=${id},type=${t}${sel},${bs.join(",")}`;
  });
  return fc.tuple(group(1), group(2), group(3), group(4)).map((gs) => gs.join("\n") + "\n");
}

/** Packets for a random flow set: generic, with registers sometimes preset. */
export function genericPacket(): fc.Arbitrary<TraceCase> {
  return labPacket().map((c) => c);
}

/**
 * Packets for an arbitrary flow set: addresses, MACs, ports and L4 ports
 * are taken from the flows themselves, so that packets hit their matches.
 */
export function packetsFor(flowsText: string, inPorts: readonly number[]): fc.Arbitrary<TraceCase> {
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const ips = uniq([...flowsText.matchAll(/(?:nw_src|nw_dst|arp_spa|arp_tpa|ip_src|ip_dst)=(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/g)]
    .map((m) => m[1]!).concat(["10.0.0.1", "8.8.8.8"]));
  const hexIps = [...flowsText.matchAll(/load:0x([0-9a-f]{7,8})->NXM_(?:OF_IP|NX_TUN_IPV4|OF_ARP)_\w+\[\]/g)].map((m) => {
    const n = parseInt(m[1]!, 16);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  });
  const allIps = uniq([...ips, ...hexIps]);
  const macs = uniq([...flowsText.matchAll(/([0-9a-f]{2}(?::[0-9a-f]{2}){5})/g)].map((m) => m[1]!).concat(["ff:ff:ff:ff:ff:ff"]));
  const l4 = uniq([...flowsText.matchAll(/tp_dst=(\d+)/g)].map((m) => Number(m[1])).concat([80, 53, 34567]));
  const ip = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...allIps) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...allIps), fc.integer({ min: 1, max: 254 })).map(([a, b]) => a.replace(/\d+$/, String(b))) });
  return fc.record({
    inPort: fc.constantFrom(...inPorts), kind: fc.constantFrom("tcp", "tcp", "udp", "icmp", "arp", "ip"),
    dlSrc: fc.constantFrom(...macs), dlDst: fc.constantFrom(...macs), src: ip, dst: ip,
    sport: fc.constantFrom(...l4, 40000), dport: fc.constantFrom(...l4), ttl: fc.constantFrom(1, 63, 64),
    flags: fc.constantFrom("syn", "ack", "syn|ack", "0"), arpOp: fc.constantFrom(1, 2),
    ctNext: fc.array(fc.constantFrom("trk,new", "trk,est", "trk,est,rpl", "trk,inv", "trk,rel"), { maxLength: 3 }),
    tun: fc.constantFrom(...allIps), names: fc.integer({ min: 0, max: 9 }),
  }).map((r) => {
    const p: string[] = [`in_port=${r.inPort}`];
    if (r.inPort === 1) p.push(`tun_src=${r.tun}`, `tun_dst=${allIps[0]}`);
    p.push(r.kind, `dl_src=${r.dlSrc}`, `dl_dst=${r.dlDst}`);
    if (r.kind === "arp") p.push(`arp_op=${r.arpOp}`, `arp_spa=${r.src}`, `arp_tpa=${r.dst}`, `arp_sha=${r.dlSrc}`);
    else {
      p.push(`nw_src=${r.src}`, `nw_dst=${r.dst}`, `nw_ttl=${r.ttl}`);
      if (r.kind === "tcp") p.push(`tp_src=${r.sport}`, `tp_dst=${r.dport}`, `tcp_flags=${r.flags}`);
      if (r.kind === "udp") p.push(`udp_src=${r.sport}`, `udp_dst=${r.dport}`);
      if (r.kind === "icmp") p.push("icmp_type=8", "icmp_code=0");
    }
    return { flow: p.join(","), ctNext: r.ctNext, names: r.names === 0 };
  });
}
