/**
 * `npm run bench`: engine timings, each against a baseline measured in the
 * same run (figures are ratios, so they hold on any machine).
 *
 *  1. classifier lookups/s at 100, 10k and 100k flows vs a linear scan;
 *  2. a 10-table trace over 100k flows vs the same trace with linear lookups;
 *  3. our trace vs a real `ovs-appctl ofproto/trace` on the same flows (when OVS is installed);
 *  4. parsing + printing 100k Antrea-shaped flows vs `ovs-ofctl parse-flows`
 *     (OVS's C parser) and OVS's Python flow library (when installed);
 *  5. clusters of 3, 100 and 1,000 Nodes: load, one Node's compile, memory,
 *     and a cross-Node trace (bench/cluster.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlowFile, formatFlowLine, installFlow } from "../src/ofp/flow.ts";
import { matchesPacket } from "../src/ofp/match.ts";
import { Bridge } from "../src/bridge/bridge.ts";
import type { Rule } from "../src/bridge/classifier.ts";
import { SLOT_COUNT, SLOT } from "../src/ofp/fields.ts";
import * as engine from "../src/index.ts";
import { benchClusters } from "./cluster.ts";

const log = (s: string) => process.stdout.write(s + "\n");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function ip(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}
function mac(n: number): string {
  return `0a:00:${[(n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, "0")).join(":")}`;
}

/** Antrea-shaped flows: per-Pod classifier, spoofguard, L3 and L2 flows, policy conjunctions. */
function antreaShapedFlows(n: number): string {
  const lines: string[] = [];
  const pods = Math.ceil(n / 8);
  for (let i = 0; i < pods && lines.length < n; i++) {
    const port = 3 + i;
    lines.push(`cookie=0x1030000000000,table=0,priority=190,in_port=${port},actions=load:0x2->NXM_NX_REG0[0..15],goto_table:10`);
    lines.push(`cookie=0x1030000000000,table=10,priority=200,ip,in_port=${port},dl_src=${mac(i)},nw_src=${ip(i)},actions=goto_table:30`);
    lines.push(`cookie=0x1030000000000,table=10,priority=200,arp,in_port=${port},arp_spa=${ip(i)},arp_sha=${mac(i)},actions=goto_table:20`);
    lines.push(`cookie=0x1030000000000,table=70,priority=200,ip,dl_dst=aa:bb:cc:dd:ee:ff,nw_dst=${ip(i)},actions=set_field:4e:99:08:c1:53:be->eth_src,set_field:${mac(i)}->eth_dst,dec_ttl,goto_table:80`);
    lines.push(`cookie=0x1030000000000,table=80,priority=200,dl_dst=${mac(i)},actions=load:0x${port.toString(16)}->NXM_NX_REG1[],load:0x1->NXM_NX_REG0[16],goto_table:90`);
    lines.push(`cookie=0x1050000000000,table=90,priority=200,ip,nw_src=${ip(i)},actions=conjunction(${i + 1},1/3)`);
    lines.push(`cookie=0x1050000000000,table=90,priority=200,ip,reg1=0x${port.toString(16)},actions=conjunction(${i + 1},2/3)`);
    lines.push(`cookie=0x1050000000000,table=50,priority=200,ip,nw_dst=${ip(i)},actions=conjunction(${i + 1},2/2)`);
  }
  return lines.slice(0, n).join("\n") + "\n";
}

/** A table of n flows matching `ip,nw_dst=…` plus a few other shapes, and packets that hit them. */
function lookupTable(n: number): { bridge: Bridge; packets: bigint[][] } {
  const lines: string[] = [];
  for (let i = 0; i < n - 3; i++) lines.push(`table=0,priority=200,ip,nw_dst=${ip(i)},actions=output:2`);
  lines.push("table=0,priority=210,tcp,tp_dst=22,actions=drop");
  lines.push("table=0,priority=100,ip,nw_src=192.168.0.0/16,actions=output:3");
  lines.push("table=0,priority=0,actions=drop");
  const bridge = new Bridge();
  bridge.addFlows(parseFlowFile(lines.join("\n")).flows, 13);
  const packets: bigint[][] = [];
  for (let i = 0; i < 1000; i++) {
    const v = new Array<bigint>(SLOT_COUNT).fill(0n);
    v[SLOT.dl_type!] = 0x800n;
    v[SLOT.nw_proto!] = 6n;
    v[SLOT.nw_dst!] = BigInt((10 << 24) | ((i * 7919) % n));
    v[SLOT.tp_dst!] = 80n;
    packets.push(v);
  }
  return { bridge, packets };
}

