/**
 * The simulated terminal: a login shell (bash 4.4) on a Node of the
 * cluster, as the seed's user `vmware`, that can enter containers with
 * `kubectl exec -it POD -- sh` (busybox sh in the Network-MultiTool Pods,
 * bash in Antrea's containers) and leave them with `exit`. Command lines are
 * parsed as bash parses them (quoting, expansions, pipelines, lists,
 * redirections), and every command prints what the real tool prints.
 */
import { LIMITS, formatBytes, utf8Length } from "../limits.ts";
import type { Cluster } from "../cluster/cluster.ts";
import { ashParseError, bashParseError, parseCommandLine, type AndOr, type Pipeline, type SimpleCommand } from "./parse.ts";
import { containerCommands, containerKind, execNotFound, hasShell, type ContainerKind } from "./containers.ts";
import { curlCommand } from "./curl.ts";
import { kubectlCommand } from "./kubectl.ts";
import { arpCommand, conntrackCommand, ipCommand, iptablesCommand, iptablesSaveCommand, isRoot } from "./net-tools.ts";
import { cat, grep, head, sort, tail, wc } from "./text-tools.ts";
import { fail, ok, type Command, type CommandEnv, type Context, type Output } from "./types.ts";

export interface SessionOptions {
  /** Login user (default `vmware`, the seed's). */
  readonly user?: string;
  /** Name of the scenario clock kubectl's AGE column uses (default: the scenario's `clock`). */
  readonly clock?: string;
}

const PARAM_OPEN = "\u0000";
const PARAM_CLOSE = "\u0001";
const PARAM_REF = /\u0000([^\u0001]*)\u0001/g;

export interface ShellResult extends Output {
  /** The prompt to show for the next command. */
  readonly prompt: string;
}

/** Ubuntu 18.04's command-not-found: packages that provide commands people try on the Nodes. */
const APT_HINTS: Readonly<Record<string, string>> = {
  "ovs-vsctl": "openvswitch-switch", "ovs-ofctl": "openvswitch-switch", "ovs-appctl": "openvswitch-switch",
  "ovs-dpctl": "openvswitch-switch", "ipset": "ipset", "tshark": "tshark", "nmap": "nmap", "traceroute": "traceroute",
  "ifconfig": "net-tools", "netstat": "net-tools", "route": "net-tools",
};

/** Commands every shell context has (common userland). */
const COMMON: Readonly<Record<string, Command>> = { grep, head, tail, wc, sort, cat };

/** The Node's own commands. */
const HOST_COMMANDS: Readonly<Record<string, Command>> = {
  kubectl: kubectlCommand,
  ip: ipCommand,
  arp: arpCommand,
  curl: curlCommand,
  iptables: iptablesCommand,
  "iptables-save": iptablesSaveCommand,
  conntrack: conntrackCommand,
};

/** The Network-MultiTool image's tools. */
const MULTITOOL_COMMANDS: Readonly<Record<string, Command>> = { ip: ipCommand, curl: curlCommand, arp: arpCommand };

/** The antrea-ubuntu image also has iproute2. */
const ANTREA_IMAGE_COMMANDS: Readonly<Record<string, Command>> = { ip: ipCommand };

function flavorOf(ctx: Context): "bash" | "ash" {
  if (ctx.kind === "host") return "bash";
  return containerKind(ctx.pod, ctx.container) === "multitool" ? "ash" : "bash";
}

function hostnameOf(ctx: Context): string {
  if (ctx.kind === "host") return ctx.node;
  return ctx.pod.spec.hostNetwork ? ctx.pod.spec.nodeName : ctx.pod.metadata.name;
}

export function promptOf(ctx: Context): string {
  if (ctx.kind === "host") return ctx.user === "root" ? `root@${ctx.node}:~#` : `${ctx.user}@${ctx.node}:~$`;
  const kind = containerKind(ctx.pod, ctx.container);
  if (kind === "multitool") return "/ #";
  return `root@${hostnameOf(ctx)}:/#`;
}

export class ShellSession {
  readonly cluster: Cluster;
  private readonly stack: Context[];
  private lastCode = 0;
  private readonly vars: Record<string, string> = {};
  private readonly files = new Map<string, string>();
  clock: string | undefined;

