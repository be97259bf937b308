// fast-check generators of ovs-ofctl flow lines, built from the engine's field
// registry: valid lines (every field in its own syntax, with and without
// masks, with the prerequisites it needs) and deliberately broken ones (bad
// values and masks, missing prerequisites, unknown names, broken actions).

import fc from 'fast-check';
import { FIELDS, type FieldDef } from '../../src/ofp/fields.ts';

const hex = (n: bigint) => '0x' + n.toString(16);
const mac = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 })
  .map((b) => b.map((x) => x.toString(16).padStart(2, '0')).join(':'));
const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((b) => b.join('.'));
const ipv6 = fc.oneof(
  fc.constantFrom('::1', '::', '2001:db8::1', 'fe80::1:2', '::ffff:10.0.0.1', '2001:db8:0:0:1:0:0:1'),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':')),
);
const PORTS = ['1', '2', '3', '4', '48', '49', '"antrea-gw0"', '"frontend-a3ba2f"', 'LOCAL', 'IN_PORT', '65279', 'antrea-tun0'];

/** The prerequisite match text a field needs (empty when none). */
function prereqText(f: FieldDef): fc.Arbitrary<string> {
  switch (f.prereq) {
    case 'ip': return fc.constantFrom('ip', 'tcp', 'udp', 'icmp', 'dl_type=0x0800');
    case 'ipv6': return fc.constantFrom('ipv6', 'tcp6', 'udp6', 'icmp6');
    case 'ip_any': return fc.constantFrom('ip', 'ipv6', 'tcp', 'udp6');
    case 'arp': return fc.constantFrom('arp', 'rarp');
    case 'tcp': return fc.constantFrom('tcp', 'tcp6');
    case 'udp': return fc.constantFrom('udp', 'udp6');
    case 'sctp': return fc.constantFrom('sctp', 'sctp6');
    case 'icmpv4': return fc.constant('icmp');
    case 'icmpv6': return fc.constant('icmp6');
    case 'vlan': return fc.constant('dl_vlan=5');
    case 'ct_valid': return fc.constantFrom('ct_state=+new+trk,ip', 'ct_state=-inv+trk,ip', 'ct_state=+est,ip');
    default: return fc.constant('');
  }
}

/** A value of the field in its own syntax, sometimes masked. */
function valueText(f: FieldDef, masked: boolean): fc.Arbitrary<string> {
  const bits = BigInt(f.bits);
  const intVal = fc.bigInt({ min: 0n, max: (1n << bits) - 1n });
  switch (f.format) {
    case 'mac': return masked ? fc.tuple(mac, mac).map(([v, m]) => `${v}/${m}`) : mac;
    case 'ipv4': return masked
      ? fc.oneof(fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([v, n]) => `${v}/${n}`), fc.tuple(ipv4, ipv4).map(([v, m]) => `${v}/${m}`))
      : ipv4;
    case 'ipv6': return masked ? fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([v, n]) => `${v}/${n}`) : ipv6;
    case 'port': return fc.constantFrom(...PORTS);
    case 'ct_state': return fc.constantFrom('+trk', '-new+trk', '+new-est+trk', '+est+rpl+trk', 'trk|new', '0x21/0x21', '+trk-inv', '+dnat+trk');
    case 'tcp_flags': return fc.constantFrom('+syn', '+syn-ack', 'syn|ack', '-fin-rst', '0x12/0xff', '+[800]');
    case 'tun_flags': return fc.constantFrom('+oam', '-oam', 'oam', '0');
    case 'frag': return fc.constantFrom('no', 'yes', 'first', 'later', 'not_later');
    case 'dec':
      return masked && f.maskable
        ? fc.tuple(intVal, intVal).map(([v, m]) => `${hex(v)}/${hex(m)}`)
        : intVal.map((v) => (f.bits <= 16 ? v.toString() : hex(v)));
    case 'hex':
      return masked && f.maskable ? fc.tuple(intVal, intVal).map(([v, m]) => `${hex(v)}/${hex(m)}`) : intVal.map(hex);
  }
}

/** Fields a generated match may use (all of the registry's matchable ones). */
const MATCH_FIELDS = FIELDS.filter((f) => !f.unmatchable && !['dp_hash', 'recirc_id', 'in_port_oxm', 'tun_metadata0'].includes(f.name));

const matchItem: fc.Arbitrary<string> = fc.constantFrom(...MATCH_FIELDS).chain((f) =>
  fc.tuple(prereqText(f), fc.boolean(), fc.constantFrom(f.name, ...f.aliases)).chain(([pre, masked, name]) =>
    valueText(f, masked).map((v) => (pre ? `${pre},${name}=${v}` : `${name}=${v}`))));

