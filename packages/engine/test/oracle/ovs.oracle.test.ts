// Checks the oracle harness against a real ovs-vswitchd (Debian's 3.1).
// Does not skip when OVS is missing: it fails and says how to install it.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { missingOvsTools, normalizeRecirc, ovsAvailable, parseFlows, startOvs, stripVlog, OVS_INSTALL_HINT } from './ovs.ts';
import type { Ovs, PortSpec } from './ovs.ts';

const MISSING_MESSAGE = `Open vSwitch binaries missing (${missingOvsTools().join(', ')}). ${OVS_INSTALL_HINT}`;

// The seed lab's worker1 (seed-lab.md §1, §3.3).
const WORKER1_DPID = '0000c6d974e83943';
const WORKER1_PORTS: PortSpec[] = [
  { name: 'antrea-tun0', ofport: 1, type: 'geneve', options: { csum: 'true' } },
  { name: 'antrea-gw0', ofport: 2, type: 'internal', mac: '4e:99:08:c1:53:be' },
  { name: 'coredns--3e3abf', ofport: 3 },
  { name: 'antrea-o-830766', ofport: 4 },
  { name: 'backend1-bab86f', ofport: 48 },
  { name: 'frontend-a3ba2f', ofport: 49 },
];

// Not Antrea's flows: a small file that exercises ct() recirculation, a
// tunnel output and the dump order within a table.
const FLOWS = `\
table=0,priority=200,in_port=2,actions=load:0x1->NXM_NX_REG0[0..15],goto_table:10
table=0,priority=200,in_port=1,actions=load:0->NXM_NX_REG0[0..15],load:0x1->NXM_NX_REG0[19],goto_table:30
table=0,priority=190,in_port=49,actions=load:0x2->NXM_NX_REG0[0..15],goto_table:10
table=0,priority=190,in_port=48,actions=load:0x2->NXM_NX_REG0[0..15],goto_table:10
table=0,priority=0,actions=drop
table=10,priority=200,ip,in_port=49,dl_src=be:2c:bf:e4:ec:c5,nw_src=10.222.1.48,actions=goto_table:30
table=10,priority=200,arp,in_port=49,arp_spa=10.222.1.48,arp_sha=be:2c:bf:e4:ec:c5,actions=NORMAL
table=10,priority=200,ip,in_port=2,actions=goto_table:30
table=10,priority=0,actions=drop
table=30,priority=200,ip,actions=ct(table=31,zone=65520)
table=31,priority=200,ct_state=+inv+trk,ip,actions=drop
table=31,priority=0,actions=goto_table:70
table=70,priority=200,ip,nw_dst=10.222.1.47,actions=set_field:4e:99:08:c1:53:be->eth_src,set_field:f2:32:d8:07:e2:a6->eth_dst,dec_ttl,load:0x30->NXM_NX_REG1[],goto_table:110
table=70,priority=200,ip,nw_dst=10.222.2.0/24,actions=dec_ttl,set_field:4e:99:08:c1:53:be->eth_src,set_field:aa:bb:cc:dd:ee:ff->eth_dst,load:0xa4f01ca->NXM_NX_TUN_IPV4_DST[],load:0x1->NXM_NX_REG1[],goto_table:110
table=70,priority=0,actions=drop
table=110,priority=200,ip,actions=output:NXM_NX_REG1[]
table=110,priority=0,actions=drop
`;

