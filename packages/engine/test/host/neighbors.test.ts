import { describe, expect, it } from "vitest";
import { formatArpA, formatArpTable, NeighborTable } from "../../src/host/neighbors.ts";

describe("arp (net-tools)", () => {
  const names = new Map([["10.79.1.1", "_gateway"], ["10.79.1.200", "master"]]);
  const t = new NeighborTable(
    [
      { ip: "10.79.1.200", mac: "00:50:56:8f:f7:65", dev: "ens160", state: "REACHABLE" },
      { ip: "10.79.1.1", mac: "00:0c:29:fa:d8:a8", dev: "ens160", state: "STALE" },
      { ip: "10.222.2.1", mac: "aa:bb:cc:dd:ee:ff", dev: "antrea-gw0", state: "REACHABLE" },
      { ip: "10.222.1.9", dev: "antrea-gw0", state: "INCOMPLETE" },
    ],
    ["10.79.1.1", "10.222.2.1"],
  );

  it("arp -a: pinned order first, then insertion order; names from the hosts data", () => {
    expect(formatArpA(t, (ip) => names.get(ip))).toBe(
      "_gateway (10.79.1.1) at 00:0c:29:fa:d8:a8 [ether] on ens160\n" +
        "? (10.222.2.1) at aa:bb:cc:dd:ee:ff [ether] on antrea-gw0\n" +
        "master (10.79.1.200) at 00:50:56:8f:f7:65 [ether] on ens160\n" +
        "? (10.222.1.9) at <incomplete> on antrea-gw0\n",
    );
  });

  it("arp -n: the table layout", () => {
    expect(formatArpTable(t, (ip) => names.get(ip), true).split("\n").slice(0, 2)).toEqual([
      "Address                  HWtype  HWaddress           Flags Mask            Iface",
      "10.79.1.1                ether   00:0c:29:fa:d8:a8   C                     ens160",
    ]);
  });
});
