// Shared machinery of the parse/dump conformance tests: one real OVS 3.1
// bridge configured like the seed lab's worker1, the corpora, and a batched
// "does ovs-ofctl add-flows accept this line, and with which message" oracle.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOvs, stripVlog } from '../oracle/ovs.ts';
import type { Ovs, OfVersion as OvsOfVersion, PortSpec } from '../oracle/ovs.ts';
import { Bridge } from '../../src/bridge/bridge.ts';
import type { Port } from '../../src/bridge/bridge.ts';
import type { OfVersion } from '../../src/ofp/actions.ts';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

/** The ports of the brief (seed lab worker1). */
export const PORTS: PortSpec[] = [
  { name: 'antrea-tun0', ofport: 1, type: 'geneve', options: { csum: 'true' } },
  { name: 'antrea-gw0', ofport: 2, type: 'internal', mac: '4e:99:08:c1:53:be' },
  { name: 'coredns--3e3abf', ofport: 3 },
  { name: 'antrea-o-830766', ofport: 4 },
  { name: 'backend1-bab86f', ofport: 48 },
  { name: 'frontend-a3ba2f', ofport: 49 },
];

export const TLV_MAP = '{class=0x104,type=0x80,len=4}->tun_metadata0';
/** Groups and meters the corpora refer to (a flow naming a missing one is rejected by the switch). */
export const GROUP_IDS = Array.from({ length: 20 }, (_, i) => i + 1);
export const METER_IDS = [1, 2, 256, 257, 258];

export const VERSION_NAME: Record<OfVersion, OvsOfVersion> = {
  10: 'OpenFlow10', 11: 'OpenFlow11', 12: 'OpenFlow12', 13: 'OpenFlow13', 14: 'OpenFlow14', 15: 'OpenFlow15',
};

/** A bridge of the engine with the same ports as the oracle. */
export function engineBridge(): Bridge {
  const ports: Port[] = PORTS.map((p) => ({
    name: p.name,
    ofport: p.ofport,
    type: p.type === 'geneve' ? 'geneve' : p.type === 'internal' ? 'internal' : 'dummy',
  }));
  return new Bridge({ ports });
}

/** Starts OVS with the ports, the TLV map, the groups and the meters. */
export async function startOracle(): Promise<Ovs> {
  const ovs = await startOvs();
  try {
    await ovs.setPorts(PORTS);
    const must = async (what: string, p: Promise<{ exitCode: number; stderr: string }>) => {
      const r = await p;
      if (r.exitCode !== 0) throw new Error(`${what}: ${r.stderr}`);
    };
    await must('add-tlv-map', ovs.ofctl(['add-tlv-map', ovs.bridge, TLV_MAP]));
    const groups = GROUP_IDS.map((g) => `group_id=${g},type=all,bucket=actions=drop`).join('\n') + '\n';
    fs.writeFileSync(path.join(ovs.dir, 'groups.txt'), groups);
    await must('add-groups', ovs.ofctl(['-O', 'OpenFlow13', 'add-groups', ovs.bridge, 'groups.txt']));
    for (const m of METER_IDS) {
      await must(`add-meter ${m}`, ovs.ofctl(['-O', 'OpenFlow13', 'add-meter', ovs.bridge, `meter=${m},pktps,bands=type=drop,rate=5000`]));
    }
  } catch (e) {
    await ovs.stop();
    throw e;
  }
  return ovs;
}

/** Lines of a corpus file: comments and blank lines dropped, as ovs-ofctl does. */
export function readCorpus(name: string): string[] {
  return corpusLines(fs.readFileSync(path.join(CORPUS_DIR, name), 'utf8'));
}

export function corpusLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line) out.push(line);
  }
  return out;
}

export function corpusFiles(suffix = '.flows'): string[] {
  return fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith(suffix)).sort();
}

export interface Verdict {
  readonly ok: boolean;
  /** ovs-ofctl's message without `ovs-ofctl: FILE:LINE: ` (undefined when ok). */
  readonly message?: string;
}

const LINE_ERROR = /^ovs-ofctl: (flows-?\d*\.txt):(\d+): ([^]*?)\n?$/;
/** A line with the bridge's port names replaced by their numbers (for parse-flows, which has no names). */
function withPortNumbers(line: string): string {
  let out = line;
  for (const p of PORTS) {
    out = out.split(`"${p.name}"`).join(String(p.ofport));
    out = out.replace(new RegExp(`(?<=[=:(,])${p.name.replace(/-/g, '\\-')}(?=[,)\\s]|$)`, 'g'), String(p.ofport));
  }
  return out;
}

