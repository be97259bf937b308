/**
 * TextMate grammar for `ovs-appctl ofproto/trace` output: the Flow:,
 * Final flow:, Megaflow: and Datapath actions: lines, the bridge heading,
 * table lines (`N. match, priority P, cookie C`), actions, `->` details,
 * `>>` warnings and the recirculation banners.
 */
import type { LanguageRegistration } from "shiki";
import { actionPatterns, matchPatterns } from "./ovs-common.ts";

export const ovsTrace: LanguageRegistration = {
  name: "ovs-trace",
  scopeName: "source.ovs-trace",
  displayName: "OVS trace",
  aliases: ["ofproto-trace"],
  patterns: [
    { include: "#summary-line" },
    { include: "#bridge" },
    { include: "#rule" },
    { include: "#banner-rule" },
    { include: "#recirc-banner" },
    { include: "#nat-lines" },
    { include: "#table-line" },
    { include: "#detail" },
    { include: "#error" },
    { include: "#warning" },
    { include: "#thaw" },
    { include: "#failure" },
    { include: "#slow-path" },
    { include: "#action-line" },
  ],
  repository: {
    "summary-line": {
      begin: "^(Flow|Final flow|Megaflow|Datapath actions)(:)",
      beginCaptures: {
        1: { name: "keyword.control.summary.ovs-trace" },
        2: { name: "punctuation.separator.ovs-trace" },
      },
      end: "$",
      patterns: [
        { match: "\\bunchanged\\b", name: "comment.other.unchanged.ovs-trace" },
        { include: "#datapath-action" },
        { include: "#match" },
        { include: "#actions" },
      ],
    },
    "datapath-action": {
      match: "\\b(?:ct|recirc|set|push_vlan|pop_vlan|hash|tnl_push|tnl_pop|userspace|drop|trunc|clone|meter|sample)(?=\\(|,|$)",
      name: "support.function.datapath.ovs-trace",
    },
    bridge: {
      match: '^\\s*(bridge)(\\()("[^"]*")(\\))\\s*$',
      captures: {
        1: { name: "entity.name.section.bridge.ovs-trace" },
        3: { name: "string.quoted.double.ovs" },
      },
    },
    rule: { match: "^\\s*-{4,}\\s*$", name: "comment.line.rule.ovs-trace" },
    "banner-rule": { match: "^={8,}\\s*$", name: "comment.line.banner.ovs-trace" },
    "recirc-banner": {
      match: "^(recirc\\(0x[0-9a-fA-F]+\\))(.*)$",
      captures: {
        1: { name: "entity.name.section.recirc.ovs-trace" },
        2: { name: "comment.line.banner.ovs-trace" },
      },
    },
    "nat-lines": {
      begin: "^\\s*(Replacing src/dst IP/ports to simulate NAT:|Initial flow:|Modified flow:)",
      beginCaptures: { 1: { name: "keyword.other.nat.ovs-trace" } },
      end: "$",
      patterns: [{ include: "#match" }],
    },
    "table-line": {
      begin: "^\\s*(\\d+)(\\.)(?=\\s)",
      beginCaptures: {
        1: { name: "constant.numeric.table.ovs-trace" },
        2: { name: "punctuation.separator.ovs-trace" },
      },
      end: "$",
      patterns: [
        { match: "No match(?:, and a \"packet-in\" is called for)?\\.", name: "invalid.illegal.no-match.ovs-trace" },
        {
          match: "(,\\s)?\\b(priority)\\s(\\d+)",
          captures: { 2: { name: "keyword.other.flow-key.ovs" }, 3: { name: "constant.numeric.decimal.ovs" } },
        },
        {
          match: ",\\s(cookie)\\s(0x[0-9a-fA-F]+)",
          captures: { 1: { name: "keyword.other.flow-key.ovs" }, 2: { name: "constant.numeric.hex.ovs" } },
        },
        { include: "#match" },
      ],
    },
    detail: {
      match: "^\\s*(->)\\s(.*)$",
      captures: {
        1: { name: "keyword.operator.arrow.ovs-trace" },
        2: { name: "comment.line.detail.ovs-trace" },
      },
    },
    error: { match: "^\\s*>>>>.*<<<<\\s*$", name: "invalid.illegal.error.ovs-trace" },
    warning: {
      match: "^\\s*(>>)\\s(.*)$",
      captures: {
        1: { name: "keyword.operator.warning.ovs-trace" },
        2: { name: "invalid.illegal.warning.ovs-trace" },
      },
    },
    thaw: {
      match: "^\\s*(thaw|Resuming from table)(?:\\s(\\d+))?\\s*$",
      captures: { 1: { name: "keyword.control.thaw.ovs-trace" }, 2: { name: "constant.numeric.table.ovs-trace" } },
    },
    failure: { match: "^Translation failed.*$", name: "invalid.illegal.failure.ovs-trace" },
    "slow-path": {
      match: "^(?:This flow is handled by the userspace slow path because it:|\\s+- .*)$",
      name: "comment.line.slow-path.ovs-trace",
    },
    "action-line": {
      begin: "^(?=\\s+\\S)",
      end: "$",
      patterns: [{ include: "#actions" }],
    },
    ...matchPatterns,
    ...actionPatterns,
  },
};
