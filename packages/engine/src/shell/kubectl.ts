/**
 * kubectl v1.18 as the seed's user runs it on the control-plane Node:
 * `get` (nodes, pods, services, endpoints, networkpolicies, namespaces;
 * `-o wide`, `-A`, `-n`), `exec [-it] [-n NS] POD [-c CONTAINER] -- CMD`
 * and `version`, with kubectl's and the API server's error messages.
 */
import { keyOf } from "../k8s/query.ts";
import type { Pod } from "../k8s/types.ts";
import {
  printEndpoints, printNamespaces, printNetworkPolicies, printNodes, printPods, printServices, type GetOptions,
} from "./kubectl-print.ts";
import { fail, ok, type CommandEnv, type Context, type Output } from "./types.ts";

interface Resource {
  readonly plural: string;
  /** How the API server names it in NotFound errors. */
  readonly errorName: string;
  readonly namespaced: boolean;
  readonly print: (s: CommandEnv["cluster"]["scenario"], o: GetOptions) => string;
  readonly names: (s: CommandEnv["cluster"]["scenario"], ns: string | undefined) => string[];
}

const inNs = <T extends { metadata: { namespace: string; name: string } }>(items: readonly T[], ns: string | undefined): string[] =>
  items.filter((i) => ns === undefined || i.metadata.namespace === ns).map((i) => i.metadata.name);

const RESOURCES: Readonly<Record<string, Resource>> = {
  nodes: { plural: "nodes", errorName: "nodes", namespaced: false, print: printNodes, names: (s) => s.nodes.map((n) => n.name) },
  pods: { plural: "pods", errorName: "pods", namespaced: true, print: printPods, names: (s, ns) => inNs(s.pods, ns) },
  services: { plural: "services", errorName: "services", namespaced: true, print: printServices, names: (s, ns) => inNs(s.services, ns) },
  endpoints: { plural: "endpoints", errorName: "endpoints", namespaced: true, print: printEndpoints, names: (s, ns) => inNs(s.endpoints, ns) },
  networkpolicies: {
    plural: "networkpolicies", errorName: "networkpolicies.networking.k8s.io", namespaced: true, print: printNetworkPolicies,
    names: (s, ns) => inNs(s.networkPolicies, ns),
  },
  namespaces: { plural: "namespaces", errorName: "namespaces", namespaced: false, print: printNamespaces, names: (s) => s.namespaces.map((n) => n.metadata.name) },
};

const ALIASES: Readonly<Record<string, string>> = {
  node: "nodes", nodes: "nodes", no: "nodes",
  pod: "pods", pods: "pods", po: "pods",
  service: "services", services: "services", svc: "services",
  endpoints: "endpoints", ep: "endpoints",
  networkpolicy: "networkpolicies", networkpolicies: "networkpolicies", netpol: "networkpolicies",
  namespace: "namespaces", namespaces: "namespaces", ns: "namespaces",
};

interface Parsed {
  readonly positional: string[];
  readonly namespace?: string;
  readonly allNamespaces: boolean;
  readonly output?: string;
  readonly container?: string;
  readonly stdin: boolean;
  readonly tty: boolean;
  /** Arguments after `--`. */
  readonly command?: string[];
}

