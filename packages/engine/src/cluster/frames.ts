/**
 * Packets between the pieces of the cluster: the host model's IpPacket, the
 * `ofproto/trace` flow string that feeds it into a bridge, and back from the
 * tracer's output packet (a `struct flow` of bigints).
 */
import { P } from "../bridge/packet.ts";
import type { IpPacket, TcpFlags } from "../host/forwarding.ts";

export const TCP_FIN = 0x001, TCP_SYN = 0x002, TCP_RST = 0x004, TCP_ACK = 0x010;

export function tcpFlagBits(f: TcpFlags | undefined): number {
  if (!f) return 0;
  return (f.fin ? TCP_FIN : 0) | (f.syn ? TCP_SYN : 0) | (f.rst ? TCP_RST : 0) | (f.ack ? TCP_ACK : 0);
}

export function tcpFlagsOf(bits: number): TcpFlags {
  return {
    ...(bits & TCP_SYN ? { syn: true } : {}),
    ...(bits & TCP_ACK ? { ack: true } : {}),
    ...(bits & TCP_FIN ? { fin: true } : {}),
    ...(bits & TCP_RST ? { rst: true } : {}),
  };
}

/** Default packet sizes: a TCP SYN with options, a DNS-sized UDP datagram, an echo request. */
export function defaultLength(proto: IpPacket["proto"]): number {
  return proto === "tcp" ? 74 : proto === "udp" ? 74 : 98;
}

/** The flow argument of `ovs-appctl ofproto/trace` for `pkt` entering on `inPort`. */
export function ovsFlowString(pkt: IpPacket, inPort: number, tunnel?: { readonly src: string; readonly dst: string }): string {
  const parts = [`in_port=${inPort}`];
  if (tunnel) parts.push("tun_id=0x0", `tun_src=${tunnel.src}`, `tun_dst=${tunnel.dst}`);
  parts.push(pkt.proto, `dl_src=${pkt.srcMac}`, `dl_dst=${pkt.dstMac}`, `nw_src=${pkt.src}`, `nw_dst=${pkt.dst}`, `nw_ttl=${pkt.ttl}`);
  if (pkt.proto === "icmp") parts.push(`icmp_type=${pkt.icmpType ?? 8}`, "icmp_code=0");
  else parts.push(`${pkt.proto}_src=${pkt.sport}`, `${pkt.proto}_dst=${pkt.dport}`);
  if (pkt.proto === "tcp") parts.push(`tcp_flags=0x${tcpFlagBits(pkt.tcpFlags).toString(16).padStart(3, "0")}`);
  return parts.join(",");
}

/** The ARP request a host sends on antrea-gw0, as a trace flow. */
export function arpRequestFlow(inPort: number, senderMac: string, senderIp: string, target: string): string {
  return `in_port=${inPort},arp,dl_src=${senderMac},dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=${senderIp},arp_tpa=${target},arp_sha=${senderMac}`;
}

export function macOf(v: bigint): string {
  return v.toString(16).padStart(12, "0").match(/../g)!.join(":");
}

export function ipv4Of(v: bigint): string {
  const n = Number(v);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The packet an OVS output carries, back in host form (keeps `base`'s length and proto). */
export function frameFromOvs(bits: readonly bigint[], base: IpPacket): IpPacket {
  return {
    srcMac: macOf(bits[P.dl_src]!),
    dstMac: macOf(bits[P.dl_dst]!),
    src: ipv4Of(bits[P.nw_src]!),
    dst: ipv4Of(bits[P.nw_dst]!),
    proto: base.proto,
    sport: base.proto === "icmp" ? base.sport : Number(bits[P.tp_src]!),
    dport: base.proto === "icmp" ? base.dport : Number(bits[P.tp_dst]!),
    ttl: Number(bits[P.nw_ttl]!),
    length: base.length,
    ...(base.proto === "tcp" ? { tcpFlags: tcpFlagsOf(Number(bits[P.tcp_flags]!)) } : {}),
    ...(base.icmpType !== undefined ? { icmpType: base.icmpType } : {}),
  };
}

/** `arp_sha` of an ARP packet the bridge sent back. */
export function arpShaOf(bits: readonly bigint[]): string {
  return macOf(bits[P.arp_sha]!);
}
