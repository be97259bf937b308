/**
 * `curl` inside a Pod (Alpine's curl with musl) or on a Node (Ubuntu
 * 18.04's curl 7.58 with glibc): name resolution (cluster DNS through the
 * kube-dns Service for Pods, /etc/hosts on Nodes), then a TCP handshake
 * followed through the cluster, then the server's answer or curl's error.
 */
import { httpBody } from "../cluster/apps.ts";
import type { Cluster } from "../cluster/cluster.ts";
import { tcpConnect, udpExchange } from "../cluster/connect.ts";
import type { Source } from "../cluster/trace.ts";
import { isIpv4 } from "../host/addr.ts";
import { fail, inHostNetwork, nodeOf, ok, type CommandEnv, type Context, type Output } from "./types.ts";

interface Url {
  readonly host: string;
  readonly port: number;
  readonly scheme: "http" | "https";
}

function parseUrl(text: string): Url | undefined {
  const m = /^(?:(https?):\/\/)?([^/:?#]+)(?::(\d+))?(?:[/?#].*)?$/i.exec(text);
  if (!m) return undefined;
  const scheme = (m[1]?.toLowerCase() ?? "http") as "http" | "https";
  return { scheme, host: m[2]!, port: m[3] ? Number(m[3]) : scheme === "https" ? 443 : 80 };
}

function sourceOf(ctx: Context): Source {
  if (ctx.kind === "container" && !ctx.pod.spec.hostNetwork) return { kind: "pod", pod: ctx.pod };
  return { kind: "node", node: nodeOf(ctx) };
}

/** musl (the Pods' Alpine) and glibc (the Nodes, Ubuntu-based containers) word ETIMEDOUT differently. */
function usesMusl(ctx: Context): boolean {
  return ctx.kind === "container" && !ctx.pod.spec.hostNetwork;
}

type Resolved = { readonly ip: string } | { readonly error: "nxdomain" | "timeout" };

/** The cluster DNS as a Pod sees it: a UDP query to the kube-dns Service, answered by CoreDNS. */
function resolveInPod(c: Cluster, ctx: Context, name: string): Resolved {
  const pod = (ctx as Extract<Context, { kind: "container" }>).pod;
  const dns = c.service("kube-system/kube-dns");
  const answer = c.resolveServiceName(name, pod.metadata.namespace);
  if (!dns) return answer ? { ip: answer } : { error: "nxdomain" };
  const q = udpExchange(c, { kind: "pod", pod }, dns.spec.clusterIP, 53);
  if (q.outcome.kind !== "answered") return { error: "timeout" };
  return answer ? { ip: answer } : { error: "nxdomain" };
}

/** /etc/hosts of a Node: localhost and the Nodes. */
function resolveOnNode(c: Cluster, name: string): Resolved {
  if (name === "localhost") return { ip: "127.0.0.1" };
  const n = c.nodeByName(name);
  return n ? { ip: n.ip } : { error: "nxdomain" };
}

export function curlCommand(argv: readonly string[], env: CommandEnv): Output {
  let silent = false, showError = false;
  let maxTime: number | undefined, connectTimeout: number | undefined;
  let url: string | undefined;
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const needValue = (): string | undefined => argv[++i];
    if (a === "-m" || a === "--max-time") {
      const v = needValue();
      if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) return fail(`curl: option ${a}: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`, 2);
      maxTime = Number(v);
    } else if (a === "--connect-timeout") {
      const v = needValue();
      if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) return fail(`curl: option ${a}: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`, 2);
      connectTimeout = Number(v);
    } else if (a === "-o" || a === "--output") {
      output = needValue();
    } else if (a === "--silent") silent = true;
    else if (a === "--show-error") showError = true;
    else if (a === "-k" || a === "--insecure" || a === "-L" || a === "--location" || a === "-v" || a === "--verbose") continue;
    else if (/^-[a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === "s") silent = true;
        else if (f === "S") showError = true;
        else if (f === "k" || f === "L" || f === "v") continue;
        else return fail(`curl: option -${f}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`, 2);
      }
    } else if (a.startsWith("-")) {
      return fail(`curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`, 2);
    } else url = a;
  }
  if (url === undefined) return fail("curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
  const err = (code: number, msg: string): Output => ({ stdout: "", stderr: silent && !showError ? "" : `curl: (${code}) ${msg}\n`, code });
  const u = parseUrl(url);
  if (!u) return err(3, "URL using bad/illegal format or missing URL");
  const c = env.cluster;
  let ip: string;
  if (isIpv4(u.host)) ip = u.host;
  else {
    const r = inHostNetwork(env.ctx) ? resolveOnNode(c, u.host) : resolveInPod(c, env.ctx, u.host);
    if ("error" in r) return err(6, `Could not resolve host: ${u.host}`);
    ip = r.ip;
  }
  const conn = tcpConnect(c, sourceOf(env.ctx), ip, u.port);
  switch (conn.outcome.kind) {
    case "timeout": {
      const limit = connectTimeout ?? maxTime;
      if (limit !== undefined) return err(28, `Connection timed out after ${Math.round(limit * 1000) + 1} milliseconds`);
      return err(7, `Failed to connect to ${u.host} port ${u.port}: ${usesMusl(env.ctx) ? "Operation timed out" : "Connection timed out"}`);
    }
    case "refused":
      return err(7, `Failed to connect to ${u.host} port ${u.port}: Connection refused`);
    case "established": {
      const res = httpBody(c, conn.outcome.server, conn.outcome.server.pkt.dport);
      if ("error" in res) {
        if (res.error === "empty") return err(52, "Empty reply from server");
        if (u.scheme === "https") return err(60, "SSL certificate problem: unable to get local issuer certificate");
        return ok("Client sent an HTTP request to an HTTPS server.\n");
      }
      if (u.scheme === "https") return err(35, "error:1408F10B:SSL routines:ssl3_get_record:wrong version number");
      // The body goes to the file (the progress meter curl would show is not simulated).
      if (output !== undefined && output !== "-") return ok("");
      return ok(res.body);
    }
  }
}

export { sourceOf };
