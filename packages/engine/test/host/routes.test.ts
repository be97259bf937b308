import { describe, expect, it } from "vitest";
import { parsePrefix } from "../../src/host/addr.ts";
import { connectedRoute, formatIpRoute, RouteTable } from "../../src/host/routes.ts";

function worker1(): RouteTable {
  return new RouteTable([
    connectedRoute("172.17.0.1", 16, "docker0"),
    { dst: parsePrefix("10.222.2.0/24"), via: "10.222.2.1", dev: "antrea-gw0", onlink: true },
    connectedRoute("10.222.1.1", 24, "antrea-gw0"),
    { via: "10.79.1.1", dev: "ens160", proto: "static" },
    { dst: parsePrefix("10.222.0.0/24"), via: "10.222.0.1", dev: "antrea-gw0", onlink: true },
    connectedRoute("10.79.1.201", 24, "ens160"),
  ]);
}

describe("ip route (iproute2 4.15)", () => {
  it("prints the main table in kernel order, each line ending with a space", () => {
    expect(formatIpRoute(worker1(), { linkDown: new Set(["docker0"]) })).toBe(
      "default via 10.79.1.1 dev ens160 proto static \n" +
        "10.79.1.0/24 dev ens160 proto kernel scope link src 10.79.1.201 \n" +
        "10.222.0.0/24 via 10.222.0.1 dev antrea-gw0 onlink \n" +
        "10.222.1.0/24 dev antrea-gw0 proto kernel scope link src 10.222.1.1 \n" +
        "10.222.2.0/24 via 10.222.2.1 dev antrea-gw0 onlink \n" +
        "172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown \n",
    );
  });

  it("looks up the longest prefix", () => {
    const t = worker1();
    expect(t.lookup("10.222.2.34")).toMatchObject({ nextHop: "10.222.2.1", route: { dev: "antrea-gw0" } });
    expect(t.lookup("10.222.1.47")).toMatchObject({ nextHop: "10.222.1.47", route: { dev: "antrea-gw0" } });
    expect(t.lookup("10.79.1.202")).toMatchObject({ nextHop: "10.79.1.202", route: { dev: "ens160" } });
    expect(t.lookup("172.16.100.2")).toMatchObject({ nextHop: "10.79.1.1", route: { dev: "ens160" } });
  });
});
