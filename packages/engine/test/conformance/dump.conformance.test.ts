// Dump conformance: the engine's Bridge, loaded like a real OVS 3.1 bridge,
// prints `ovs-ofctl dump-flows --no-stats` (OpenFlow 1.0, 1.3 and 1.5, with
// and without --names) line for line and in the same order; flows installed
// with OpenFlow 1.0, 1.3 and 1.5. Generated scenarios mix match shapes and
// priorities with re-adds, modifications and deletions to exercise the
// classifier's subtable order. Printed lines parse back to the same flow.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Ovs } from '../oracle/ovs.ts';
import { Bridge } from '../../src/bridge/bridge.ts';
import { dumpError, formatFlowLine, installFlow, parseFlow, type Flow } from '../../src/ofp/flow.ts';
import type { OfVersion } from '../../src/ofp/actions.ts';
import {
  clearAndSettle, corpusFiles, diffLines, dumpLines, engineBridge, GROUP_IDS, METER_IDS, oracleVerdicts, readCorpus, settle,
  startOracle, VERSION_NAME,
} from './harness.ts';
import { scenario, validFlow, type Op } from './gen.ts';

const SEED = 424242;
const SCENARIOS = 16;
const DUMP_VERSIONS: readonly OfVersion[] = [10, 13, 15];
const groups = new Set(GROUP_IDS);
const meters = new Set(METER_IDS);

function parse(bridge: Bridge, line: string, version: OfVersion): Flow {
  return parseFlow(line, {
    ports: bridge.resolver(false), version, groupExists: (g) => groups.has(g), meterExists: (m) => meters.has(m),
  });
}

/** What the engine prints for `dump-flows --no-stats [--names]`, or the error OVS's dump fails with. */
function engineDump(bridge: Bridge, version: OfVersion, names: boolean): string[] | { error: string } {
  const rules = [...bridge.rules()];
  const err = rules.map((r) => dumpError(r.flow, version)).find((e) => e);
  if (err) return { error: err };
  const ports = bridge.resolver(names);
  return rules.map((r) => formatFlowLine(r.flow, { version, ports }));
}

interface Counts {
  dumps: number;
  lines: number;
  mismatches: number;
  failedDumps: number;
}

/** Compares all six dumps; returns failure descriptions. */
async function compareDumps(ovs: Ovs, bridge: Bridge, label: string, counts: Counts): Promise<string[]> {
  const failures: string[] = [];
  for (const v of DUMP_VERSIONS) {
    for (const names of [false, true]) {
      const tag = `${label} D${v}${names ? ' --names' : ''}`;
      const r = await ovs.ofctl(['-O', VERSION_NAME[v], 'dump-flows', ovs.bridge, '--no-stats', ...(names ? ['--names'] : [])]);
      const got = engineDump(bridge, v, names);
      counts.dumps++;
      if (r.exitCode !== 0) {
        counts.failedDumps++;
        if (!('error' in got)) failures.push(`${tag}: OVS dump failed (${r.stderr.trim().split('\n').pop()}) but the engine printed it`);
        continue;
      }
      const want = dumpLines(r.stdout);
      if ('error' in got) {
        failures.push(`${tag}: the engine reports ${got.error} but OVS printed ${want.length} lines`);
        continue;
      }
      counts.lines += want.length;
      const bad = want.length !== got.length || want.some((w, i) => w !== got[i]);
      if (bad) {
        counts.mismatches += Math.max(want.length, got.length) - want.filter((w, i) => w === got[i]).length;
        failures.push(`${tag}:\n${diffLines(want, got)}`);
      }
    }
  }
  return failures;
}

