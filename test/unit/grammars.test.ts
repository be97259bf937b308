import { describe, expect, it } from "vitest";
import { highlight, tokenScopes } from "../../src/lib/highlight.ts";

/** The innermost scope of the first token whose text is exactly `text`. */
async function scopeOf(code: string, lang: "ovs-flows" | "ovs-trace" | "shell-session", text: string): Promise<string> {
  const lines = await tokenScopes(code, lang);
  for (const line of lines) {
    for (const t of line) {
      if (t.content === text) return t.scopes[t.scopes.length - 1]!;
    }
  }
  throw new Error(`no token "${text}" in ${JSON.stringify(lines.flat().map((t) => t.content))}`);
}

describe("ovs-flows grammar", () => {
  const dump =
    "NXST_FLOW reply (xid=0x4):\n" +
    ' cookie=0x1030000000000, duration=1.5s, table=70, n_packets=0, n_bytes=0, idle_age=3, priority=200,ip,reg0=0x10000/0x10000,in_port="antrea-tun0",dl_dst=aa:bb:cc:dd:ee:ff,nw_dst=10.222.1.48 actions=mod_dl_src:4e:99:08:c1:53:be,load:0x30->NXM_NX_REG1[],ct(commit,table=110,zone=65520),goto_table:80\n' +
    " cookie=0x0, table=31, priority=210,ct_state=-new+trk,ct_mark=0x20,ip actions=drop\n";

  it("marks the reply header, statistics and the flow keys", async () => {
    expect(await scopeOf(dump, "ovs-flows", "NXST_FLOW reply (xid=0x4):")).toBe("comment.line.reply-header.ovs");
    expect(await scopeOf(dump, "ovs-flows", "duration=1.5s")).toBe("comment.other.stats.ovs");
    expect(await scopeOf(dump, "ovs-flows", "cookie")).toBe("keyword.other.flow-key.ovs");
    expect(await scopeOf(dump, "ovs-flows", "priority")).toBe("keyword.other.flow-key.ovs");
    expect(await scopeOf(dump, "ovs-flows", "0x1030000000000")).toBe("constant.numeric.hex.ovs");
  });

  it("marks match fields, protocols, values and port names", async () => {
    expect(await scopeOf(dump, "ovs-flows", "ip")).toBe("storage.type.protocol.ovs");
    expect(await scopeOf(dump, "ovs-flows", "dl_dst")).toBe("variable.parameter.field.ovs");
    expect(await scopeOf(dump, "ovs-flows", "aa:bb:cc:dd:ee:ff")).toBe("constant.other.mac.ovs");
    expect(await scopeOf(dump, "ovs-flows", "10.222.1.48")).toBe("constant.other.ipv4.ovs");
    expect(await scopeOf(dump, "ovs-flows", '"antrea-tun0"')).toBe("string.quoted.double.port-name.ovs");
    expect(await scopeOf(dump, "ovs-flows", "0x10000/0x10000")).toBe("constant.numeric.hex.ovs");
    expect(await scopeOf(dump, "ovs-flows", "-new+trk")).toBe("constant.language.ct-state.ovs");
  });

  it("marks actions, field references and arrows", async () => {
    expect(await scopeOf(dump, "ovs-flows", "actions")).toBe("keyword.control.actions.ovs");
    expect(await scopeOf(dump, "ovs-flows", "mod_dl_src")).toBe("support.function.action.ovs");
    expect(await scopeOf(dump, "ovs-flows", "goto_table")).toBe("support.function.action.ovs");
    expect(await scopeOf(dump, "ovs-flows", "NXM_NX_REG1")).toBe("variable.other.field.ovs");
    expect(await scopeOf(dump, "ovs-flows", "->")).toBe("keyword.operator.arrow.ovs");
    expect(await scopeOf(dump, "ovs-flows", "drop")).toBe("support.function.action.ovs");
  });
});

