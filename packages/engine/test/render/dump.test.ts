import { describe, expect, it } from "vitest";
import { Bridge } from "../../src/bridge/bridge.ts";
import { parseFlowFile } from "../../src/ofp/flow.ts";
import { ovsOfctl, type OvsHost } from "../../src/shell/ovs-tools.ts";

function host(flows: string): OvsHost {
  const bridge = new Bridge({ ports: [{ name: "antrea-gw0", ofport: 2, type: "internal" }, { name: "frontend-a3ba2f", ofport: 49, type: "system" }] });
  bridge.addFlows(parseFlowFile(flows).flows, 13);
  return { bridges: new Map([["br-int", bridge]]), ovsVersion: "3.1.0", tty: false };
}

const FLOWS = `priority=200,in_port=2,actions=load:0x1->NXM_NX_REG0[0..15],goto_table:10
priority=190,in_port=49,actions=load:0x2->NXM_NX_REG0[0..15],goto_table:10
table=10,priority=200,ip,in_port=2,actions=goto_table:30
table=10,priority=0,actions=drop`;

describe("ovs-ofctl dump-flows", () => {
  it("prints the reply header only with stats, unsorted and without names; its xid depends on a filter", () => {
    const h = host(FLOWS);
    expect(ovsOfctl(["dump-flows", "br-int"], h).stdout.split("\n")[0]).toBe("NXST_FLOW reply (xid=0x4):");
    expect(ovsOfctl(["dump-flows", "br-int", "table=10"], h).stdout.split("\n")[0]).toBe("NXST_FLOW reply (xid=0x8):");
    expect(ovsOfctl(["-O", "OpenFlow13", "dump-flows", "br-int"], h).stdout.split("\n")[0]).toBe("OFPST_FLOW reply (OF1.3) (xid=0x2):");
    expect(ovsOfctl(["dump-flows", "br-int", "--no-stats"], h).stdout.split("\n")[0]).toBe(" priority=200,in_port=2 actions=load:0x1->NXM_NX_REG0[0..15],resubmit(,10)");
  });

  it("filters loosely, sorts with a final descending priority, and names ports", () => {
    const h = host(FLOWS);
    expect(ovsOfctl(["dump-flows", "br-int", "ip", "--no-stats"], h).stdout).toBe(" table=10, priority=200,ip,in_port=2 actions=resubmit(,30)\n");
    expect(ovsOfctl(["-O", "OpenFlow13", "dump-flows", "br-int", "--no-stats", "--rsort", "--names"], h).stdout).toBe(
      [
        ' priority=200,in_port="antrea-gw0" actions=load:0x1->NXM_NX_REG0[0..15],goto_table:10',
        ' table=10, priority=200,ip,in_port="antrea-gw0" actions=goto_table:30',
        ' priority=190,in_port="frontend-a3ba2f" actions=load:0x2->NXM_NX_REG0[0..15],goto_table:10',
        " table=10, priority=0 actions=drop",
        "",
      ].join("\n"),
    );
    expect(ovsOfctl(["dump-flows", "br-int", "--sort=table"], h)).toMatchObject({ code: 1, stderr: "ovs-ofctl: table: unknown field name\n" });
  });

  it("fails as ovs-ofctl does on a reply it cannot decode, and on bad arguments", () => {
    expect(ovsOfctl(["dump-flows", "br-int", "--no-stats"], host("table=7,actions=write_metadata:0x1,goto_table:8"))).toMatchObject({
      code: 1, stderr: "ovs-ofctl: dump flows (Protocol error)\n",
    });
    const h = host(FLOWS);
    expect(ovsOfctl(["dump-flows"], h).stderr).toBe("ovs-ofctl: 'dump-flows' command requires at least 1 arguments\n");
    expect(ovsOfctl(["dump-flows", "br-int", "table=3", "ip"], h).stderr).toBe("ovs-ofctl: 'dump-flows' command takes at most 2 arguments\n");
    expect(ovsOfctl(["dump-flows", "br-x"], h).stderr).toBe("ovs-ofctl: br-x is not a bridge or a socket\n");
    expect(ovsOfctl(["-O", "OpenFlow99", "dump-flows", "br-int"], h).stderr).toBe('ovs-ofctl: Unknown OpenFlow version: "OpenFlow99"\n');
    expect(ovsOfctl(["dump-flows", "br-int", "--bogus"], h).stderr).toBe("ovs-ofctl: unrecognized option '--bogus'\n");
  });
});