describe('dump conformance with ovs-ofctl 3.1 dump-flows', () => {
  let ovs: Ovs;
  beforeAll(async () => {
    ovs = await startOracle();
  }, 30_000);
  afterAll(async () => {
    await ovs?.stop();
  }, 30_000);

  const printed: { line: string; version: OfVersion }[] = [];

  for (const install of [13, 10, 15] as const) {
    it(`every accepted corpus, installed with ${VERSION_NAME[install]}`, async () => {
      const counts: Counts = { dumps: 0, lines: 0, mismatches: 0, failedDumps: 0 };
      const failures: string[] = [];
      let flows = 0;
      for (const file of corpusFiles().filter((f) => f !== 'rejects.flows')) {
        const bridge = engineBridge();
        const all = readCorpus(file);
        // The engine and OVS agree on which lines are accepted (parse.conformance.test.ts).
        const accepted: string[] = [];
        const parsed: Flow[] = [];
        for (const line of all) {
          try {
            parsed.push(parse(bridge, line, install));
            accepted.push(line);
          } catch {
            // rejected
          }
        }
        await clearAndSettle(ovs);
        const load = await ovs.addFlows(accepted.join('\n') + '\n', VERSION_NAME[install]);
        if (!load.ok) {
          failures.push(`${file}: OVS refused the lines the engine accepts: ${load.stderr}`);
          continue;
        }
        bridge.addFlows(parsed, install);
        flows += parsed.length;
        failures.push(...await compareDumps(ovs, bridge, `${file} I${install}`, counts));
        for (const v of [13, 15] as const) {
          const d = engineDump(bridge, v, false);
          if (!('error' in d)) printed.push(...d.map((line) => ({ line, version: v })));
        }
      }
      console.log(`dump corpora installed with ${VERSION_NAME[install]}: ${flows} flows, ${counts.dumps} dumps ` +
        `(${counts.failedDumps} refused by ovs-ofctl and the engine alike), ${counts.lines} lines compared, ${counts.mismatches} mismatches`);
      expect(failures, failures.slice(0, 6).join('\n\n')).toEqual([]);
    }, 60_000);
  }

  it('generated flow sets (fast-check), installed with each version', async () => {
    const counts: Counts = { dumps: 0, lines: 0, mismatches: 0, failedDumps: 0 };
    const failures: string[] = [];
    let flows = 0;
    for (const [n, install] of ([13, 10, 15, 13] as const).entries()) {
      const bridge = engineBridge();
      const accepted: string[] = [];
      const parsed: Flow[] = [];
      for (const line of fc.sample(validFlow, { seed: SEED + n, numRuns: 300 })) {
        try {
          parsed.push(parse(bridge, line, install));
          accepted.push(line);
        } catch {
          // rejected (parse.conformance.test.ts checks that OVS rejects it too)
        }
      }
      await clearAndSettle(ovs);
      const load = await ovs.addFlows(accepted.join('\n') + '\n', VERSION_NAME[install]);
      if (!load.ok) throw new Error(`generated set ${n}: ${load.stderr}`);
      bridge.addFlows(parsed, install);
      flows += parsed.length;
      failures.push(...await compareDumps(ovs, bridge, `generated set ${n} I${install}`, counts));
      for (const v of [13, 15] as const) {
        const d = engineDump(bridge, v, false);
        if (!('error' in d)) printed.push(...d.map((line) => ({ line, version: v })));
      }
    }
    console.log(`dump generated sets: ${flows} flows, ${counts.dumps} dumps (${counts.failedDumps} refused alike), ` +
      `${counts.lines} lines compared, ${counts.mismatches} mismatches`);
    expect(failures, failures.slice(0, 6).join('\n\n')).toEqual([]);
  }, 60_000);

  it('generated add/re-add/mod/del sequences keep OVS dump order', async () => {
    const counts: Counts = { dumps: 0, lines: 0, mismatches: 0, failedDumps: 0 };
    const failures: string[] = [];
    const samples = fc.sample(scenario, { seed: SEED, numRuns: SCENARIOS });
    let ops = 0;
    for (const [n, s] of samples.entries()) {
      const install: OfVersion = n % 4 === 1 ? 10 : n % 4 === 3 ? 15 : 13;
      const of = VERSION_NAME[install];
      const bridge = engineBridge();
      await clearAndSettle(ovs);
      const load = await ovs.addFlows(s.initial.join('\n') + '\n', of);
      if (!load.ok) throw new Error(`scenario ${n}: ${load.stderr}`);
      bridge.addFlows(s.initial.map((l) => parse(bridge, l, install)), install);
      failures.push(...await compareDumps(ovs, bridge, `scenario ${n} (I${install}) initial`, counts));
      for (const [k, op] of s.ops.entries()) {
        await applyOvs(ovs, op, of);
        if (op.kind === 'del') await settle();
        applyEngine(bridge, op, install);
        ops++;
        // Dumping at every version after every step would be slow: the last step gets all six.
        if (k === s.ops.length - 1) failures.push(...await compareDumps(ovs, bridge, `scenario ${n} (I${install}) step ${k}`, counts));
        else failures.push(...await compareOne(ovs, bridge, `scenario ${n} (I${install}) step ${k} ${op.kind} ${op.flow}`, counts));
      }
    }
    console.log(`dump scenarios: ${samples.length} scenarios, ${ops} operations, ${counts.dumps} dumps, ` +
      `${counts.lines} lines compared, ${counts.mismatches} mismatches`);
    expect(failures, failures.slice(0, 4).join('\n\n')).toEqual([]);
  }, 60_000);

  it('printed lines parse back to the same flow', async () => {
    let checked = 0;
    const bad: { line: string; version: OfVersion; why: string }[] = [];
    const bridge = engineBridge();
    for (const { line, version } of printed) {
      try {
        const again = formatFlowLine(installFlow(parse(bridge, line.trim(), version), version), { version, ports: bridge.resolver(false) });
        if (again !== line) bad.push({ line, version, why: `prints back as ${again}` });
      } catch (e) {
        bad.push({ line, version, why: (e as Error).message });
      }
      checked++;
    }
    // Lines the engine cannot read back are fine only if ovs-ofctl cannot either.
    const unreadable = bad.filter((b) => !b.why.startsWith('prints back'));
    const verdicts = await oracleVerdicts(ovs, unreadable.map((b) => b.line.trim()), 'OpenFlow15');
    const real = bad.filter((b) => b.why.startsWith('prints back') || verdicts[unreadable.indexOf(b)]?.ok);
    console.log(`round trip: ${checked} printed lines parsed again, ${unreadable.length} unreadable (also by ovs-ofctl: ` +
      `${verdicts.filter((v) => !v.ok).length}), ${real.length} mismatches`);
    expect(real, real.slice(0, 8).map((b) => `D${b.version} ${b.line}\n    ${b.why}`).join('\n')).toEqual([]);
  }, 60_000);
});