function linearLookup(rules: Rule[], values: readonly bigint[]): Rule | undefined {
  let best: Rule | undefined;
  for (const r of rules) {
    if (r.conj.length) continue;
    if ((!best || r.flow.priority > best.flow.priority) && matchesPacket(r.flow.match, values)) best = r;
  }
  return best;
}

function timeIt(fn: () => void, minMs = 300): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    n++;
    t = performance.now();
  }
  return (t - t0) / n;
}

function benchLookups(): void {
  log("## Classifier lookups (one table, 1000 packets per round)");
  log("| flows | engine lookups/s | linear lookups/s | ratio |");
  log("|---:|---:|---:|---:|");
  for (const n of [100, 10_000, 100_000]) {
    const { bridge, packets } = lookupTable(n);
    const table = bridge.table(0)!;
    const rules = [...table.rules()];
    for (const p of packets) {
      if (table.lookup(p).rule !== linearLookup(rules, p)) throw new Error("engine and linear lookups disagree");
    }
    const ours = timeIt(() => { for (const p of packets) table.lookup(p); });
    const linPackets = n >= 100_000 ? packets.slice(0, 20) : packets;
    const lin = timeIt(() => { for (const p of linPackets) linearLookup(rules, p); }) / (linPackets.length / packets.length);
    log(`| ${n} | ${Math.round((packets.length / ours) * 1000).toLocaleString("en")} | ${Math.round((packets.length / lin) * 1000).toLocaleString("en")} | ${(lin / ours).toFixed(0)}× |`);
  }
}

type Tracer = (bridge: Bridge, flow: string) => unknown;

function tracer(): Tracer | undefined {
  const e = engine as Record<string, unknown>;
  const traceFlow = e.traceFlow as ((b: Bridge, f: string, o?: object) => unknown) | undefined;
  return traceFlow ? (b, f) => traceFlow(b, f, {}) : undefined;
}

/** 10 tables of 10k flows each; a packet that goes through all ten. */
function pipelineBridge(linear: boolean): Bridge {
  const lines: string[] = [];
  for (let t = 0; t < 10; t++) {
    for (let i = 0; i < 10_000 - 1; i++) {
      lines.push(`table=${t},priority=200,ip,nw_dst=${ip(i)},actions=load:0x${(t + 1).toString(16)}->NXM_NX_REG${t}[],${t < 9 ? `goto_table:${t + 1}` : "output:2"}`);
    }
    lines.push(`table=${t},priority=0,actions=drop`);
  }
  const bridge = new Bridge({ ports: [{ name: "p1", ofport: 1, type: "system" }, { name: "p2", ofport: 2, type: "system" }] });
  bridge.addFlows(parseFlowFile(lines.join("\n")).flows, 13);
  if (linear) {
    for (const id of bridge.tableIds()) {
      const t = bridge.table(id)!;
      const rules = [...t.rules()];
      (t as unknown as { lookup: (v: readonly bigint[]) => { rule: Rule | undefined } }).lookup = (v) => ({ rule: linearLookup(rules, v) });
    }
  }
  return bridge;
}

function benchTrace(): void {
  const trace = tracer();
  log("\n## A 10-table trace over 100k flows");
  if (!trace) {
    log("(skipped: the engine exports no traceFlow)");
    return;
  }
  const flow = "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.19.99,tp_dst=80";
  const fast = pipelineBridge(false);
  const slow = pipelineBridge(true);
  const samples: number[] = [];
  for (let i = 0; i < 50; i++) trace(fast, flow);
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now();
    trace(fast, flow);
    samples.push((performance.now() - t0) * 1000);
  }
  const slowSamples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    trace(slow, flow);
    slowSamples.push((performance.now() - t0) * 1000);
  }
  const ours = median(samples), lin = median(slowSamples);
  log(`engine: median ${ours.toFixed(1)} µs per trace; linear lookups: ${lin.toFixed(0)} µs; ratio ${(lin / ours).toFixed(0)}×`);
  benchRealTrace(fast, flow, ours);
}

function ovsAvailable(): boolean {
  return ["ovs-vswitchd", "ovsdb-server", "ovs-appctl"].every((t) => spawnSync("sh", ["-c", `command -v ${t} || test -x /usr/sbin/${t}`]).status === 0);
}

