/**
 * Connection tracking for the `ct` action.
 *
 * Two models:
 *
 * - `Conntrack`: a stateful tracker, the way a real datapath behaves for real
 *   packets. Connections live per zone and are keyed by their 5-tuple in
 *   both directions (original and reply). The first packet of a connection
 *   is `new`; once the connection has seen a packet in the reply direction it
 *   is established: reply packets are `est|rpl`, later original packets `est`.
 *   `commit` creates the entry (and is the only way exec() can set its
 *   mark/label); without commit a new connection is forgotten. NAT is applied
 *   by `ct(nat(...))` on commit, recorded on the connection, re-applied to
 *   later original-direction packets by `ct(nat)` and reversed (un-NAT) on
 *   reply-direction packets.
 *
 * - `CtNextStates`: what `ovs-appctl ofproto/trace` does instead of tracking:
 *   every conntrack recirculation takes the next `--ct-next` state, or the
 *   default `trk|new` once the list is used up; ct_mark/ct_label are those
 *   of the frozen packet (whatever the pipeline and the ct action's exec()
 *   left in the flow). See xlate.ts.
 */
import { formatIpv4 } from "../ofp/values.ts";
import type { NatSpec } from "../ofp/actions.ts";
import {
  CS_DNAT, CS_EST, CS_INV, CS_NEW, CS_RPL, CS_SNAT, CS_TRK, P, parseCtState, type Packet,
} from "./packet.ts";
import { ETH_TYPE_IP, ETH_TYPE_IPV6, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from "../ofp/fields.ts";

/** A connection's 5-tuple in one direction. */
export interface CtTuple {
  readonly proto: bigint;
  readonly src: bigint;
  readonly dst: bigint;
  readonly sport: bigint;
  readonly dport: bigint;
}

export interface CtNat {
  readonly kind: "src" | "dst";
  /** The translated address and port (port 0 = unchanged). */
  readonly addr: bigint;
  readonly port: bigint;
}

export interface CtConnection {
  readonly zone: number;
  readonly orig: CtTuple;
  /** The reply tuple: what reply packets carry (after NAT of the original direction). */
  reply: CtTuple;
  mark: bigint;
  label: bigint;
  nat: CtNat | undefined;
  /** A packet was seen in the reply direction. */
  replied: boolean;
  packets: number;
}

export interface CtRequest {
  readonly zone: number;
  readonly commit: boolean;
  readonly force: boolean;
  readonly nat?: NatSpec;
  /** ct_mark/ct_label values exec() left in the flow, with the bits it set. */
  readonly mark?: { readonly value: bigint; readonly mask: bigint };
  readonly label?: { readonly value: bigint; readonly mask: bigint };
}

export interface CtResult {
  /** ct_state bits for the packet after the ct action (always includes trk). */
  readonly state: bigint;
  readonly zone: number;
  readonly mark: bigint;
  readonly label: bigint;
  /** The original-direction tuple (ct_nw_src & co.), when the packet belongs to a connection. */
  readonly orig?: CtTuple;
  /** The packet's addresses and ports after NAT (equal to before when none applied). */
  readonly before: CtTuple | undefined;
  readonly after: CtTuple | undefined;
  readonly connection?: CtConnection;
}

function tupleOf(p: readonly bigint[]): CtTuple | undefined {
  const dl = p[P.dl_type]!;
  if (dl !== ETH_TYPE_IP) return undefined;
  if ((p[P.nw_frag]! & 1n) !== 0n) return undefined;
  const proto = p[P.nw_proto]!;
  const l4 = proto === IPPROTO_TCP || proto === IPPROTO_UDP || proto === IPPROTO_ICMP || proto === 132n;
  return {
    proto,
    src: p[P.nw_src]!,
    dst: p[P.nw_dst]!,
    sport: l4 ? p[P.tp_src]! : 0n,
    dport: l4 ? p[P.tp_dst]! : 0n,
  };
}

function key(zone: number, t: CtTuple): string {
  return `${zone}/${t.proto}/${t.src}/${t.dst}/${t.sport}/${t.dport}`;
}

function reverse(t: CtTuple): CtTuple {
  return { proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
}

/** Writes a tuple's addresses and ports into a packet. */
export function applyTuple(p: Packet, t: CtTuple): void {
  p[P.nw_src] = t.src;
  p[P.nw_dst] = t.dst;
  if (t.proto === IPPROTO_TCP || t.proto === IPPROTO_UDP || t.proto === 132n) {
    p[P.tp_src] = t.sport;
    p[P.tp_dst] = t.dport;
  }
}

/** A stateful connection tracker (one per datapath; zones separate connections). */
export class Conntrack {
  private readonly byKey = new Map<string, { conn: CtConnection; dir: "orig" | "reply" }>();
  private readonly list: CtConnection[] = [];

  /** All connections, in creation order. */
  connections(): readonly CtConnection[] {
    return this.list;
  }

  clear(): void {
    this.byKey.clear();
    this.list.length = 0;
  }

  /** Looks a packet up without changing anything. */
  lookup(p: readonly bigint[], zone: number): { conn: CtConnection; dir: "orig" | "reply" } | undefined {
    const t = tupleOf(p);
    return t ? this.byKey.get(key(zone, t)) : undefined;
  }

  private remove(conn: CtConnection): void {
    this.byKey.delete(key(conn.zone, conn.orig));
    this.byKey.delete(key(conn.zone, conn.reply));
    const i = this.list.indexOf(conn);
    if (i >= 0) this.list.splice(i, 1);
  }

  /**
   * Runs the packet through conntrack as `ct(zone=Z[,commit][,force][,nat…])`
   * does, updating the table, and returns the ct fields the packet carries
   * afterwards. The packet itself is not modified; NAT is in `after`.
   */
  execute(p: readonly bigint[], req: CtRequest): CtResult {
    const t = tupleOf(p);
    if (!t) {
      const ipv6 = p[P.dl_type] === ETH_TYPE_IPV6;
      // IPv6 is not tracked by this model; non-IP packets and fragments are invalid.
      return {
        state: CS_TRK | (ipv6 ? CS_NEW : CS_INV), zone: req.zone, mark: 0n, label: 0n, before: undefined, after: undefined,
      };
    }
    let hit = this.byKey.get(key(req.zone, t));
    if (hit && req.force && req.commit && hit.dir === "reply") {
      // ct(commit,force): a packet in the reply direction restarts the connection.
      this.remove(hit.conn);
      hit = undefined;
    }
    if (hit) {
      const { conn, dir } = hit;
      conn.packets++;
      let state = CS_TRK | CS_EST;
      if (dir === "reply") {
        state |= CS_RPL;
        conn.replied = true;
      } else if (!conn.replied) {
        state = CS_TRK | CS_NEW;
      }
      if (req.commit) {
        if (req.mark) conn.mark = (conn.mark & ~req.mark.mask) | (req.mark.value & req.mark.mask);
        if (req.label) conn.label = (conn.label & ~req.label.mask) | (req.label.value & req.label.mask);
      }
      let after = t;
      if (req.nat && conn.nat) {
        // ct(nat): re-apply the connection's translation, or undo it for replies.
        if (dir === "orig") after = { ...reverse(conn.reply) };
        else after = reverse(conn.orig);
        if (conn.nat.kind === "src") state |= CS_SNAT;
        else state |= CS_DNAT;
      }
      return { state, zone: req.zone, mark: conn.mark, label: conn.label, orig: conn.orig, before: t, after, connection: conn };
    }
    // A new connection.
    let state = CS_TRK | CS_NEW;
    let mark = 0n, label = 0n;
    if (req.mark) mark = req.mark.value & req.mark.mask;
    if (req.label) label = req.label.value & req.label.mask;
    let after = t;
    let nat: CtNat | undefined;
    if (req.nat?.kind && req.nat.addrMin !== undefined && !req.nat.ipv6) {
      const port = req.nat.portMin ? BigInt(req.nat.portMin) : 0n;
      nat = { kind: req.nat.kind, addr: req.nat.addrMin, port };
      if (nat.kind === "dst") {
        after = { ...t, dst: nat.addr, dport: port && t.proto !== IPPROTO_ICMP ? port : t.dport };
        state |= CS_DNAT;
      } else {
        after = { ...t, src: nat.addr, sport: port && t.proto !== IPPROTO_ICMP ? port : t.sport };
        state |= CS_SNAT;
      }
    }
    if (!req.commit) {
      return { state, zone: req.zone, mark: 0n, label: 0n, orig: t, before: t, after, };
    }
    const conn: CtConnection = {
      zone: req.zone, orig: t, reply: reverse(after), mark, label, nat, replied: false, packets: 1,
    };
    this.byKey.set(key(req.zone, conn.orig), { conn, dir: "orig" });
    this.byKey.set(key(req.zone, conn.reply), { conn, dir: "reply" });
    this.list.push(conn);
    return { state, zone: req.zone, mark, label, orig: t, before: t, after, connection: conn };
  }

  /** `ovs-appctl dpctl/dump-conntrack` lines (without protoinfo details beyond the TCP state). */
  dump(zone?: number): string {
    const lines: string[] = [];
    for (const c of this.list) {
      if (zone !== undefined && c.zone !== zone) continue;
      const proto = c.orig.proto === IPPROTO_TCP ? "tcp" : c.orig.proto === IPPROTO_UDP ? "udp" : c.orig.proto === IPPROTO_ICMP ? "icmp" : `${c.orig.proto}`;
      const tup = (t: CtTuple) => c.orig.proto === IPPROTO_TCP || c.orig.proto === IPPROTO_UDP
        ? `(src=${formatIpv4(t.src)},dst=${formatIpv4(t.dst)},sport=${t.sport},dport=${t.dport})`
        : `(src=${formatIpv4(t.src)},dst=${formatIpv4(t.dst)})`;
      let s = `${proto},orig=${tup(c.orig)},reply=${tup(c.reply)}`;
      if (c.zone) s += `,zone=${c.zone}`;
      if (c.mark) s += `,mark=${c.mark}`;
      if (c.orig.proto === IPPROTO_TCP) s += `,protoinfo=(state=${c.replied ? "ESTABLISHED" : "SYN_SENT"})`;
      lines.push(s);
    }
    return lines.map((l) => l + "\n").join("");
  }
}

/** The `--ct-next` list of `ofproto/trace`: consumed one state per conntrack recirculation. */
export class CtNextStates {
  private readonly states: bigint[];
  constructor(states: readonly (string | bigint)[] = []) {
    this.states = states.map((s) => (typeof s === "bigint" ? s : parseCtState(s)));
  }

  /** The state for the next conntrack recirculation, and whether it is the default. */
  next(): { state: bigint; isDefault: boolean } {
    const s = this.states.shift();
    return s === undefined ? { state: CS_TRK | CS_NEW, isDefault: true } : { state: s, isDefault: false };
  }
}