async function compareOne(ovs: Ovs, bridge: Bridge, tag: string, counts: Counts): Promise<string[]> {
  const want = dumpLines(await ovs.dumpFlows(['--no-stats'], 'OpenFlow13'));
  const got = engineDump(bridge, 13, false);
  counts.dumps++;
  if ('error' in got) return [`${tag}: engine dump error ${got.error}`];
  counts.lines += want.length;
  if (want.length === got.length && want.every((w, i) => w === got[i])) return [];
  counts.mismatches += Math.max(want.length, got.length) - want.filter((w, i) => w === got[i]).length;
  return [`${tag}:\n${diffLines(want, got)}`];
}

async function applyOvs(ovs: Ovs, op: Op, of: string): Promise<void> {
  const args = op.kind === 'add' ? ['add-flow', ovs.bridge, op.flow]
    : op.kind === 'mod' ? ['mod-flows', '--strict', ovs.bridge, op.flow]
      : ['del-flows', '--strict', ovs.bridge, op.key];
  const r = await ovs.ofctl(['-O', of, ...args]);
  if (r.exitCode !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

/** The same operation on the engine's bridge (classifier level for mod/del). */
function applyEngine(bridge: Bridge, op: Op, version: OfVersion): void {
  const flow = parse(bridge, op.kind === 'del' ? `${op.key},actions=drop` : op.flow, version);
  const table = bridge.table(flow.table);
  const existing = table?.find(installFlow(flow, version).match, flow.priority);
  if (op.kind === 'add') bridge.addFlows([flow], version);
  else if (op.kind === 'mod') {
    // mod-flows --strict replaces the actions of an existing flow (which moves it to the end of its
    // subtable) and keeps its cookie and flags; with OpenFlow 1.0 it adds a missing flow, without
    // the reset_counts flag that only an OpenFlow 1.0 "add" implies.
    if (existing) {
      const stored = installFlow(flow, version);
      table!.insert({ ...existing, flow: { ...existing.flow, actions: stored.actions } });
    } else if (version === 10) {
      const stored = installFlow(flow, version);
      bridge.addFlows([{ ...stored, flags: {} }], 13);
    }
  } else if (existing) table!.remove(existing);
}