// Verbatim from ovs-ofctl 3.1 (-O OpenFlow13 dump-flows br-int --no-stats).
const DUMP = `\
 priority=200,in_port=2 actions=load:0x1->NXM_NX_REG0[0..15],goto_table:10
 priority=200,in_port=1 actions=load:0->NXM_NX_REG0[0..15],load:0x1->NXM_NX_REG0[19],goto_table:30
 priority=190,in_port=49 actions=load:0x2->NXM_NX_REG0[0..15],goto_table:10
 priority=190,in_port=48 actions=load:0x2->NXM_NX_REG0[0..15],goto_table:10
 priority=0 actions=drop
 table=10, priority=200,ip,in_port=49,dl_src=be:2c:bf:e4:ec:c5,nw_src=10.222.1.48 actions=goto_table:30
 table=10, priority=200,arp,in_port=49,arp_spa=10.222.1.48,arp_sha=be:2c:bf:e4:ec:c5 actions=NORMAL
 table=10, priority=200,ip,in_port=2 actions=goto_table:30
 table=10, priority=0 actions=drop
 table=30, priority=200,ip actions=ct(table=31,zone=65520)
 table=31, priority=200,ct_state=+inv+trk,ip actions=drop
 table=31, priority=0 actions=goto_table:70
 table=70, priority=200,ip,nw_dst=10.222.1.47 actions=set_field:4e:99:08:c1:53:be->eth_src,set_field:f2:32:d8:07:e2:a6->eth_dst,dec_ttl,load:0x30->NXM_NX_REG1[],goto_table:110
 table=70, priority=200,ip,nw_dst=10.222.2.0/24 actions=dec_ttl,set_field:4e:99:08:c1:53:be->eth_src,set_field:aa:bb:cc:dd:ee:ff->eth_dst,load:0xa4f01ca->NXM_NX_TUN_IPV4_DST[],load:0x1->NXM_NX_REG1[],goto_table:110
 table=70, priority=0 actions=drop
 table=110, priority=200,ip actions=output:NXM_NX_REG1[]
 table=110, priority=0 actions=drop
`;

const POD_TO_POD = 'in_port=49,tcp,dl_src=be:2c:bf:e4:ec:c5,dl_dst=aa:bb:cc:dd:ee:ff,' +
  'nw_src=10.222.1.48,nw_dst=10.222.1.47,nw_ttl=64,tp_dst=80';
const GW_TO_REMOTE = 'in_port=2,tcp,nw_src=10.222.1.1,nw_dst=10.222.2.5,nw_ttl=64,tp_dst=80';

const lastLine = (text: string): string => text.trimEnd().split('\n').pop() ?? '';

// Outside the describe block, so that it runs (and fails) on its own when
// the binaries are missing instead of being reported as skipped.
it('has the Open vSwitch binaries (run script/test to install them)', () => {
  expect(missingOvsTools(), MISSING_MESSAGE).toEqual([]);
});