/** pflag parsing of the flags the lab's commands use; flags may be interspersed with arguments. */
function parseFlags(argv: readonly string[]): Parsed | Output {
  const positional: string[] = [];
  let namespace: string | undefined, output: string | undefined, container: string | undefined;
  let allNamespaces = false, stdin = false, tty = false;
  let command: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      command = argv.slice(i + 1);
      break;
    }
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    const take = (name: string, inline?: string): string | Output => {
      const v = inline ?? argv[++i];
      if (v === undefined) return fail(`Error: flag needs an argument: --${name}\nSee 'kubectl --help' for usage.\n`);
      return v;
    };
    if (long) {
      const [, name, inline] = long;
      switch (name) {
        case "namespace": { const v = take(name, inline); if (typeof v !== "string") return v; namespace = v; break; }
        case "output": { const v = take(name, inline); if (typeof v !== "string") return v; output = v; break; }
        case "container": { const v = take(name, inline); if (typeof v !== "string") return v; container = v; break; }
        case "all-namespaces": allNamespaces = inline !== "false"; break;
        case "stdin": stdin = true; break;
        case "tty": tty = true; break;
        default: return fail(`Error: unknown flag: --${name}\nSee 'kubectl --help' for usage.\n`);
      }
      continue;
    }
    if (/^-[a-zA-Z]/.test(a)) {
      for (let k = 1; k < a.length; k++) {
        const f = a[k]!;
        const rest = a.slice(k + 1);
        const value = (flag: string): string | Output => {
          const v = rest.startsWith("=") ? rest.slice(1) : rest || argv[++i];
          if (v === undefined) return fail(`Error: flag needs an argument: '${flag}' in -${flag}\nSee 'kubectl --help' for usage.\n`);
          return v;
        };
        if (f === "i") stdin = true;
        else if (f === "t") tty = true;
        else if (f === "A") allNamespaces = true;
        else if (f === "n" || f === "o" || f === "c") {
          const v = value(f);
          if (typeof v !== "string") return v;
          if (f === "n") namespace = v;
          else if (f === "o") output = v;
          else container = v;
          break;
        } else {
          return fail(`Error: unknown shorthand flag: '${f}' in ${a}\nSee 'kubectl --help' for usage.\n`);
        }
      }
      continue;
    }
    positional.push(a);
  }
  return {
    positional, allNamespaces, stdin, tty,
    ...(namespace !== undefined ? { namespace } : {}), ...(output !== undefined ? { output } : {}),
    ...(container !== undefined ? { container } : {}), ...(command ? { command } : {}),
  };
}

function get(p: Parsed, env: CommandEnv): Output {
  const s = env.cluster.scenario;
  const kind = p.positional[1];
  if (kind === undefined) {
    return fail(
      "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n" +
        "error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n",
    );
  }
  const res = RESOURCES[ALIASES[kind.toLowerCase()] ?? ""];
  if (!res) return fail(`error: the server doesn't have a resource type "${kind}"\n`);
  if (p.output !== undefined && p.output !== "wide") {
    return fail(`error: output format "${p.output}" is not simulated in this lab (use the default or -o wide)\n`);
  }
  const names = p.positional.slice(2);
  const ns = res.namespaced ? (p.allNamespaces ? undefined : p.namespace ?? "default") : undefined;
  const missing = names.filter((n) => !res.names(s, ns ?? (res.namespaced ? "default" : undefined)).includes(n));
  const found = names.filter((n) => !missing.includes(n));
  const opts: GetOptions = {
    wide: p.output === "wide",
    namespace: res.namespaced ? ns : "",
    ...(env.clock !== undefined ? { clock: env.clock } : {}),
    ...(names.length ? { names: found } : {}),
  };
  const text = names.length && found.length === 0 ? "" : res.print(s, opts);
  const errors = missing.map((n) => `Error from server (NotFound): ${res.errorName} "${n}" not found\n`).join("");
  if (missing.length) return { stdout: text, stderr: errors, code: 1 };
  if (!text) {
    return { stdout: "", stderr: res.namespaced && ns !== undefined ? `No resources found in ${ns} namespace.\n` : "No resources found\n", code: 0 };
  }
  return ok(text);
}

const INTERACTIVE_SHELLS = new Set(["sh", "bash", "ash", "/bin/sh", "/bin/bash", "/bin/ash"]);