  constructor(cluster: Cluster, node: string, opts: SessionOptions = {}) {
    if (!cluster.nodeByName(node)) {
      throw new Error(`no Node named "${node}" (Nodes: ${cluster.scenario.nodes.map((n) => n.name).join(", ")})`);
    }
    this.cluster = cluster;
    this.stack = [{ kind: "host", node, user: opts.user ?? "vmware" }];
    this.clock = opts.clock;
  }

  get context(): Context {
    return this.stack[this.stack.length - 1]!;
  }

  get prompt(): string {
    return promptOf(this.context);
  }

  /** Runs one command line typed at the current prompt. */
  run(line: string): ShellResult {
    if (utf8Length(line) > LIMITS.shellLineBytes) {
      // bash would take it; the simulator states its own limit instead of slowing the page down.
      this.lastCode = 2;
      const stderr = `-bash: command line longer than ${formatBytes(LIMITS.shellLineBytes)}: not run by the simulator\n`;
      return { stdout: "", stderr, code: 2, prompt: this.prompt };
    }
    const r = this.runLine(this.context, line, "");
    this.lastCode = r.code;
    return { ...r, prompt: this.prompt };
  }

  private envVars(ctx: Context): Record<string, string> {
    const home = ctx.kind === "host" ? (ctx.user === "root" ? "/root" : `/home/${ctx.user}`) : "/root";
    return {
      HOME: home, USER: ctx.kind === "host" ? ctx.user : "root", HOSTNAME: hostnameOf(ctx), PWD: ctx.kind === "host" ? home : "/",
      SHELL: flavorOf(ctx) === "bash" ? "/bin/bash" : "/bin/sh", PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "?": String(this.lastCode), ...this.vars,
    };
  }

  private runLine(ctx: Context, line: string, stdin: string): Output {
    const vars = this.envVars(ctx);
    // Parameters expand when each command runs, not when the line is parsed
    // (`false; echo $?` prints 1): the parser leaves a marker per reference.
    const deferred = new Proxy({} as Record<string, string>, {
      get: (_t, name) => (typeof name === "string" ? `${PARAM_OPEN}${name}${PARAM_CLOSE}` : undefined),
    });
    const parsed = parseCommandLine(line, { vars: deferred, home: vars.HOME! });
    if (!parsed.ok) return fail(flavorOf(ctx) === "ash" ? ashParseError(parsed.error) : bashParseError(parsed.error), 2);
    let stdout = "", stderr = "", code = 0;
    const depth = this.stack.length;
    for (const item of parsed.list) {
      const r = this.andOr(ctx, item, stdin);
      stdout += r.stdout;
      stderr += r.stderr;
      code = r.code;
      this.lastCode = code;
      // After `exit` or entering a container, the rest of the line runs there in a real shell; here it stops.
      if (this.stack.length !== depth) break;
    }
    return { stdout, stderr, code };
  }

  private andOr(ctx: Context, item: AndOr, stdin: string): Output {
    let r = this.pipeline(ctx, item.first, stdin);
    let stdout = r.stdout, stderr = r.stderr;
    for (const next of item.rest) {
      if ((next.op === "&&") !== (r.code === 0)) continue;
      this.lastCode = r.code;
      r = this.pipeline(ctx, next.pipeline, stdin);
      stdout += r.stdout;
      stderr += r.stderr;
    }
    return { stdout, stderr, code: r.code };
  }

  private pipeline(ctx: Context, p: Pipeline, stdin: string): Output {
    let input = stdin;
    let stderr = "";
    let last: Output = ok();
    for (const cmd of p.commands) {
      last = this.simple(ctx, cmd, input);
      stderr += last.stderr;
      input = last.stdout;
    }
    const code = p.negate ? (last.code === 0 ? 1 : 0) : last.code;
    return { stdout: last.stdout, stderr, code };
  }

