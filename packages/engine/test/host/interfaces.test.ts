import { describe, expect, it } from "vitest";
import { linkLocalOf } from "../../src/host/addr.ts";
import { formatIpAddress, formatIpLink, loopback, type Link } from "../../src/host/interfaces.ts";

const ens160: Link = {
  ifindex: 2, name: "ens160", flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], mtu: 1500, qdisc: "mq",
  state: "UP", qlen: 1000, linkType: "ether", mac: "00:50:56:8f:4e:82", brd: "ff:ff:ff:ff:ff:ff",
  addresses: [
    { family: "inet", address: "10.79.1.201", prefixLen: 24, scope: "global" },
    { family: "inet6", address: "fe80::250:56ff:fe8f:4e82", prefixLen: 64, scope: "link" },
  ],
};
const docker0: Link = {
  ifindex: 3, name: "docker0", flags: ["BROADCAST", "MULTICAST", "UP"], mtu: 1500, qdisc: "noqueue",
  state: "DOWN", qlen: 0, linkType: "ether", mac: "02:42:26:b8:2f:e5", brd: "ff:ff:ff:ff:ff:ff",
  addresses: [{ family: "inet", address: "172.17.0.1", prefixLen: 16, scope: "global" }],
};
const veth: Link = {
  ifindex: 52, name: "backend1-bab86f", peerIfindex: 3, linkNetnsid: 2, flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
  mtu: 1450, qdisc: "noqueue", master: "ovs-system", state: "UP", qlen: 0, linkType: "ether", mac: "9e:bf:dd:84:e6:90",
  brd: "ff:ff:ff:ff:ff:ff", addresses: [{ family: "inet6", address: "fe80::9cbf:ddff:fe84:e690", prefixLen: 64, scope: "link" }],
};

describe("ip address (iproute2 4.15)", () => {
  it("prints links with their flags, addresses and trailing spaces", () => {
    expect(formatIpAddress([veth, docker0, ens160, loopback()])).toBe(
      "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
        "    inet 127.0.0.1/8 scope host lo\n" +
        "       valid_lft forever preferred_lft forever\n" +
        "    inet6 ::1/128 scope host \n" +
        "       valid_lft forever preferred_lft forever\n" +
        "2: ens160: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000\n" +
        "    link/ether 00:50:56:8f:4e:82 brd ff:ff:ff:ff:ff:ff\n" +
        "    inet 10.79.1.201/24 brd 10.79.1.255 scope global ens160\n" +
        "       valid_lft forever preferred_lft forever\n" +
        "    inet6 fe80::250:56ff:fe8f:4e82/64 scope link \n" +
        "       valid_lft forever preferred_lft forever\n" +
        "3: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default \n" +
        "    link/ether 02:42:26:b8:2f:e5 brd ff:ff:ff:ff:ff:ff\n" +
        "    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\n" +
        "       valid_lft forever preferred_lft forever\n" +
        "52: backend1-bab86f@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master ovs-system state UP group default \n" +
        "    link/ether 9e:bf:dd:84:e6:90 brd ff:ff:ff:ff:ff:ff link-netnsid 2\n" +
        "    inet6 fe80::9cbf:ddff:fe84:e690/64 scope link \n" +
        "       valid_lft forever preferred_lft forever\n",
    );
  });

  it("ip link adds mode DEFAULT and omits addresses", () => {
    expect(formatIpLink([ens160])).toBe(
      "2: ens160: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000\n" +
        "    link/ether 00:50:56:8f:4e:82 brd ff:ff:ff:ff:ff:ff\n",
    );
  });

  it("derives EUI-64 link-local addresses as the seed shows them", () => {
    expect(linkLocalOf("4e:99:08:c1:53:be")).toBe("fe80::4c99:8ff:fec1:53be");
    expect(linkLocalOf("02:d8:4e:3f:92:1d")).toBe("fe80::d8:4eff:fe3f:921d");
    expect(linkLocalOf("2e:d2:32:e9:81:80")).toBe("fe80::2cd2:32ff:fee9:8180");
  });
});
