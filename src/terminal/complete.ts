/**
 * Tab completion for the terminal: commands, subcommands, options' values
 * (namespaces after -n, containers after -c), Pod, Service and Node names, and
 * OVS table numbers (`table=` values, `antctl get ovsflows -T`). Pure: it
 * works on the text before the cursor and the scenario's names.
 */
import type { CompletionData } from "./protocol.ts";

export interface Completion {
  /** Where the completed word starts in the line. */
  readonly start: number;
  /** Candidates for the word, sorted, each a full replacement of line[start, cursor). */
  readonly candidates: readonly string[];
  /** The longest common prefix of the candidates (what Tab inserts). */
  readonly common: string;
  /** Whether a space follows a unique completion (not after `table=` or a `NAMESPACE/`). */
  readonly addSpace: boolean;
}

/** Where the command line runs: the prompt says (a Node, an Antrea container, a MultiTool Pod). */
export type ShellPlace = "host" | "antrea" | "multitool";

export function placeOf(prompt: string): ShellPlace {
  if (prompt.startsWith("/ #")) return "multitool";
  if (/^root@[^:]+:\/#/.test(prompt)) return "antrea";
  return "host";
}

const TEXT_TOOLS = ["cat", "grep", "head", "sort", "tail", "wc"];
const COMMANDS: Readonly<Record<ShellPlace, readonly string[]>> = {
  host: ["arp", "clear", "conntrack", "curl", "exit", "ip", "iptables", "iptables-save", "kubectl", ...TEXT_TOOLS],
  antrea: ["antctl", "clear", "exit", "ip", "ovs-appctl", "ovs-ofctl", "ovs-vsctl", ...TEXT_TOOLS],
  multitool: ["arp", "clear", "curl", "exit", "ip", ...TEXT_TOOLS],
};
/** What `kubectl exec POD -- …` can start in each kind of container. */
const EXEC_COMMANDS = ["antctl", "arp", "bash", "curl", "ip", "ovs-appctl", "ovs-ofctl", "ovs-vsctl", "sh"];

const SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  kubectl: ["exec", "get", "version"],
  "kubectl get": ["endpoints", "namespaces", "networkpolicies", "nodes", "pods", "services"],
  ip: ["address", "link", "neighbour", "route"],
  "ip route": ["get", "show"],
  "ovs-ofctl": ["add-flow", "del-flows", "dump-flows", "show"],
  "ovs-vsctl": ["show"],
  "ovs-appctl": ["ofproto/trace", "version"],
  antctl: ["get", "version"],
  "antctl get": ["addressgroup", "agentinfo", "appliedtogroup", "networkpolicy", "ovsflows", "podinterface"],
};

/** Options that take a value, per tool (the value is not a positional word). */
const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  kubectl: ["-n", "--namespace", "-o", "--output", "-c", "--container", "-l", "--selector"],
  antctl: ["-T", "--table", "-o", "--output"],
  "ovs-ofctl": ["-O", "--protocols"],
  iptables: ["-t", "--table"],
  curl: ["-m", "--max-time", "-o", "-H"],
};

