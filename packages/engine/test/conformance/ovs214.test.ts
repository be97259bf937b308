// OVS 2.14 prints a few things differently from 3.1 (ovs-formats.md §8). Only
// 3.1 can run here, so the engine's `ovs214` option is checked against the
// 2.14 source's behaviour. Of the differences, only the IGMP match shorthand
// concerns flows the engine models (bundle/bundle_load, set_mpls_tc and
// datapath ct timeouts are not modelled; the trace differences belong to the
// trace renderer).

import { describe, expect, it } from 'vitest';
import { fieldByName } from '../../src/ofp/fields.ts';
import { emptyMatch, formatMatch, setMatchField } from '../../src/ofp/match.ts';
import { formatFlowLine, parseFlow, type Flow } from '../../src/ofp/flow.ts';

function igmpMatch(withTp: boolean) {
  const m = emptyMatch();
  setMatchField(m, fieldByName('dl_type')!, 0x0800n, 0xffffn);
  setMatchField(m, fieldByName('nw_proto')!, 2n, 0xffn);
  if (withTp) {
    // 2.14 kept tp_src/tp_dst for IGMP (its normalization allowed them); they print as igmp_type/igmp_code.
    setMatchField(m, fieldByName('tcp_src')!, 0x11n, 0xffffn);
    setMatchField(m, fieldByName('tcp_dst')!, 0x0n, 0xffffn);
  }
  return m;
}

describe('OVS 2.14 printing (ovs214 option)', () => {
  it('prints ip,nw_proto=2 as igmp in 2.14 and as ip,nw_proto=2 in 3.1', () => {
    expect(formatMatch(igmpMatch(false), { priority: 100, ovs214: true })).toBe('priority=100,igmp');
    expect(formatMatch(igmpMatch(false), { priority: 100 })).toBe('priority=100,ip,nw_proto=2');
  });

  it('prints IGMP type and code as igmp_type/igmp_code in 2.14 and tp_src/tp_dst in 3.1', () => {
    expect(formatMatch(igmpMatch(true), { ovs214: true })).toBe('igmp,igmp_type=17,igmp_code=0');
    expect(formatMatch(igmpMatch(true), {})).toBe('ip,nw_proto=2,tp_src=17,tp_dst=0');
  });

  it('uses the shorthand in whole dump lines, and changes nothing else', () => {
    const flow = parseFlow('table=50,priority=200,ip,nw_proto=2,nw_src=10.222.1.48,actions=conjunction(1,1/2)');
    const stored: Flow = { ...flow, cookie: 0x1050000000000n };
    expect(formatFlowLine(stored, { version: 13, ovs214: true }))
      .toBe(' cookie=0x1050000000000, table=50, priority=200,igmp,nw_src=10.222.1.48 actions=conjunction(1,1/2)');
    expect(formatFlowLine(stored, { version: 13 }))
      .toBe(' cookie=0x1050000000000, table=50, priority=200,ip,nw_src=10.222.1.48,nw_proto=2 actions=conjunction(1,1/2)');
    const antrea = parseFlow('table=31,priority=210,ct_state=-new+trk,ct_mark=0x20,ip,reg0=0x1/0xffff,actions=goto_table:40');
    expect(formatFlowLine(antrea, { version: 13, ovs214: true })).toBe(formatFlowLine(antrea, { version: 13 }));
  });
});