describe('OVS oracle (real ovs-vswitchd, dummy datapath)', () => {
  let ovs: Ovs;

  beforeAll(async () => {
    if (!ovsAvailable()) throw new Error(MISSING_MESSAGE);
    ovs = await startOvs({ dpid: WORKER1_DPID });
    await ovs.setPorts(WORKER1_PORTS);
    const r = await ovs.replaceFlows(FLOWS, 'OpenFlow13');
    if (!r.ok) throw new Error(`loading the test flows failed: ${r.stderr}`);
  }, 20_000);

  afterAll(async () => {
    await ovs?.stop();
  }, 20_000);

  it('dumps the flows in OVS order, without stats', async () => {
    expect(await ovs.dumpFlows(['--no-stats'], 'OpenFlow13')).toBe(DUMP);
    // OpenFlow 1.0 (ovs-ofctl's default) has no goto_table.
    const of10 = await ovs.dumpFlows(['--no-stats', 'table=0'], 'OpenFlow10');
    expect(of10.split('\n')[0]).toBe(' priority=200,in_port=2 actions=load:0x1->NXM_NX_REG0[0..15],resubmit(,10)');
  });

  it('shows the ports in ofport order, with no LOCAL port', async () => {
    const r = await ovs.ofctl(['show', ovs.bridge]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`OFPT_FEATURES_REPLY (xid=0x2): dpid:${WORKER1_DPID}`);
    const ports = r.stdout.split('\n').filter((l) => /^ \S+\(/.test(l)).map((l) => l.trim().split(':')[0]);
    expect(ports).toEqual([
      '1(antrea-tun0)', '2(antrea-gw0)', '3(coredns--3e3abf)', '4(antrea-o-830766)',
      '48(backend1-bab86f)', '49(frontend-a3ba2f)',
    ]);
    expect(r.stdout).not.toContain('LOCAL');
    expect(r.stdout).toContain(' 2(antrea-gw0): addr:4e:99:08:c1:53:be\n');

    const vs = await ovs.vsctl(['show']);
    expect(vs.stdout).not.toContain('Port br-int');
    expect(vs.stdout).not.toContain('fail_mode');
    expect(vs.stdout).toContain('options: {csum="true", key=flow, remote_ip=flow}');
    expect(vs.stdout).toContain(`ovs_version: "${ovs.ovsVersion}"`);
  });

  it('numbers datapath ports like ofports (tunnel: genev_sys_6081)', async () => {
    const r = await ovs.appctl(['dpif/show']);
    expect(r.stdout).toContain('    backend1-bab86f 48/48: (dummy)\n');
    expect(r.stdout).toContain('    antrea-gw0 2/2: (dummy-internal)\n');
    expect(r.stdout).toContain('    antrea-tun0 1/6081: (geneve: csum=true, key=flow, remote_ip=flow)\n');
  });

  it('traces through ct() recirculation', async () => {
    const out = normalizeRecirc(await ovs.trace(POD_TO_POD));
    expect(out).toContain('bridge("br-int")\n----------------\n 0. in_port=49, priority 190\n');
    expect(out).toContain('Datapath actions: ct(zone=65520),recirc(0x1)\n');
    expect(out).toContain('recirc(0x1) - resume conntrack with default ct_state=trk|new (use --ct-next to customize)\n');
    expect(lastLine(out)).toBe('Datapath actions: set(eth(src=4e:99:08:c1:53:be,dst=f2:32:d8:07:e2:a6)),set(ipv4(ttl=63)),48');
    // The socket client returns what a real ovs-appctl prints.
    const viaSpawn = normalizeRecirc(await ovs.trace(POD_TO_POD, [], { via: 'spawn' }));
    expect(viaSpawn).toBe(out);
  });

  it('prints kernel-style tunnel output (tnl_push_pop off)', async () => {
    const out = await ovs.trace(GW_TO_REMOTE, ['--ct-next', 'trk,est'], { normalize: true });
    expect(out).toContain('recirc(0x1) - resume conntrack with ct_state=est|trk\n');
    expect(out).toContain('     -> output to kernel tunnel\n');
    expect(lastLine(out)).toBe('Datapath actions: set(tunnel(tun_id=0x0,dst=10.79.1.202,ttl=64,tp_dst=6081,' +
      'flags(df|csum|key))),set(eth(src=4e:99:08:c1:53:be,dst=aa:bb:cc:dd:ee:ff)),set(ipv4(ttl=63)),6081');
  });

  it('traceMany keeps the input order and reports rejected flows', async () => {
    const res = await ovs.traceMany([POD_TO_POD, 'in_port=49,foo=1', GW_TO_REMOTE, POD_TO_POD], [], { normalize: true });
    expect(res.map((r) => r.exitCode)).toEqual([0, 2, 0, 0]);
    expect(res[0].stdout).toBe(res[3].stdout);
    expect(res[2].stdout).toContain('recirc(0x1) - resume conntrack with default ct_state=trk|new');
    expect(lastLine(res[2].stdout)).toMatch(/^Datapath actions: set\(tunnel\(.*\),6081$/);
    expect(res[1].stderr).toBe('Bad openflow flow syntax: in_port=49,foo=1: unknown field foo\n' +
      'ovs-appctl: ovs-vswitchd: server returned an error\n');
  });

  it('reports a rejected flow with ovs-ofctl\'s error and leaves the table alone', async () => {
    const r = await ovs.addFlows('table=0,priority=10,actions=bogus\n', 'OpenFlow13');
    expect(r.ok).toBe(false);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toBe('ovs-ofctl: flows.txt:1: unknown action bogus\n');
    expect(await ovs.dumpFlows()).toBe(DUMP);
  });

  it('parses flows without a bridge', async () => {
    const good = await parseFlows('table=3,priority=5,ip,actions=goto_table:7\n', 'OpenFlow13');
    expect(good.ok).toBe(true);
    expect(good.stdout).toContain('OFPT_FLOW_MOD (OF1.3) (xid=0x1): ADD table:3 priority=5,ip actions=goto_table:7\n');
    const bad = await ovs.parseFlows('ip,nw_src=bogus,actions=drop\n');
    expect(bad.ok).toBe(false);
    expect(bad.stderr).toBe('ovs-ofctl: flows.txt:1: bogus: invalid IP address\n');
    // Some errors come with a timestamped log line first.
    const table = await parseFlows('table=300,actions=drop\n');
    expect(table.stderr).toMatch(/\|ofp_table\|WARN\|table 300 is outside the supported range 0 through 255\n/);
    expect(stripVlog(table.stderr)).toBe('ovs-ofctl: flows.txt:1: unknown table "300"\n');
  });

  it('setPorts is idempotent', async () => {
    const before = (await ovs.appctl(['dpif/show'])).stdout;
    await ovs.setPorts(WORKER1_PORTS);
    expect((await ovs.appctl(['dpif/show'])).stdout).toBe(before);
  });
});