/** Actions that are valid for any match. */
const PLAIN_ACTIONS = [
  'drop', 'NORMAL', 'IN_PORT', 'LOCAL', 'output:2', 'output:"frontend-a3ba2f"', 'output:NXM_NX_REG1[]', 'output:NXM_NX_REG1[0..15]',
  'resubmit(,30)', 'resubmit(1,30)', 'resubmit:3', 'CONTROLLER:128', 'controller(reason=no_match,id=7,userdata=01.02)',
  'load:0x1->NXM_NX_REG0[0..15]', 'load:0->NXM_NX_REG0[16]', 'load:0x30->NXM_NX_REG1[]', 'load:0x1->NXM_NX_XXREG1[]',
  'load:0xa4f01ca->NXM_NX_TUN_IPV4_DST[]', 'load:0x4e9908c153be->NXM_OF_ETH_DST[]', 'set_field:0x30->reg1',
  'set_field:0x2/0xffff->reg0', 'set_field:0x5/0x505->reg8', 'set_field:aa:bb:cc:dd:ee:ff->eth_src', 'set_field:10.79.1.202->tun_dst',
  'set_field:0x1->tun_id', 'mod_dl_dst:4e:99:08:c1:53:be', 'move:NXM_NX_REG0[]->NXM_NX_REG1[]', 'move:reg0[0..15]->reg1[16..31]',
  'group:1', 'note:01.02.03', 'ct_clear', 'push_vlan:0x8100', 'write_metadata:0x10/0xff', 'meter:256,output:1',
  'learn(table=10,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])',
  'output:2,goto_table:60', 'clear_actions,goto_table:60', 'write_actions(output:2)',
];

/** Actions that need an IP match. */
const IP_ACTIONS = [
  'dec_ttl', 'ct(table=31,zone=65520)', 'ct(table=31,zone=65520,nat)', 'ct(commit,table=110,zone=65520,exec(load:0x20->NXM_NX_CT_MARK[]))',
  'ct(commit,nat(src=10.10.10.1-10.10.10.9:1000-2000,random))', 'ct(commit,zone=NXM_NX_REG10[0..15])', 'mod_nw_tos:32',
  'set_field:10.0.0.1->ip_dst', 'mod_nw_src:10.0.0.1', 'load:0x1->NXM_NX_CT_LABEL[0..31]',
];

const BROKEN_ACTIONS = [
  'bogus', 'output:99999', 'output:nosuchport', 'load:0x10000->NXM_NX_REG0[0..15]', 'load:0x1->NXM_NX_REG0[0..40]',
  'move:NXM_NX_REG0[]->NXM_NX_REG1[0..15]', 'set_field:0x1->ct_state', 'set_field:0x100000000->reg0', 'resubmit(,300)',
  'goto_table:abc', 'conjunction(1,3/2)', 'conjunction(1,1/1)', 'ct(commit,nat(src=1.1.1.2-1.1.1.1))', 'ct(force)',
  'drop,output:1', 'goto_table:70,output:1', 'write_metadata:0x1,clear_actions', 'meter:0', 'note:xyz',
  'set_field:0x20->ct_mark', 'ct(commit,exec(output:1))', 'controller(reason=foo)', 'push_vlan:0x800', 'output:ANY',
  'mod_nw_src:1.2.3.4', 'dec_ttl', 'learn(foo=bar)', 'group:999', 'meter:999',
];

/** A flow line that ovs-ofctl should accept (mostly; prerequisites can still clash). */
export const validFlow: fc.Arbitrary<string> = fc.record({
  table: fc.constantFrom('', 'table=0,', 'table=1,', 'table=5,', 'table=200,'),
  priority: fc.constantFrom('', 'priority=0,', 'priority=100,', 'priority=200,', 'priority=65535,'),
  cookie: fc.constantFrom('', 'cookie=0x1030000000000,'),
  items: fc.array(matchItem, { minLength: 0, maxLength: 3 }),
  ip: fc.boolean(),
}).chain(({ table, priority, cookie, items, ip }) =>
  fc.constantFrom(...(ip ? IP_ACTIONS : PLAIN_ACTIONS)).map((act) => {
    const m = [...(ip ? ['ip'] : []), ...items].join(',');
    return `${cookie}${table}${priority}${m ? m + ',' : ''}actions=${act}`;
  }));

