/**
 * TextMate patterns shared by the ovs-flows and ovs-trace grammars: the
 * pieces of a flow's match and of its actions, as ovs-ofctl and
 * ofproto/trace print them.
 */
type Pattern = Record<string, unknown>;

/** Literal values: port names in quotes, MACs, IPv4/IPv6 with masks, hex, decimals. */
export const valuePatterns: Record<string, Pattern> = {
  "port-name": { match: '"[^"]*"', name: "string.quoted.double.port-name.ovs" },
  mac: {
    match: "\\b[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}(?:/[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})?\\b",
    name: "constant.other.mac.ovs",
  },
  ipv4: {
    match: "\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?:/(?:\\d{1,3}(?:\\.\\d{1,3}){3}|\\d{1,2}))?\\b",
    name: "constant.other.ipv4.ovs",
  },
  ipv6: {
    match: "(?<![\\w:])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}(?:/\\d{1,3})?(?![\\w:])|(?<![\\w:])::(?:[0-9a-fA-F]{1,4})?(?![\\w:])",
    name: "constant.other.ipv6.ovs",
  },
  hex: { match: "\\b0x[0-9a-fA-F]+(?:/0x[0-9a-fA-F]+)?\\b", name: "constant.numeric.hex.ovs" },
  decimal: { match: "(?<![\\w.])\\d+(?:/\\d+)?(?![\\w.])", name: "constant.numeric.decimal.ovs" },
};

const valueIncludes = ["port-name", "mac", "ipv4", "ipv6", "hex", "decimal"].map((k) => ({ include: `#${k}` }));

export const PROTOCOLS =
  "ip|ipv6|tcp|tcp6|udp|udp6|icmp|icmp6|arp|rarp|sctp|sctp6|igmp|mpls|mplsm|eth|dl_type_only";

const ACTIONS = [
  "goto_table", "resubmit", "output", "load", "move", "set_field", "mod_dl_src", "mod_dl_dst", "mod_nw_src",
  "mod_nw_dst", "mod_nw_tos", "mod_tp_src", "mod_tp_dst", "mod_vlan_vid", "mod_vlan_pcp", "strip_vlan",
  "push_vlan", "pop_vlan", "dec_ttl", "ct_clear", "ct", "conjunction", "learn", "group", "meter", "note",
  "controller", "drop", "normal", "NORMAL", "IN_PORT", "LOCAL", "FLOOD", "ALL", "exec", "nat", "commit", "force",
  "zone", "table", "alg", "multipath", "bundle", "bundle_load", "write_metadata", "clear_actions",
  "write_actions", "enqueue", "set_queue", "pop_queue", "fin_timeout", "sample", "clone", "check_pkt_larger",
  "set_tunnel", "set_tunnel64", "delete_learned", "idle_timeout", "hard_timeout", "priority", "cookie",
  "max_len", "reason", "userdata", "pause", "src", "dst", "random", "hash", "persistent",
];

/** The parts of a match: protocol keywords, ct_state flags, `field=` names, values. */
export const matchPatterns: Record<string, Pattern> = {
  ...valuePatterns,
  protocol: {
    match: `(?<=^|[\\s,(])(?:${PROTOCOLS})(?=[,\\s)]|$)`,
    name: "storage.type.protocol.ovs",
  },
  "ct-flags": {
    match: "\\b(ct_state)(=)((?:[-+!]?(?:new|est|rel|rpl|inv|trk|snat|dnat)\\|?)+)(?:/(0x[0-9a-f]+))?",
    captures: {
      1: { name: "variable.parameter.field.ovs" },
      2: { name: "keyword.operator.assignment.ovs" },
      3: { name: "constant.language.ct-state.ovs" },
      4: { name: "constant.numeric.hex.ovs" },
    },
  },
  field: {
    match: "\\b([a-zA-Z_][a-zA-Z0-9_]*)(=)",
    captures: {
      1: { name: "variable.parameter.field.ovs" },
      2: { name: "keyword.operator.assignment.ovs" },
    },
  },
  match: {
    patterns: [{ include: "#ct-flags" }, { include: "#protocol" }, { include: "#field" }, ...valueIncludes],
  },
};

/** The parts of an action list: action names, field references with bit ranges, `->`. */
export const actionPatterns: Record<string, Pattern> = {
  "field-ref": {
    match: "\\b((?:NXM|OXM)_[A-Z0-9_]+|reg\\d+|xreg\\d+|xxreg\\d+|tun_[a-z0-9_]+|ct_(?:mark|label|state|zone)|metadata|pkt_mark|eth_(?:src|dst|type)|ip_(?:src|dst)|ipv6_(?:src|dst)|arp_(?:op|spa|tpa|sha|tha)|in_port|nw_(?:src|dst|ttl|tos)|dl_(?:src|dst|type)|tp_(?:src|dst))(\\[)([0-9]*(?:\\.\\.[0-9]+)?)(\\])",
    captures: {
      1: { name: "variable.other.field.ovs" },
      2: { name: "punctuation.section.brackets.ovs" },
      3: { name: "constant.numeric.range.ovs" },
      4: { name: "punctuation.section.brackets.ovs" },
    },
  },
  "action-name": {
    match: `\\b(?:${ACTIONS.join("|")})\\b(?=[:(,=]|$|\\s)`,
    name: "support.function.action.ovs",
  },
  arrow: { match: "->", name: "keyword.operator.arrow.ovs" },
  "field-name-ref": {
    match: "(?<=->|:)\\b(?:[a-z][a-z0-9_]*)\\b(?=$|[,)\\s])",
    name: "variable.other.field.ovs",
  },
  actions: {
    patterns: [
      { include: "#field-ref" },
      { include: "#ct-flags" },
      { include: "#arrow" },
      { include: "#action-name" },
      ...valueIncludes,
      { include: "#field-name-ref" },
    ],
  },
};