function benchRealTrace(bridge: Bridge, flow: string, oursUs: number): void {
  if (!ovsAvailable()) {
    log("real ovs-appctl ofproto/trace: skipped (openvswitch-switch not installed)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "ovs-lab-bench-"));
  try {
    const env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVS_SYSCONFDIR: dir };
    const sh = (cmd: string) => execFileSync("sh", ["-c", cmd], { env, stdio: ["ignore", "pipe", "pipe"] }).toString();
    sh(`ovsdb-tool create ${dir}/conf.db /usr/share/openvswitch/vswitch.ovsschema`);
    sh(`ovsdb-server --detach --no-chdir --pidfile=${dir}/ovsdb-server.pid --log-file=${dir}/ovsdb.log --remote=punix:${dir}/db.sock ${dir}/conf.db`);
    sh(`ovs-vsctl --no-wait --db=unix:${dir}/db.sock init`);
    sh(`PATH=$PATH:/usr/sbin ovs-vswitchd --enable-dummy --disable-system --disable-system-route --detach --no-chdir --pidfile=${dir}/ovs-vswitchd.pid --log-file=${dir}/vswitchd.log unix:${dir}/db.sock`);
    sh(`ovs-vsctl --db=unix:${dir}/db.sock add-br br-int -- set bridge br-int datapath_type=dummy fail-mode=secure protocols=OpenFlow13 -- add-port br-int p1 -- set interface p1 type=dummy ofport_request=1 -- add-port br-int p2 -- set interface p2 type=dummy ofport_request=2`);
    const file = join(dir, "flows.txt");
    writeFileSync(file, [...bridge.rules()].map((r) => formatFlowLine(r.flow, { version: 13 }).trim()).join("\n") + "\n");
    sh(`ovs-ofctl -O OpenFlow13 add-flows br-int ${file}`);
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      sh(`ovs-appctl ofproto/trace br-int '${flow}' >/dev/null`);
      samples.push((performance.now() - t0) * 1000);
    }
    const real = median(samples);
    log(`real ovs-appctl ofproto/trace (process per call): median ${(real / 1000).toFixed(2)} ms; engine is ${(real / oursUs).toFixed(0)}× faster`);
    sh(`ovs-appctl -t ${dir}/ovs-vswitchd.$(cat ${dir}/ovs-vswitchd.pid).ctl exit || true; ovs-appctl -t ${dir}/ovsdb-server.$(cat ${dir}/ovsdb-server.pid).ctl exit || true`);
  } catch (e) {
    log(`real ovs-appctl ofproto/trace: failed (${(e as Error).message.split("\n")[0]})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchParsePrint(): void {
  log("\n## Parse + print 100k Antrea-shaped flows");
  const text = antreaShapedFlows(100_000);
  const runs: number[] = [];
  let lines = 0;
  let dumpText = "";
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const parsed = parseFlowFile(text, { version: 13 });
    if (parsed.errors.length) throw new Error(parsed.errors[0]!.message);
    let out = "";
    for (const f of parsed.flows) out += formatFlowLine(installFlow(f, 13), { version: 13 }) + "\n";
    lines = out.length;
    dumpText = out;
    runs.push(performance.now() - t0);
  }
  const ours = median(runs);
  log(`engine: ${(ours / 1000).toFixed(2)} s (median of 3; ${lines.toLocaleString("en")} characters printed)`);
  const dir = mkdtempSync(join(tmpdir(), "ovs-lab-bench-"));
  try {
    const file = join(dir, "flows.txt");
    writeFileSync(file, text);
    // OVS's Python library reads dump-flows output, so it gets our printed form.
    const dumpFile = join(dir, "dump.txt");
    writeFileSync(dumpFile, dumpText);
    if (spawnSync("sh", ["-c", "command -v ovs-ofctl"]).status === 0) {
      const t0 = performance.now();
      const r = spawnSync("ovs-ofctl", ["-O", "OpenFlow13", "parse-flows", file], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30 });
      const c = performance.now() - t0;
      log(`ovs-ofctl parse-flows (C): ${(c / 1000).toFixed(2)} s${r.status ? " (failed)" : ""}; engine/C = ${(ours / c).toFixed(2)}`);
    } else {
      log("ovs-ofctl parse-flows: skipped (openvswitch-switch not installed)");
    }
    const py = `import sys\nfrom ovs.flow.ofp import OFPFlow\nn=0\nfor line in open(sys.argv[1]):\n    line=line.strip()\n    if line:\n        f=OFPFlow(line)\n        str(f)\n        n+=1\nprint(n)\n`;
    writeFileSync(join(dir, "p.py"), py);
    const probe = spawnSync("/usr/bin/python3", ["-c", "import ovs.flow.ofp"], { stdio: "ignore" });
    if (probe.status === 0) {
      const t0 = performance.now();
      const r = spawnSync("/usr/bin/python3", [join(dir, "p.py"), dumpFile], { stdio: ["ignore", "pipe", "pipe"] });
      const p = performance.now() - t0;
      log(`OVS Python flow library: ${(p / 1000).toFixed(2)} s${r.status ? " (failed)" : ""}; engine/Python = ${(ours / p).toFixed(2)}`);
    } else {
      log("OVS Python flow library: skipped (python3-openvswitch and python3-netaddr not installed)");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

benchLookups();
benchTrace();
benchParsePrint();
benchClusters(log);