const brokenMatchItem: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'nw_src=bogus', 'ip,nw_src=1.2.3.4/33', 'dl_src=00:11:22:33:44', 'tcp,tp_dst=65536', 'tcp,tp_dst=80/0x1ffff',
    'ip,nw_ttl=1/0xf', 'reg16=1', 'reg0=xyz', 'ct_state=+foo', 'ct_state=+trk+trk', 'ct_zone=1/0xff', 'in_port=99999',
    'foo=1', 'table=256', 'priority=65536', 'cookie=1/1', 'ip,nw_frag=maybe', 'tcp,tcp_flags=+bogus', 'conj_id=1/0xff',
    'ipv6,ipv6_label=0x100000', 'ct_state=+trk,ip,ct_nw_src=1.1.1.1', 'dp_hash=1', 'table=254', 'metadata=0x10000000000000000',
    'in_port=0xfffe', 'table=0x10', 'idle_timeout=65536',
  ),
  // A field with a value in another field's syntax.
  fc.tuple(fc.constantFrom(...MATCH_FIELDS), fc.constantFrom(...MATCH_FIELDS)).chain(([f, g]) =>
    fc.tuple(prereqText(f), valueText(g, false)).map(([pre, v]) => (pre ? `${pre},${f.name}=${v}` : `${f.name}=${v}`))),
);

/** A flow line with at least one broken part (it may still be accepted when the break is harmless). */
export const brokenFlow: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(brokenMatchItem, fc.constantFrom(...PLAIN_ACTIONS)).map(([m, a]) => `${m},actions=${a}`),
  fc.tuple(fc.array(matchItem, { maxLength: 2 }), fc.constantFrom(...BROKEN_ACTIONS)).map(([m, a]) => `${[...m, ''].join(',')}actions=${a}`),
  fc.constantFrom('ip', 'ip,actions', 'actions=', 'priority=5'),
);

// ---------------------------------------------------------------------------
// Dump-order scenarios: many match shapes and priorities in a few tables,
// with re-adds, modifications and deletions.

const SHAPES: readonly ((v: number) => string)[] = [
  (v) => `ip,nw_src=10.0.0.${v}`,
  (v) => `ip,nw_dst=10.${v}.0.0/16`,
  (v) => `tcp,tp_dst=${80 + v}`,
  (v) => `udp,tp_dst=${50 + v}`,
  (v) => `arp,arp_op=${1 + (v % 2)}`,
  (v) => `arp,arp_spa=10.0.0.${v},arp_sha=00:00:00:00:00:0${v % 10}`,
  (v) => `in_port=${[1, 2, 3, 48, 49][v % 5]}`,
  (v) => `reg0=0x${v}/0xffff`,
  (v) => `reg1=0x${v}`,
  (v) => `ct_state=-new+trk,ct_mark=0x${v},ip`,
  (v) => `ct_state=+new+trk,ip,reg0=0x${v}/0xffff`,
  (v) => `dl_dst=00:00:00:00:00:${String(v).padStart(2, '0')}`,
  (v) => `ip,in_port=${[2, 3][v % 2]},dl_src=00:00:00:00:01:0${v % 10},nw_src=10.1.0.${v}`,
  (v) => `tcp,reg1=0x${v},tp_dst=80`,
  (v) => `conj_id=${v},ip`,
  (v) => `tp_dst=${v}`,
  () => '',
  () => 'ip',
];

export interface Op {
  /** `add` (add-flows), `mod` (mod-flows --strict: new actions, same place rules as a re-add), `del` (del-flows --strict). */
  readonly kind: 'add' | 'mod' | 'del';
  readonly flow: string;
  /** The flow without actions, for --strict mod/del. */
  readonly key: string;
}

const flowKey = fc.record({
  table: fc.constantFrom(0, 3, 10),
  priority: fc.constantFrom(0, 100, 150, 200, 210),
  shape: fc.integer({ min: 0, max: SHAPES.length - 1 }),
  v: fc.integer({ min: 1, max: 4 }),
}).map(({ table, priority, shape, v }) => {
  const m = SHAPES[shape]!(v);
  return `table=${table},priority=${priority}${m ? ',' + m : ''}`;
});

const op: fc.Arbitrary<Op> = fc.tuple(fc.constantFrom('add', 'add', 'add', 'mod', 'del'), flowKey, fc.integer({ min: 1, max: 49 }))
  .map(([kind, key, out]) => ({ kind: kind as Op['kind'], key, flow: `${key},actions=output:${out}` }));

/** A scenario: an initial add-flows batch, then single operations. */
export const scenario = fc.record({
  initial: fc.array(flowKey.chain((k) => fc.integer({ min: 1, max: 49 }).map((o) => `${k},actions=output:${o}`)), { minLength: 5, maxLength: 40 }),
  ops: fc.array(op, { minLength: 3, maxLength: 12 }),
});
