/**
 * TextMate grammar for `ovs-ofctl dump-flows` output: the reply header,
 * cookie/table/priority, statistics, match fields and protocol keywords,
 * actions, and the literal values (MACs, IPs, hex, port names in quotes).
 */
import type { LanguageRegistration } from "shiki";
import { actionPatterns, matchPatterns } from "./ovs-common.ts";

export const ovsFlows: LanguageRegistration = {
  name: "ovs-flows",
  scopeName: "source.ovs-flows",
  displayName: "OVS flows",
  aliases: ["ovs-flow", "dump-flows"],
  patterns: [
    { include: "#comment" },
    { include: "#reply-header" },
    { include: "#actions-region" },
    { include: "#stats" },
    { include: "#header-key" },
    { include: "#match" },
  ],
  repository: {
    comment: { match: "^\\s*#.*$", name: "comment.line.number-sign.ovs" },
    "reply-header": {
      match: "^\\s*(?:NXST_FLOW|OFPST_FLOW)\\s+reply\\b.*$",
      name: "comment.line.reply-header.ovs",
    },
    stats: {
      match: "\\b(?:duration|n_packets|n_bytes|idle_age|hard_age)=[^,\\s]+",
      name: "comment.other.stats.ovs",
    },
    "header-key": {
      match: "\\b(cookie|table|priority|idle_timeout|hard_timeout|importance)(=)",
      captures: {
        1: { name: "keyword.other.flow-key.ovs" },
        2: { name: "keyword.operator.assignment.ovs" },
      },
    },
    "actions-region": {
      begin: "\\b(actions)(=)",
      beginCaptures: {
        1: { name: "keyword.control.actions.ovs" },
        2: { name: "keyword.operator.assignment.ovs" },
      },
      end: "$",
      patterns: [{ include: "#actions" }],
    },
    ...matchPatterns,
    ...actionPatterns,
  },
};