  private simple(ctx: Context, raw: SimpleCommand, stdin: string): Output {
    const cmd = this.expandParameters(ctx, raw);
    let input = stdin;
    for (const r of cmd.redirects) {
      if (r.op === "<") {
        const f = this.files.get(r.target);
        if (f === undefined && r.target !== "/dev/null") return fail(`${flavorOf(ctx) === "ash" ? "sh" : "bash"}: ${r.target}: No such file or directory\n`);
        input = f ?? "";
      }
    }
    for (const [k, v] of cmd.assignments) if (cmd.argv.length === 0) this.vars[k] = v;
    let out = cmd.argv.length ? this.dispatch(ctx, cmd.argv, input) : ok();
    // Output redirections, left to right.
    for (const r of cmd.redirects) {
      if (r.op === ">&") {
        if (r.fd === 2 && r.target === "1") out = { stdout: out.stdout + out.stderr, stderr: "", code: out.code };
        else if (r.fd === 1 && r.target === "2") out = { stdout: "", stderr: out.stderr + out.stdout, code: out.code };
      } else if (r.op === ">" || r.op === ">>") {
        const text = r.fd === 2 ? out.stderr : out.stdout;
        if (r.target !== "/dev/null") this.files.set(r.target, (r.op === ">>" ? this.files.get(r.target) ?? "" : "") + text);
        out = r.fd === 2 ? { ...out, stderr: "" } : { ...out, stdout: "" };
      }
    }
    return out;
  }

  /** Replaces the parser's parameter markers with the values they have now. */
  private expandParameters(ctx: Context, cmd: SimpleCommand): SimpleCommand {
    const vars = this.envVars(ctx);
    const sub = (text: string): string => (text.includes(PARAM_OPEN) ? text.replace(PARAM_REF, (_m, name: string) => vars[name] ?? "") : text);
    return {
      assignments: cmd.assignments.map(([k, v]) => [k, sub(v)] as const),
      argv: cmd.argv.map(sub),
      redirects: cmd.redirects.map((r) => ({ ...r, target: sub(r.target) })),
    };
  }

  private commandEnv(ctx: Context, stdin: string): CommandEnv {
    return {
      cluster: this.cluster,
      ctx,
      stdin,
      clock: this.clock,
      runIn: (c, argv, input) => this.execDirect(c, argv, input),
      enter: (c) => {
        this.stack.push(c);
      },
    };
  }