function exec(p: Parsed, env: CommandEnv): Output {
  const s = env.cluster.scenario;
  let stderr = "";
  let podName = p.positional[1];
  let command = p.command;
  if (podName === undefined) return fail("error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD_NAME and COMMAND are required arguments for the exec command\nSee 'kubectl exec -h' for help and examples\n");
  if (command === undefined) {
    if (p.positional.length > 2) {
      stderr += "kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n";
      command = p.positional.slice(2);
    } else {
      return fail("error: you must specify at least one command for the container\n");
    }
  } else if (p.positional.length > 2) {
    return fail("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n");
  }
  if (podName.startsWith("pod/") || podName.startsWith("pods/")) podName = podName.slice(podName.indexOf("/") + 1);
  const ns = p.namespace ?? "default";
  const pod: Pod | undefined = s.pods.find((x) => keyOf(x) === `${ns}/${podName}`);
  if (!pod) return fail(`${stderr}Error from server (NotFound): pods "${podName}" not found\n`);
  let container = p.container;
  if (container === undefined) {
    container = pod.spec.containers[0]!.name;
    if (pod.spec.containers.length > 1) {
      stderr += `Defaulting container name to ${container}.\nUse 'kubectl describe pod/${pod.metadata.name} -n ${ns}' to see all of the containers in this pod.\n`;
    }
  } else if (!pod.spec.containers.some((c) => c.name === container)) {
    return fail(`${stderr}error: unable to upgrade connection: container not found ("${container}")\n`);
  }
  const ctx: Context = { kind: "container", pod, container, tty: p.tty };
  if (command.length === 1 && INTERACTIVE_SHELLS.has(command[0]!) && p.stdin) {
    const probe = env.runIn(ctx, [command[0]!, "-c", "true"], "");
    if (probe.code !== 0) return { stdout: "", stderr: stderr + probe.stderr + `command terminated with exit code ${probe.code}\n`, code: probe.code };
    env.enter(ctx);
    return { stdout: "", stderr, code: 0 };
  }
  const r = env.runIn(ctx, command, p.stdin ? env.stdin : "");
  const trailer = r.code !== 0 ? `command terminated with exit code ${r.code}\n` : "";
  return { stdout: r.stdout, stderr: stderr + r.stderr + trailer, code: r.code };
}

/** kubectl v1.18.8's `version` (the build's commit and date are those of the v1.18.8 release). */
function version(env: CommandEnv, short: boolean): Output {
  const v = env.cluster.scenario.cluster.kubernetesVersion;
  const [maj, min] = v.replace(/^v/, "").split(".");
  if (short) return ok(`Client Version: ${v}\nServer Version: ${v}\n`);
  const info = `version.Info{Major:"${maj}", Minor:"${min}", GitVersion:"${v}", GitCommit:"9f2892aab98fe339f3bd70e3c470144299398ace", GitTreeState:"clean", BuildDate:"2020-08-13T16:12:48Z", GoVersion:"go1.13.15", Compiler:"gc", Platform:"linux/amd64"}`;
  return ok(`Client Version: ${info}\nServer Version: ${info}\n`);
}

/** Whether kubectl has a kubeconfig where it runs: the control-plane Node's user (kubeadm's admin.conf copied to ~/.kube). */
export function hasKubeconfig(env: CommandEnv): boolean {
  if (env.ctx.kind !== "host") return false;
  return env.cluster.nodeByName(env.ctx.node)?.roles.includes("master") ?? false;
}

export function kubectlCommand(argv: readonly string[], env: CommandEnv): Output {
  const p = parseFlags(argv);
  if ("code" in p) return p;
  const verb = p.positional[0];
  if (verb === undefined) return ok("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/overview/\n");
  if (verb === "version") return version(env, argv.includes("--short"));
  if (!["get", "exec"].includes(verb)) {
    if (["describe", "logs", "apply", "create", "delete", "edit", "explain", "top", "cp", "port-forward", "proxy", "run", "expose", "label", "annotate", "scale", "rollout", "api-resources", "cluster-info", "config", "patch", "replace", "attach", "auth", "drain", "cordon", "uncordon", "taint", "wait", "diff", "kustomize", "plugin", "completion", "certificate", "autoscale", "set", "convert", "options", "api-versions"].includes(verb)) {
      return fail(`kubectl ${verb}: not simulated in this lab (it runs get, exec and version)\n`);
    }
    return fail(`Error: unknown command "${verb}" for "kubectl"\nRun 'kubectl --help' for usage.\n`);
  }
  if (!hasKubeconfig(env)) {
    return fail("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
  }
  return verb === "get" ? get(p, env) : exec(p, env);
}
