/**
 * A host's netfilter connection tracking table: the first packet of a
 * connection creates an entry whose reply tuple records the NAT that the nat
 * table chose; later packets in either direction are matched against it and
 * translated without traversing the nat table again (so replies are
 * un-DNATed and un-SNATed). `conntrack -L` prints it as conntrack-tools
 * 1.4.4 (Ubuntu 18.04) does.
 */

export type L4 = "tcp" | "udp" | "icmp";

export interface Tuple {
  readonly proto: L4;
  readonly src: string;
  readonly dst: string;
  /** Ports; for ICMP the echo id goes in sport and dport. */
  readonly sport: number;
  readonly dport: number;
}

export type TcpState = "SYN_SENT" | "SYN_RECV" | "ESTABLISHED" | "FIN_WAIT" | "CLOSE_WAIT" | "TIME_WAIT" | "CLOSE";

export interface CtEntry {
  readonly id: number;
  /** Original direction, as the first packet was seen (before NAT). */
  readonly orig: Tuple;
  /** Expected reply (after NAT): its src is the DNAT target, its dst the SNAT address. */
  reply: Tuple;
  tcpState?: TcpState;
  seenReply: boolean;
  assured: boolean;
  mark: number;
  /** Remaining lifetime in seconds, as printed. */
  timeout: number;
}

export interface CtLookup {
  readonly entry: CtEntry;
  readonly dir: "original" | "reply";
}

const tupleKey = (t: Tuple): string => `${t.proto}|${t.src}|${t.dst}|${t.sport}|${t.dport}`;

export function invert(t: Tuple): Tuple {
  return { proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
}

const PROTO_NUM: Readonly<Record<L4, number>> = { tcp: 6, udp: 17, icmp: 1 };

export class HostConntrack {
  private readonly entries: CtEntry[] = [];
  private readonly index = new Map<string, CtLookup>();
  private nextId = 1;

  get list(): readonly CtEntry[] {
    return this.entries;
  }

  lookup(t: Tuple): CtLookup | undefined {
    return this.index.get(tupleKey(t));
  }

  /**
   * Confirms a new connection at the end of POSTROUTING (or INPUT): `orig`
   * is the tuple as first seen, `translated` the same packet after DNAT and
   * SNAT; the reply tuple is the inverse of `translated`.
   */
  confirm(orig: Tuple, translated: Tuple, mark = 0): CtEntry {
    const entry: CtEntry = {
      id: this.nextId++,
      orig,
      reply: invert(translated),
      ...(orig.proto === "tcp" ? { tcpState: "SYN_SENT" as TcpState } : {}),
      seenReply: false,
      assured: false,
      mark,
      timeout: orig.proto === "tcp" ? 120 : orig.proto === "udp" ? 30 : 30,
    };
    this.entries.push(entry);
    this.index.set(tupleKey(entry.orig), { entry, dir: "original" });
    this.index.set(tupleKey(entry.reply), { entry, dir: "reply" });
    return entry;
  }

  /** Updates state for a packet of `entry` travelling in `dir`. */
  see(entry: CtEntry, dir: "original" | "reply", tcpFlags?: { syn?: boolean; ack?: boolean; fin?: boolean; rst?: boolean }): void {
    if (dir === "reply" && !entry.seenReply) {
      entry.seenReply = true;
      if (entry.orig.proto === "udp") entry.timeout = 30;
      if (entry.orig.proto === "icmp") entry.timeout = 30;
    }
    if (entry.orig.proto === "tcp" && tcpFlags) {
      if (tcpFlags.rst) {
        entry.tcpState = "CLOSE";
        entry.timeout = 10;
      } else if (dir === "reply" && tcpFlags.syn && tcpFlags.ack) {
        entry.tcpState = "SYN_RECV";
        entry.timeout = 60;
      } else if (dir === "original" && tcpFlags.ack && entry.tcpState === "SYN_RECV") {
        entry.tcpState = "ESTABLISHED";
        entry.assured = true;
        entry.timeout = 432000;
      } else if (tcpFlags.fin) {
        entry.tcpState = "FIN_WAIT";
        entry.timeout = 120;
      }
    } else if (entry.orig.proto === "udp" && dir === "original" && entry.seenReply) {
      entry.assured = true;
      entry.timeout = 180;
    }
  }

  /** Packets of this entry in `dir` are translated to these addresses/ports. */
  static translate(entry: CtEntry, dir: "original" | "reply"): Tuple {
    return dir === "original" ? invert(entry.reply) : invert(entry.orig);
  }

  static hasDnat(entry: CtEntry): boolean {
    return entry.reply.src !== entry.orig.dst || entry.reply.sport !== entry.orig.dport;
  }

  static hasSnat(entry: CtEntry): boolean {
    return entry.reply.dst !== entry.orig.src || entry.reply.dport !== entry.orig.sport;
  }

  clear(): void {
    this.entries.length = 0;
    this.index.clear();
  }
}

function tupleText(t: Tuple): string {
  if (t.proto === "icmp") return `src=${t.src} dst=${t.dst} type=8 code=0 id=${t.sport}`;
  return `src=${t.src} dst=${t.dst} sport=${t.sport} dport=${t.dport}`;
}

/** `conntrack -L` lines (the summary goes to stderr: see conntrackSummary). */
export function formatConntrackL(ct: HostConntrack): string {
  let out = "";
  for (const e of ct.list) {
    const p = e.orig.proto;
    let s = `${p.padEnd(8)} ${PROTO_NUM[p]} ${e.timeout} `;
    if (e.tcpState) s += `${e.tcpState} `;
    s += tupleText(e.orig) + " ";
    if (!e.seenReply) s += "[UNREPLIED] ";
    const reply = e.orig.proto === "icmp" ? tupleText(e.reply).replace("type=8", "type=0") : tupleText(e.reply);
    s += reply + " ";
    if (e.assured) s += "[ASSURED] ";
    s += `mark=${e.mark} use=1`;
    out += s + "\n";
  }
  return out;
}

export function conntrackSummary(ct: HostConntrack): string {
  return `conntrack v1.4.4 (conntrack-tools): ${ct.list.length} flow entries have been shown.\n`;
}