describe("ovs-trace grammar", () => {
  const trace = [
    "Flow: tcp,in_port=49,vlan_tci=0x0000,dl_src=be:2c:bf:e4:ec:c5,nw_src=10.222.1.48,tp_dst=80,tcp_flags=syn",
    "",
    'bridge("br-int")',
    "----------------",
    " 0. in_port=49, priority 190, cookie 0x1030000000000",
    "    load:0x2->NXM_NX_REG0[0..15]",
    "    goto_table:10",
    "30. ip, priority 200, cookie 0x1000000000000",
    "    ct(table=31,zone=65520)",
    "     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 31.",
    "     >> Nonexistent output port",
    "",
    "Final flow: unchanged",
    "Megaflow: recirc_id=0,eth,ip,in_port=49,nw_frag=no",
    "Datapath actions: ct(zone=65520),recirc(0x1)",
    "",
    "===============================================================================",
    "recirc(0x1) - resume conntrack with default ct_state=trk|new (use --ct-next to customize)",
    "===============================================================================",
    "    thaw",
    "        Resuming from table 31",
  ].join("\n");

  it("marks the summary lines and the bridge heading", async () => {
    expect(await scopeOf(trace, "ovs-trace", "Flow")).toBe("keyword.control.summary.ovs-trace");
    expect(await scopeOf(trace, "ovs-trace", "Final flow")).toBe("keyword.control.summary.ovs-trace");
    expect(await scopeOf(trace, "ovs-trace", "Megaflow")).toBe("keyword.control.summary.ovs-trace");
    expect(await scopeOf(trace, "ovs-trace", "Datapath actions")).toBe("keyword.control.summary.ovs-trace");
    expect(await scopeOf(trace, "ovs-trace", "bridge")).toBe("entity.name.section.bridge.ovs-trace");
    expect(await scopeOf(trace, "ovs-trace", "----------------")).toBe("comment.line.rule.ovs-trace");
  });

  it("marks table lines with their priority and cookie", async () => {
    expect(await scopeOf(trace, "ovs-trace", "30")).toBe("constant.numeric.table.ovs-trace");
    expect(await scopeOf(trace, "ovs-trace", "priority")).toBe("keyword.other.flow-key.ovs");
    expect(await scopeOf(trace, "ovs-trace", "0x1000000000000")).toBe("constant.numeric.hex.ovs");
    expect(await scopeOf(trace, "ovs-trace", "in_port")).toBe("variable.parameter.field.ovs");
  });

  it("marks actions, details, warnings and banners", async () => {
    expect(await scopeOf(trace, "ovs-trace", "load")).toBe("support.function.action.ovs");
    expect(await scopeOf(trace, "ovs-trace", "ct")).toBe("support.function.action.ovs");
    expect(await scopeOf(trace, "ovs-trace", "->")).toBe("keyword.operator.arrow.ovs");
    expect(await scopeOf(trace, "ovs-trace", "Nonexistent output port")).toBe("invalid.illegal.warning.ovs-trace");
    expect(await scopeOf(trace, "ovs-trace", "recirc(0x1)")).toBe("entity.name.section.recirc.ovs-trace");
    expect(await scopeOf(trace, "ovs-trace", "thaw")).toBe("keyword.control.thaw.ovs-trace");
    expect(
      await scopeOf(trace, "ovs-trace", "===============================================================================")
    ).toBe("comment.line.banner.ovs-trace");
  });
});

describe("shell-session grammar", () => {
  const session = "vmware@worker1:~$ ovs-ofctl dump-flows br-int table=70 --no-stats\n cookie=0x0, table=70, priority=0 actions=goto_table:80";

  it("splits the prompt from the command and leaves output plain", async () => {
    expect(await scopeOf(session, "shell-session", "vmware@worker1")).toBe("entity.name.tag.user-host.shell-session");
    expect(await scopeOf(session, "shell-session", "$")).toBe("keyword.operator.prompt.shell-session");
    const lines = await tokenScopes(session, "shell-session");
    expect(lines[0]!.some((t) => t.scopes.includes("meta.command.shell-session"))).toBe(true);
    expect(lines[1]!.every((t) => t.scopes.includes("meta.output.shell-session"))).toBe(true);
  });
});

describe("highlight", () => {
  it("renders both themes as CSS variables, with no fixed colour", async () => {
    const html = await highlight(" cookie=0x0, table=0, priority=0 actions=drop", "ovs-flows");
    expect(html).toContain("--shiki-light:");
    expect(html).toContain("--shiki-dark:");
    expect(html).not.toMatch(/[";]color:/);
  });
});
