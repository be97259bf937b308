/**
 * Connections as applications see them: a TCP handshake (SYN, SYN+ACK or
 * RST, ACK) and a UDP request/answer, each packet followed through the
 * cluster with `sendPacket`, so policy, NAT and conntrack apply to every
 * packet and leave their state behind. What listens where is the lab's
 * application model (apps.ts).
 */
import type { IpPacket } from "../host/forwarding.ts";
import type { Cluster } from "./cluster.ts";
import { defaultLength } from "./frames.ts";
import { replyTo, sendPacket, sendReply, sourceIp, type PathResult, type Sink, type Source } from "./trace.ts";
import { listens } from "./apps.ts";

export type ConnectOutcome =
  /** The handshake completed with the server at `server`. */
  | { readonly kind: "established"; readonly server: Sink }
  /** The server answered with a reset (nothing listens). */
  | { readonly kind: "refused"; readonly server: Sink }
  /** The SYN or its answer was lost (e.g. dropped by policy): the client times out. */
  | { readonly kind: "timeout"; readonly lost: PathResult };

export interface Connection {
  readonly outcome: ConnectOutcome;
  readonly src: string;
  readonly sport: number;
  readonly forward: PathResult;
  readonly reply?: PathResult;
}

export interface ConnectOptions {
  readonly pinnedEndpoint?: string;
  readonly sport?: number;
}

function answeredCorrectly(reply: PathResult, sent: IpPacket, got: IpPacket | undefined): boolean {
  return reply.verdict === "delivered" && got !== undefined && got.src === sent.dst && got.sport === sent.dport;
}

/** A TCP connection attempt from `from` to `dst:dport`. */
export function tcpConnect(c: Cluster, from: Source, dst: string, dport: number, opts: ConnectOptions = {}): Connection {
  const src = sourceIp(c, from, dst);
  const sport = opts.sport ?? c.ephemeralPort();
  const syn: IpPacket = { srcMac: "", dstMac: "", src, dst, proto: "tcp", sport, dport, ttl: 64, length: defaultLength("tcp"), tcpFlags: { syn: true } };
  const fwd = sendPacket(c, from, syn, opts.pinnedEndpoint ? { pinnedEndpoint: opts.pinnedEndpoint } : {});
  if (!fwd.sink) return { outcome: { kind: "timeout", lost: fwd.result }, src, sport, forward: fwd.result };
  const server = fwd.sink;
  const open = listens(c, server, "tcp", server.pkt.dport);
  const answer = { ...replyTo(server.pkt), tcpFlags: open ? { syn: true, ack: true } : { rst: true, ack: true } };
  const back = sendReply(c, server, answer);
  const got = back.sink?.pkt;
  if (!answeredCorrectly(back.result, syn, got)) {
    return { outcome: { kind: "timeout", lost: back.result }, src, sport, forward: fwd.result, reply: back.result };
  }
  if (!open) return { outcome: { kind: "refused", server }, src, sport, forward: fwd.result, reply: back.result };
  // The client's ACK completes the handshake (conntrack: ESTABLISHED, ASSURED).
  sendPacket(c, from, { ...syn, tcpFlags: { ack: true } });
  return { outcome: { kind: "established", server }, src, sport, forward: fwd.result, reply: back.result };
}

export type ExchangeOutcome =
  | { readonly kind: "answered"; readonly server: Sink }
  /** Nothing listens: an ICMP port unreachable comes back (not simulated as a packet). */
  | { readonly kind: "unreachable"; readonly server: Sink }
  | { readonly kind: "timeout"; readonly lost: PathResult };

/** One UDP datagram and its answer (a DNS query, say). */
export function udpExchange(c: Cluster, from: Source, dst: string, dport: number, opts: ConnectOptions = {}): { outcome: ExchangeOutcome; forward: PathResult; reply?: PathResult } {
  const src = sourceIp(c, from, dst);
  const sport = opts.sport ?? c.ephemeralPort();
  const q: IpPacket = { srcMac: "", dstMac: "", src, dst, proto: "udp", sport, dport, ttl: 64, length: defaultLength("udp") };
  const fwd = sendPacket(c, from, q, opts.pinnedEndpoint ? { pinnedEndpoint: opts.pinnedEndpoint } : {});
  if (!fwd.sink) return { outcome: { kind: "timeout", lost: fwd.result }, forward: fwd.result };
  const server = fwd.sink;
  if (!listens(c, server, "udp", server.pkt.dport)) return { outcome: { kind: "unreachable", server }, forward: fwd.result };
  const back = sendReply(c, server);
  if (!answeredCorrectly(back.result, q, back.sink?.pkt)) return { outcome: { kind: "timeout", lost: back.result }, forward: fwd.result, reply: back.result };
  return { outcome: { kind: "answered", server }, forward: fwd.result, reply: back.result };
}