function words(text: string): { words: string[]; current: string; start: number } {
  const list: string[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  let last: { w: string; i: number } | undefined;
  while ((m = re.exec(text))) {
    last = { w: m[0], i: m.index };
    list.push(m[0]);
  }
  if (!last || last.i + last.w.length < text.length) return { words: list, current: "", start: text.length };
  list.pop();
  return { words: list, current: last.w, start: last.i };
}

function result(start: number, word: string, options: Iterable<string>, addSpace = true): Completion {
  const candidates = [...new Set(options)].filter((o) => o.startsWith(word)).sort(compare);
  let common = candidates[0] ?? word;
  for (const c of candidates) while (!c.startsWith(common)) common = common.slice(0, -1);
  if (common.length < word.length) common = word;
  const open = candidates.length === 1 && /[=/]$/.test(candidates[0]!);
  return { start, candidates, common, addSpace: addSpace && !open };
}

/** Numbers in numeric order, then the rest alphabetically. */
function compare(a: string, b: string): number {
  const na = /\d+$/.exec(a), nb = /\d+$/.exec(b);
  if (na && nb && a.slice(0, na.index) === b.slice(0, nb.index)) return Number(na[0]) - Number(nb[0]);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The value of `-n NS` / `--namespace=NS` among words. */
function namespaceOf(ws: readonly string[]): string | undefined {
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if ((w === "-n" || w === "--namespace") && ws[i + 1]) return ws[i + 1];
    if (w.startsWith("--namespace=")) return w.slice(12);
    if (w.startsWith("-n") && w.length > 2 && !w.startsWith("--")) return w.slice(2);
  }
  return undefined;
}

/** Positional words of a tool's arguments (options and their values dropped). */
function positionals(tool: string, args: readonly string[]): string[] {
  const takes = VALUE_OPTIONS[tool] ?? [];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (takes.includes(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    out.push(a);
  }
  return out;
}

/**
 * Completes the word before the cursor. `before` is the line up to the cursor;
 * `place` is where it runs (from the prompt).
 */
export function complete(before: string, data: CompletionData, place: ShellPlace = "host"): Completion {
  // Only the last command of a list or pipeline matters.
  const cut = Math.max(before.lastIndexOf("|"), before.lastIndexOf(";"), before.lastIndexOf("&"));
  const offset = cut + 1;
  const { words: ws, current, start } = words(before.slice(offset));
  const at = offset + start;
  if (ws.length === 0) return result(at, current, cut >= 0 ? [...COMMANDS[place], "grep", "wc"] : COMMANDS[place]);

  // After `kubectl exec … --`, a command inside the container: complete it as there.
  const dashdash = ws.indexOf("--");
  if (ws[0] === "kubectl" && dashdash >= 0) {
    const inner = ws.slice(dashdash + 1);
    if (inner.length === 0) return result(at, current, EXEC_COMMANDS);
    return completeTool(inner, current, at, data);
  }
  return completeTool(ws, current, at, data);
}

function completeTool(ws: readonly string[], current: string, at: number, data: CompletionData): Completion {
  const tool = ws[0]!;
  const args = ws.slice(1);
  const prev = args[args.length - 1];
  const podsIn = (ns: string): string[] => data.pods.filter((p) => p.namespace === ns).map((p) => p.name);

  // OVS table numbers.
  if (current.startsWith("table=")) return result(at, current, data.tables.map((t) => `table=${t}`));
  if (tool === "antctl" && (prev === "-T" || prev === "--table")) return result(at, current, data.tables.map(String));

  if (tool === "kubectl") {
    if (prev === "-n" || prev === "--namespace") return result(at, current, data.namespaces);
    if (current.startsWith("--namespace=")) return result(at, current, data.namespaces.map((n) => `--namespace=${n}`));
    if (prev === "-o" || prev === "--output") return result(at, current, ["json", "name", "wide", "yaml"]);
    const ns = namespaceOf(args) ?? "default";
    const pos = positionals("kubectl", args);
    if (prev === "-c" || prev === "--container") {
      const pod = data.pods.find((p) => p.namespace === ns && p.name === pos[1]);
      return result(at, current, pod ? pod.containers : [...new Set(data.pods.flatMap((p) => p.containers))]);
    }
    if (current.startsWith("-")) {
      return result(at, current, pos[0] === "exec"
        ? ["--", "--container", "--namespace", "--stdin", "--tty", "-c", "-i", "-it", "-n", "-t"]
        : ["--all-namespaces", "--namespace", "--output", "-A", "-n", "-o"]);
    }
    if (pos.length === 0) return result(at, current, SUBCOMMANDS.kubectl!);
    if (pos[0] === "exec" && pos.length === 1) return result(at, current, podsIn(ns));
    if (pos[0] === "get" && pos.length === 1) {
      return result(at, current, SUBCOMMANDS["kubectl get"]!);
    }
    if (pos[0] === "get" && pos.length === 2) {
      const kind = pos[1]!;
      if (/^(pods?|po)$/.test(kind)) return result(at, current, podsIn(ns));
      if (/^(nodes?|no)$/.test(kind)) return result(at, current, data.nodes);
      if (/^(services?|svc|endpoints|ep)$/.test(kind)) {
        return result(at, current, data.services.filter((s) => s.namespace === ns).map((s) => s.name));
      }
      if (/^(namespaces?|ns)$/.test(kind)) return result(at, current, data.namespaces);
    }
    return result(at, current, []);
  }

  if (tool === "curl" || tool === "ping") {
    if (current.startsWith("-")) return result(at, current, ["--max-time", "-I", "-m", "-s", "-v"]);
    const names = data.services.flatMap((s) => [s.name, `${s.name}.${s.namespace}`, `${s.name}.${s.namespace}.svc.cluster.local`]);
    return result(at, current, names.filter((n) => current.length > 0 || !n.includes(".")));
  }

  const pos = positionals(tool, args);
  if (tool === "ovs-ofctl" || tool === "ovs-vsctl" || tool === "ovs-appctl") {
    if (current.startsWith("-")) {
      const opts: Readonly<Record<string, readonly string[]>> = {
        "ovs-ofctl": ["--names", "--no-names", "--no-stats", "--rsort", "--sort", "-O"],
        "ovs-appctl": ["--ct-next", "--names", "--no-names"],
        "ovs-vsctl": [],
      };
      return result(at, current, opts[tool]!);
    }
    if (tool === "ovs-ofctl" && prev === "-O") return result(at, current, ["OpenFlow10", "OpenFlow13", "OpenFlow15"]);
    if (pos.length === 0) return result(at, current, SUBCOMMANDS[tool]!);
    if (pos.length === 1 && (tool !== "ovs-appctl" || pos[0] === "ofproto/trace")) return result(at, current, ["br-int"]);
    if (tool === "ovs-ofctl" && pos[0] === "dump-flows" && pos.length >= 2) return result(at, current, ["table="], false);
    return result(at, current, []);
  }

  if (tool === "antctl") {
    if (current.startsWith("-")) return result(at, current, pos[1] === "ovsflows" ? ["--table", "-T", "-o"] : ["-o"]);
    if (pos.length === 0) return result(at, current, SUBCOMMANDS.antctl!);
    if (pos.length === 1 && pos[0] === "get") return result(at, current, SUBCOMMANDS["antctl get"]!);
    return result(at, current, []);
  }

  if (tool === "ip") {
    if (pos.length === 0) return result(at, current, SUBCOMMANDS.ip!);
    if (pos.length === 1 && pos[0]!.startsWith("r")) return result(at, current, SUBCOMMANDS["ip route"]!);
    return result(at, current, []);
  }

  if (tool === "arp" && current.startsWith("-")) return result(at, current, ["-a", "-n"]);
  if (tool === "iptables" && (prev === "-t" || prev === "--table")) return result(at, current, ["filter", "mangle", "nat", "raw"]);
  return result(at, current, []);
}
