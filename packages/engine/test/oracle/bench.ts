// Timings of the OVS oracle harness.  Run: node packages/engine/test/oracle/bench.ts [TRACES]
// (Node 24; needs Debian's openvswitch-switch.)

import { normalizeRecirc, startOvs } from './ovs.ts';
import type { PortSpec } from './ovs.ts';

const TRACES = Number(process.argv[2] ?? 1000);

const PORTS: PortSpec[] = [
  { name: 'antrea-tun0', ofport: 1, type: 'geneve', options: { csum: 'true' } },
  { name: 'antrea-gw0', ofport: 2, type: 'internal', mac: '4e:99:08:c1:53:be' },
  { name: 'coredns--3e3abf', ofport: 3 },
  { name: 'antrea-o-830766', ofport: 4 },
  { name: 'backend1-bab86f', ofport: 48 },
  { name: 'frontend-a3ba2f', ofport: 49 },
];

// Three recirculations per trace (ct, ct(commit), output), plus 500 filler
// flows so that loading has something to do.
function flows(): string {
  const lines = [
    'table=0,priority=190,in_port=49,actions=load:0x2->NXM_NX_REG0[0..15],goto_table:30',
    'table=30,priority=200,ip,actions=ct(table=31,zone=65520)',
    'table=31,priority=200,ct_state=+new+trk,ip,actions=ct(commit,table=110,zone=65520)',
    'table=31,priority=190,ct_state=+est+trk,ip,actions=goto_table:110',
    'table=110,priority=200,ip,actions=load:0x30->NXM_NX_REG1[],output:NXM_NX_REG1[]',
  ];
  for (let i = 0; i < 500; i++) {
    lines.push(`table=50,priority=200,ip,nw_src=10.${(i >> 8) & 255}.${i & 255}.1,actions=conjunction(${i + 1},1/2)`);
  }
  return lines.join('\n') + '\n';
}

const FLOW = 'in_port=49,tcp,nw_src=10.222.1.48,nw_dst=10.222.1.47,tp_dst=80';

async function time<T>(label: string, f: () => Promise<T>, n = 1): Promise<T> {
  const t = performance.now();
  const r = await f();
  const ms = performance.now() - t;
  console.log(n === 1 ? `${label}: ${ms.toFixed(1)} ms` : `${label}: ${(ms / n).toFixed(3)} ms each (${n} in ${ms.toFixed(0)} ms)`);
  return r;
}

const ovs = await time('startOvs', () => startOvs());
try {
  await time('setPorts (6 ports, 1 transaction)', () => ovs.setPorts(PORTS));
  await time('setPorts again (no change)', () => ovs.setPorts(PORTS));
  const text = flows();
  const r = await time('replaceFlows fresh (505 flows, OF1.3)', () => ovs.replaceFlows(text));
  if (!r.ok) throw new Error(r.stderr);
  await time('replaceFlows fresh:false (no change)', () => ovs.replaceFlows(text, 'OpenFlow13', { fresh: false }));
  await time('dumpFlows (505 flows)', () => ovs.dumpFlows());
  const first = await time('first trace', () => ovs.trace(FLOW));
  const ref = normalizeRecirc(first);
  const list = Array<string>(TRACES).fill(FLOW);
  for (const [via, concurrency] of [['spawn', 1], ['spawn', 4], ['socket', 1], ['socket', 4]] as const) {
    const n = via === 'spawn' ? Math.min(TRACES, 300) : TRACES;
    const out = await time(`traceMany via=${via} concurrency=${concurrency}`,
      () => ovs.traceMany(list.slice(0, n), [], { via, concurrency, normalize: true }), n);
    if (!out.every((o) => o.exitCode === 0 && o.stdout === ref)) throw new Error(`traces via ${via} differ`);
  }
} finally {
  await time('stop', () => ovs.stop());
}