  /** A command started without a shell (`kubectl exec POD -- CMD`): only the image's executables. */
  private execDirect(ctx: Context, argv: readonly string[], stdin: string): Output {
    if (ctx.kind === "container") {
      const kind = containerKind(ctx.pod, ctx.container);
      const name = argv[0]!;
      const base = name.replace(/^\/(usr\/)?s?bin\//, "");
      if (!hasShell(kind) || !this.lookup(ctx, base, kind)) {
        if (hasShell(kind) && ["sh", "bash", "ash", "echo", "hostname", "cat", "true", "false"].includes(base)) return this.dispatch(ctx, [base, ...argv.slice(1)], stdin);
        return execNotFound(name);
      }
      return this.dispatch(ctx, [base, ...argv.slice(1)], stdin);
    }
    return this.dispatch(ctx, argv, stdin);
  }

  private lookup(ctx: Context, name: string, kind?: ContainerKind): Command | undefined {
    if (COMMON[name]) return COMMON[name];
    if (ctx.kind === "host") return HOST_COMMANDS[name];
    const k = kind ?? containerKind(ctx.pod, ctx.container);
    if (k === "multitool") return MULTITOOL_COMMANDS[name];
    if (k === "other") return undefined;
    return containerCommands(k)[name] ?? ANTREA_IMAGE_COMMANDS[name];
  }

  private notFound(ctx: Context, name: string): Output {
    if (flavorOf(ctx) === "ash") return fail(`sh: ${name}: not found\n`, 127);
    if (ctx.kind === "host") {
      const pkg = APT_HINTS[name];
      if (pkg) return fail(`\nCommand '${name}' not found, but can be installed with:\n\nsudo apt install ${pkg}\n\n`, 127);
      return fail(`${name}: command not found\n`, 127);
    }
    return fail(`bash: ${name}: command not found\n`, 127);
  }

  private dispatch(ctx: Context, argv0: readonly string[], stdin: string): Output {
    let argv = argv0;
    // bash aliases of the seed's user: `k` for kubectl.
    if (ctx.kind === "host" && argv[0] === "k") argv = ["kubectl", ...argv.slice(1)];
    const [name, ...args] = argv;
    const shellName = flavorOf(ctx) === "ash" ? "sh" : "bash";
    switch (name!) {
      case "exit":
      case "logout": {
        const code = args[0] !== undefined && /^\d+$/.test(args[0]) ? Number(args[0]) & 255 : this.lastCode;
        if (this.stack.length > 1 && this.context === ctx) {
          this.stack.pop();
          return { stdout: "", stderr: "", code };
        }
        return { stdout: "", stderr: ctx.kind === "host" ? "logout\n" : "", code };
      }
      case "echo": {
        let a = args;
        let nl = true;
        if (a[0] === "-n") {
          nl = false;
          a = a.slice(1);
        }
        return ok(a.join(" ") + (nl ? "\n" : ""));
      }
      case "true": return ok();
      case "false": return fail("", 1);
      case "pwd": return ok(`${this.envVars(ctx).PWD}\n`);
      case "cd": return ok();
      case "export": {
        for (const a of args) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(a);
          if (m) this.vars[m[1]!] = m[2]!;
        }
        return ok();
      }
      case "hostname": return ok(`${hostnameOf(ctx)}\n`);
      case "whoami": return ok(`${ctx.kind === "host" ? ctx.user : "root"}\n`);
      case "clear": return ok("\x1b[H\x1b[2J");
      case "sleep": return ok();
      case "sh":
      case "bash":
      case "ash": {
        if (name === "bash" && flavorOf(ctx) === "ash" && ctx.kind === "container" && containerKind(ctx.pod, ctx.container) !== "multitool") return this.notFound(ctx, name);
        if (args[0] === "-c") {
          if (args[1] === undefined) return fail(`${name}: -c: option requires an argument\n`, 2);
          return this.runLine(ctx, args[1], stdin);
        }
        if (args.length === 0) {
          // An interactive shell at a terminal; in a pipeline (no terminal), it reads its script from stdin.
          if (stdin) return this.runLine(ctx, stdin, "");
          this.stack.push(ctx);
          return ok();
        }
        return fail(`${name}: ${args[0]}: No such file or directory\n`, 127);
      }
      case "sudo": {
        if (ctx.kind !== "host") return this.notFound(ctx, "sudo");
        if (args.length === 0) return fail("usage: sudo -h | -K | -k | -V\nusage: sudo -v [-AknS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-AknS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command]\nusage: sudo [-AbEHknPS] [-r role] [-t type] [-C num] [-g group] [-h host] [-p prompt] [-T timeout] [-u user] [VAR=value] [-i|-s] [<command>]\nusage: sudo -e [-AknS] [-r role] [-t type] [-C num] [-g group] [-h host] [-p prompt] [-T timeout] [-u user] file ...\n", 1);
        const root: Context = { kind: "host", node: ctx.node, user: "root" };
        let rest = args;
        while (rest[0] === "-E" || rest[0] === "-H") rest = rest.slice(1);
        if (rest[0] === "-i" || rest[0] === "-s" || (rest[0] === "su" && rest.length <= 2) || ((rest[0] === "bash" || rest[0] === "sh") && rest.length === 1)) {
          this.stack.push(root);
          return ok();
        }
        const cmd = rest[0]!;
        if (!this.lookup(root, cmd === "k" ? "kubectl" : cmd) && !["echo", "true", "false", "hostname", "whoami", "sh", "bash"].includes(cmd)) {
          if (cmd === "k") return fail("sudo: k: command not found\n", 1);
          return fail(`sudo: ${cmd}: command not found\n`, 1);
        }
        // kubectl as root has no kubeconfig either (it is in vmware's home).
        if (cmd === "kubectl") return fail("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n", 1);
        return this.dispatch(root, rest, stdin);
      }
    }
    const cmd = this.lookup(ctx, name!);
    if (!cmd) {
      if (name!.includes("/")) return fail(`${shellName}: ${name}: No such file or directory\n`, 127);
      return this.notFound(ctx, name!);
    }
    return cmd(args, this.commandEnv(ctx, stdin));
  }

  /** Whether the current context is the Node's root shell (for callers that need to know). */
  get isRoot(): boolean {
    return isRoot(this.context);
  }
}

/** Runs one command line on a fresh session (the `ovs-lab sh` command). */
export function runCommandLine(cluster: Cluster, node: string, line: string, opts: SessionOptions = {}): ShellResult {
  return new ShellSession(cluster, node, opts).run(line);
}
