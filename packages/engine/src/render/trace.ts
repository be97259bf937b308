/**
 * Prints a structured trace (bridge/xlate.ts) as `ovs-appctl ofproto/trace`
 * prints it (ofproto/ofproto-dpif-trace.c `ofproto_trace`,
 * `ofproto_trace__`, `ofproto_trace_recirc_node`,
 * `oftrace_node_print_details`).
 */
import { formatFlow } from "../bridge/packet.ts";
import { formatCtState, type TraceNode, type TracePass, type TraceResult } from "../bridge/xlate.ts";
import type { PortResolver } from "../ofp/values.ts";

export interface TraceFormatOptions {
  /** Port names for Flow:/Final flow: lines (set by traceFlow's `names`; override here). */
  readonly ports?: PortResolver;
  /** Leave out the `Megaflow:` and `Datapath actions:` lines and the slow-path explanation. */
  readonly omitDatapath?: boolean;
}

const TERMINAL = new Set(["action", "detail", "warn", "error", "bucket"]);

/** `oftrace_node_print_details`: OVS's indentation rule (section 6.3). */
export function formatTraceNodes(nodes: readonly TraceNode[], level = 0, out: string[] = []): string[] {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === "bridge") out.push("\n");
    const more = i < nodes.length - 1 || TERMINAL.has(n.type) ? 1 : 0;
    const indent = " ".repeat((level + more) * 4);
    switch (n.type) {
      case "detail": out.push(`${indent} -> ${n.text}\n`); break;
      case "warn": out.push(`${indent} >> ${n.text}\n`); break;
      case "error": out.push(`${indent} >>>> ${n.text} <<<<\n`); break;
      case "bridge": out.push(`${indent}${n.text}\n${indent}${"-".repeat(n.text.length)}\n`); break;
      default: out.push(`${indent}${n.text}\n`);
    }
    formatTraceNodes(n.children, level + 2 * more, out);
  }
  return out;
}

function formatPass(p: TracePass, ports: PortResolver | undefined, ovs214: boolean, omitDatapath: boolean): string {
  const fo = { ...(ports ? { ports } : {}), ovs214 };
  let s = `Flow: ${formatFlow(p.flow, fo)}\n`;
  s += formatTraceNodes(p.tree).join("");
  s += "\nFinal flow: ";
  s += flowsEqual(p.flow, p.finalFlow) ? "unchanged" : formatFlow(p.finalFlow, fo);
  s += "\n";
  if (!omitDatapath) {
    s += `Megaflow: ${p.megaflow}\n`;
    s += `Datapath actions: ${p.datapathActions}`;
  }
  if (p.error) {
    s += `\nTranslation failed (${p.error}), packet is dropped.\n`;
  } else if (p.slowPath.length && !omitDatapath) {
    s += "\nThis flow is handled by the userspace slow path because it:";
    for (const r of p.slowPath) s += `\n  - ${r}`;
  }
  return s;
}

function flowsEqual(a: readonly bigint[], b: readonly bigint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function banner(p: TracePass): string {
  let s = "\n\n" + "=".repeat(79) + `\nrecirc(0x${p.recircId.toString(16)})`;
  if (p.ctState !== undefined) {
    s += p.ctStateDefault
      ? " - resume conntrack with default ct_state=trk|new (use --ct-next to customize)"
      : ` - resume conntrack with ct_state=${formatCtState(p.ctState)}`;
  }
  s += "\n";
  if (p.nat) {
    s += "Replacing src/dst IP/ports to simulate NAT:\n";
    s += ` Initial flow: ${p.nat.initial}\n`;
    s += ` Modified flow: ${p.nat.modified}\n`;
  }
  s += "=".repeat(79) + "\n\n";
  return s;
}

/**
 * The text `ovs-appctl ofproto/trace` prints for this trace (including the
 * newline ovs-appctl's server adds at the end when missing).
 */
export function formatTrace(result: TraceResult, opts: TraceFormatOptions = {}): string {
  const ports = opts.ports ?? result.ports;
  const ovs214 = result.ovs === "2.14";
  let s = "";
  result.passes.forEach((p, i) => {
    if (i > 0) s += banner(p);
    s += formatPass(p, ports, ovs214, opts.omitDatapath ?? false);
  });
  if (!s.endsWith("\n")) s += "\n";
  if (result.truncated) {
    // Not OVS output: ovs-vswitchd would keep recirculating and never answer.
    s += `\n(trace stopped after ${result.passes.length} passes; ofproto/trace would not terminate)\n`;
  }
  return s;
}

