// Parse conformance: for every line of every corpus, and for generated flows,
// the engine's parseFlow accepts exactly when a real `ovs-ofctl -O VERSION
// add-flows` (OVS 3.1) accepts, and rejects with the same message.
//
// Messages: a parse error is ovs-ofctl's `FILE:LINE: MESSAGE` without the
// prefix; a protocol error is the `none of the usable flow formats ...` line;
// an error from the switch is its OpenFlow error name (OFPBAC_BAD_OUT_GROUP).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Ovs } from '../oracle/ovs.ts';
import { missingOvsTools, OVS_INSTALL_HINT } from '../oracle/ovs.ts';
import { parseFlow } from '../../src/ofp/flow.ts';
import { OfpError } from '../../src/ofp/errors.ts';
import type { OfVersion } from '../../src/ofp/actions.ts';
import {
  corpusFiles, engineBridge, GROUP_IDS, METER_IDS, oracleVerdicts, readCorpus, startOracle, VERSION_NAME, type Verdict,
} from './harness.ts';
import { brokenFlow, validFlow } from './gen.ts';

const SEED = 20240611;
const GENERATED_VALID = 1200;
const GENERATED_BROKEN = 800;

const resolver = engineBridge().resolver(false);
const groups = new Set(GROUP_IDS);
const meters = new Set(METER_IDS);

/** The engine's verdict on one line, in the oracle's terms. */
export function engineVerdict(line: string, version: OfVersion): Verdict {
  try {
    parseFlow(line, { ports: resolver, version, groupExists: (g) => groups.has(g), meterExists: (m) => meters.has(m) });
    return { ok: true };
  } catch (e) {
    if (e instanceof OfpError) return { ok: false, message: e.message };
    return { ok: false, message: `ENGINE CRASH: ${(e as Error).stack}` };
  }
}

interface Mismatch {
  line: string;
  ovs: string;
  engine: string;
}

function compare(lines: readonly string[], ovs: readonly Verdict[], version: OfVersion): { mismatches: Mismatch[]; accepted: number } {
  const mismatches: Mismatch[] = [];
  let accepted = 0;
  lines.forEach((line, i) => {
    const want = ovs[i]!;
    const got = engineVerdict(line, version);
    if (want.ok) accepted++;
    if (want.ok !== got.ok || want.message !== got.message) {
      mismatches.push({ line, ovs: want.ok ? 'accepted' : want.message!, engine: got.ok ? 'accepted' : got.message! });
    }
  });
  return { mismatches, accepted };
}

const show = (ms: readonly Mismatch[]) =>
  ms.slice(0, 15).map((m) => `${m.line}\n    ovs:    ${m.ovs}\n    engine: ${m.engine}`).join('\n');

it('has the Open vSwitch binaries (run script/test to install them)', () => {
  expect(missingOvsTools(), `Open vSwitch binaries missing. ${OVS_INSTALL_HINT}`).toEqual([]);
});

describe('parse conformance with ovs-ofctl 3.1 add-flows', () => {
  let ovs: Ovs;
  beforeAll(async () => {
    ovs = await startOracle();
  }, 30_000);
  afterAll(async () => {
    await ovs?.stop();
  }, 30_000);

  for (const version of [13, 10, 15] as const) {
    it(`every corpus line, -O ${VERSION_NAME[version]}`, async () => {
      let total = 0, accepted = 0;
      const mismatches: Mismatch[] = [];
      for (const file of corpusFiles()) {
        const lines = readCorpus(file);
        const verdicts = await oracleVerdicts(ovs, lines, VERSION_NAME[version]);
        const r = compare(lines, verdicts, version);
        total += lines.length;
        accepted += r.accepted;
        mismatches.push(...r.mismatches.map((m) => ({ ...m, line: `${file}: ${m.line}` })));
      }
      console.log(`parse ${VERSION_NAME[version]} corpora: ${total} lines, ${accepted} accepted, ${total - accepted} rejected, ` +
        `${mismatches.length} mismatches`);
      expect(mismatches, show(mismatches)).toEqual([]);
    }, 60_000);
  }

  for (const [version, nValid, nBroken] of [[13, GENERATED_VALID, GENERATED_BROKEN], [10, 400, 300], [15, 400, 300]] as const) {
    it(`generated flows (fast-check, fixed seed), -O ${VERSION_NAME[version]}`, async () => {
      const lines = [
        ...fc.sample(validFlow, { seed: SEED + version, numRuns: nValid }),
        ...fc.sample(brokenFlow, { seed: SEED + 100 + version, numRuns: nBroken }),
      ];
      const verdicts = await oracleVerdicts(ovs, lines, VERSION_NAME[version]);
      const r = compare(lines, verdicts, version);
      console.log(`parse generated ${VERSION_NAME[version]}: ${lines.length} lines, ${r.accepted} accepted, ` +
        `${lines.length - r.accepted} rejected, ${r.mismatches.length} mismatches`);
      expect(r.mismatches, show(r.mismatches)).toEqual([]);
    }, 60_000);
  }
});