/** A last line ovs-ofctl always rejects, so that a file is parsed but never sent. */
const SENTINEL = 'conformance_sentinel=1,actions=drop';

/**
 * Verdict of `ovs-ofctl -O VERSION add-flows` for every line, each line judged
 * as if it were loaded alone.
 *
 * Stage 1 (parallel, no side effects): `ovs-ofctl parse-flows` (the same
 * parser, no switch connection) on chunks that end with a sentinel line
 * ovs-ofctl rejects. ovs-ofctl parses the whole file before doing anything
 * else and names the first bad line, so each run either reports a bad line
 * of ours (judged; the rest is parsed again) or reaches the sentinel (all
 * lines parse). parse-flows has no port names, so the bridge's port names
 * are replaced by their numbers; a line that used a name and fails is judged
 * again by add-flows (which has the names; the sentinel keeps it from being
 * sent).
 * Stage 2 (sequential): the lines that parse, in small batches of add-flows
 * on a clean bridge. What fails now has no line number (no usable protocol,
 * or an error from the switch) and is located by bisection.
 */
export async function oracleVerdicts(ovs: Ovs, lines: readonly string[], of: OvsOfVersion = 'OpenFlow13'): Promise<Verdict[]> {
  const out: Verdict[] = new Array(lines.length);
  const numbered = lines.map(withPortNumbers);
  const chunks: number[][] = [];
  for (let i = 0; i < lines.length; i += 64) chunks.push(lines.map((_, j) => j).slice(i, i + 64));
  const parsed: number[] = [];
  const recheck: number[] = [];
  const workDir = fs.mkdtempSync(path.join(ovs.dir, 'parse-'));
  try {
    await mapLimit(chunks, 4, async (chunk, c) => {
      let idx = chunk;
      const file = `flows-${c}.txt`;
      while (idx.length) {
        fs.writeFileSync(path.join(workDir, file), idx.map((i) => numbered[i]).join('\n') + '\n' + SENTINEL + '\n');
        const r = await ovs.ofctl(['-O', of, 'parse-flows', file], { cwd: workDir });
        const m = LINE_ERROR.exec(stripVlog(r.stderr));
        if (!m) throw new Error(`sentinel run did not fail at a line: ${r.stderr}`);
        const bad = Number(m[2]) - 1;
        if (bad >= idx.length) {
          parsed.push(...idx);
          return;
        }
        const i = idx[bad];
        if (PORTS.some((p) => lines[i].includes(p.name))) recheck.push(i);
        else out[i] = { ok: false, message: m[3] };
        parsed.push(...idx.slice(0, bad));
        idx = idx.slice(bad + 1);
      }
    });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  for (const i of recheck) {
    const r = await ovs.addFlows(lines[i] + '\n' + SENTINEL + '\n', of);
    const m = LINE_ERROR.exec(stripVlog(r.stderr));
    if (m && m[2] === '1') out[i] = { ok: false, message: m[3] };
    else parsed.push(i);
  }
  parsed.sort((a, b) => a - b);

  // Stage 1b (parallel, no side effects): lines that no OpenFlow dialect
  // allowed by -O can carry ("no usable protocol" from parse-flows, which has
  // no line number: found by bisection). add-flows judges them one by one.
  const alone = new Set<number>();
  const usableChunks: number[][] = [];
  for (let i = 0; i < parsed.length; i += 64) usableChunks.push(parsed.slice(i, i + 64));
  const workDir2 = fs.mkdtempSync(path.join(ovs.dir, 'usable-'));
  try {
    const findUnusable = async (idx: number[], file: string): Promise<void> => {
      fs.writeFileSync(path.join(workDir2, file), idx.map((i) => numbered[i]).join('\n') + '\n');
      const r = await ovs.ofctl(['-O', of, 'parse-flows', file], { cwd: workDir2 });
      if (r.exitCode === 0) return;
      if (idx.length === 1) {
        alone.add(idx[0]);
        return;
      }
      const half = idx.length >> 1;
      await findUnusable(idx.slice(0, half), file);
      await findUnusable(idx.slice(half), file);
    };
    await mapLimit(usableChunks, 4, (chunk, c) => findUnusable(chunk, `usable-${c}.txt`));
  } finally {
    fs.rmSync(workDir2, { recursive: true, force: true });
  }

  // Stage 2 (sequential): add-flows on a clean bridge.
  const base = await firstXid(ovs, of);
  const judge = async (idx: number[]): Promise<void> => {
    if (idx.length === 0) return;
    await ovs.ofctl(['-O', of, 'del-flows', ovs.bridge]);
    const r = await ovs.addFlows(idx.map((i) => lines[i]).join('\n') + '\n', of);
    if (r.ok) {
      for (const i of idx) out[i] = { ok: true };
      return;
    }
    const stderr = stripVlog(r.stderr);
    const line = LINE_ERROR.exec(stderr);
    if (line) {
      // A parse error after all (a port name parse-flows could not see).
      const bad = Number(line[2]) - 1;
      out[idx[bad]] = { ok: false, message: line[3] };
      await judge(idx.slice(0, bad));
      await judge(idx.slice(bad + 1));
      return;
    }
    if (idx.length === 1) {
      out[idx[0]] = { ok: false, message: oracleMessage(stderr) };
      return;
    }
    // ovs-ofctl sends one flow_mod (and a barrier) at a time and stops at the
    // first error, whose xid tells which flow it was.
    const xid = /^OFPT_ERROR (?:\(OF1\.\d\) )?\(xid=(0x[0-9a-f]+)\):/m.exec(stderr);
    const k = xid && base !== undefined ? (Number(xid[1]) - base) / 2 : -1;
    if (Number.isInteger(k) && k >= 0 && k < idx.length) {
      for (const i of idx.slice(0, k)) out[i] = { ok: true };
      out[idx[k]] = { ok: false, message: oracleMessage(stderr) };
      await judge(idx.slice(k + 1));
      return;
    }
    const half = idx.length >> 1;
    await judge(idx.slice(0, half));
    await judge(idx.slice(half));
  };
  for (const i of alone) await judge([i]);
  const rest = parsed.filter((i) => !alone.has(i));
  for (let i = 0; i < rest.length; i += 64) await judge(rest.slice(i, i + 64));
  await ovs.ofctl(['-O', of, 'del-flows', ovs.bridge]);
  return out;
}

const xidBase = new Map<string, number | undefined>();

/**
 * The xid of the first flow_mod of an add-flows run, from a flow the switch
 * refuses (table 254). Only OXM versions negotiate the same way whatever the
 * flows need; for OpenFlow 1.0 (NXM or not, table ids or not) it is unknown.
 */
async function firstXid(ovs: Ovs, of: OvsOfVersion): Promise<number | undefined> {
  if (of === 'OpenFlow10') return undefined;
  if (!xidBase.has(of)) {
    const r = await ovs.addFlows('table=254,actions=drop\n', of);
    const m = /\(xid=(0x[0-9a-f]+)\)/.exec(r.stderr);
    xidBase.set(of, m ? Number(m[1]) : undefined);
  }
  return xidBase.get(of);
}

/**
 * The message of a rejection without a line number: a switch error
 * (`OFPT_ERROR (OF1.3) (xid=0x6): OFPBAC_BAD_OUT_GROUP` plus the flow_mod and
 * hex dumps) becomes its error name; ovs-ofctl's own message loses its
 * `ovs-ofctl: ` prefix.
 */
export function oracleMessage(stderr: string): string {
  const sw = /^OFPT_ERROR (?:\(OF1\.\d\) )?\(xid=0x[0-9a-f]+\): (\S+)$/m.exec(stderr);
  if (sw) return sw[1];
  return stderr.replace(/^ovs-ofctl: /, '').trimEnd();
}

/**
 * Deletes all flows and waits for OVS to finish freeing them. OVS frees
 * deleted rules, and destroys emptied subtables, in deferred (RCU) callbacks;
 * flows added before that run can join a dying subtable at its old place in
 * the subtable vector, so their dump order would depend on timing. The
 * engine models a switch at rest, as a person typing commands sees it.
 */
export async function clearAndSettle(ovs: Ovs, of: OvsOfVersion = 'OpenFlow13'): Promise<void> {
  await ovs.ofctl(['-O', of, 'del-flows', ovs.bridge]);
  await settle();
}

/** Time for OVS's deferred (RCU) frees to run. */
export function settle(ms = 150): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs async tasks in order with a bound on concurrency. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const res: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      res[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return res;
}

/** Text lines of a dump (no trailing empty line). */
export function dumpLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** A compact line-by-line diff for failure messages (first `max` differences). */
export function diffLines(want: readonly string[], got: readonly string[], max = 8): string {
  const out: string[] = [];
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n && out.length < max * 3; i++) {
    if (want[i] !== got[i]) {
      out.push(`#${i + 1}`, `  ovs:    ${want[i] ?? '<none>'}`, `  engine: ${got[i] ?? '<none>'}`);
    }
  }
  return out.join('\n');
}
