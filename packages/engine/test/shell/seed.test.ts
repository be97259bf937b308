// Every command of the seed document, run through the simulated shell on the
// host the seed ran it on, compared with the seed's text. The seed is a web
// rendering that lost leading indentation and every <…> group (and the column
// padding), and carries the author's `=> comments`; both sides are normalised
// for exactly those losses.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { traceCluster } from "../../src/cluster/trace.ts";
import { ShellSession } from "../../src/shell/session.ts";
import { seedCluster } from "../cluster/helpers.ts";

interface Block {
  readonly host: string;
  readonly command: string;
  readonly lines: readonly string[];
}

const FIXTURE = readFileSync(fileURLToPath(new URL("./fixtures/seed-outputs.txt", import.meta.url)), "utf8");
const BLOCKS: Block[] = FIXTURE.split(/^### /m).slice(1).map((chunk) => {
  const [head, ...rest] = chunk.split("\n");
  const m = /^(\S+) \$ (.*)$/.exec(head!)!;
  return { host: m[1]!, command: m[2]!, lines: rest.filter((l) => l !== "") };
});

function block(host: string, command: string): Block {
  const b = BLOCKS.find((x) => x.host === host && x.command === command);
  if (!b) throw new Error(`no seed block for ${host} $ ${command}`);
  return b;
}

/** The seed's losses: leading whitespace, <…> groups, column padding; the author's `=>` comments. */
export function normalise(line: string): string {
  return line.replace(/<[^<>]*>/g, "").replace(/\s+(=>=>|=\s*>).*$/, "").replace(/\s+/g, " ").trim();
}

/** A seed line matches ours; two seed lines carry a comment without `=>` (a capitalised phrase after the output). */
function same(seedLine: string, ours: string): boolean {
  const s = normalise(seedLine), o = normalise(ours);
  return s === o || (s.startsWith(o + " ") && /^[A-Z]/.test(s.slice(o.length + 1)));
}

function outputLines(text: string): string[] {
  return text.split("\n").filter((l) => normalise(l) !== "");
}

/** Every segment between `OUTPUT OMITTED` markers appears in ours as a contiguous run, in order. */
function expectSegments(seed: readonly string[], ours: readonly string[]): void {
  const segments: string[][] = [[]];
  for (const l of seed) {
    if (l === "OUTPUT OMITTED") segments.push([]);
    else segments[segments.length - 1]!.push(l);
  }
  let from = 0;
  for (const seg of segments.filter((s) => s.length)) {
    let at = -1;
    for (let i = from; i + seg.length <= ours.length && at < 0; i++) {
      if (seg.every((l, k) => same(l, ours[i + k]!))) at = i;
    }
    expect(at, `segment not found in order:\n${seg.join("\n")}\n--- ours:\n${ours.join("\n")}`).toBeGreaterThanOrEqual(0);
    from = at + seg.length;
  }
}

function expectExact(seed: readonly string[], ours: readonly string[]): void {
  expect(ours.map(normalise)).toHaveLength(seed.length);
  seed.forEach((l, i) => expect(same(l, ours[i]!), `line ${i + 1}:\n  seed: ${l}\n  ours: ${ours[i]}`).toBe(true));
}

/** The seed's lines, in order, among ours (ours may have more lines). */
function expectSubsequence(seed: readonly string[], ours: readonly string[]): void {
  let i = 0;
  for (const o of ours) if (i < seed.length && same(seed[i]!, o)) i++;
  expect(i, `seed line not found in order: ${seed[i]}\n--- ours:\n${ours.join("\n")}`).toBe(seed.length);
}

/** /proc/net/arp order of the seed's `arp -a` (the kernel's hash order is not reproducible, so it is pinned). */

function run(session: ShellSession, command: string): string[] {
  const r = session.run(command);
  expect(r.stderr, `stderr of ${command}`).toBe("");
  expect(r.code).toBe(0);
  return outputLines(r.stdout);
}

describe("seed reproduction", () => {
  const cluster = seedCluster();
  const master = new ShellSession(cluster, "master");

  it("prompts as the seed's user", () => {
    expect(master.prompt).toBe("vmware@master:~$");
    expect(new ShellSession(cluster, "worker2").prompt).toBe("vmware@worker2:~$");
  });

  it("kubectl get nodes -o wide (the capture's clock)", () => {
    const at = new ShellSession(cluster, "master", { clock: "podsAll" });
    const b = block("master", "kubectl get nodes -o wide");
    expectExact(b.lines, run(at, b.command));
  });

  it("antctl version through kubectl exec and the `k` alias", () => {
    const b = block("master", "k exec -it antrea-controller-655fcbc656-hrkwg -n kube-system -- antctl version");
    expectExact(b.lines, run(master, b.command));
  });

  it("kubectl get pods -o wide, get netpol", () => {
    for (const cmd of ["kubectl get pods -o wide", "kubectl get netpol"]) {
      const b = block("master", cmd);
      expectExact(b.lines, run(master, cmd));
    }
  });

  it("kubectl get svc and get ep (ours also lists the NodePort Service from the lab's later captures)", () => {
    for (const cmd of ["kubectl get svc", "kubectl get ep"]) {
      const b = block("master", cmd);
      const ours = run(master, cmd);
      expectSubsequence(b.lines, ours);
      expect(ours).toHaveLength(b.lines.length + 1);
      expect(ours.filter((l) => !b.lines.some((s) => same(s, l)))[0]).toMatch(/^frontend-nodeport /);
    }
  });

  it("kubectl get pods -A -o wide (the capture's clock)", () => {
    const at = new ShellSession(cluster, "master", { clock: "podsAll" });
    const b = block("master", "kubectl get pods -A -o wide");
    expectExact(b.lines, run(at, b.command));
  });

  it("ovs-vsctl show and ovs-ofctl show br-int in antrea-ovs on both workers", () => {
    for (const cmd of [
      "kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- ovs-vsctl show",
      "kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- ovs-ofctl show br-int",
      "kubectl exec -n kube-system -it antrea-agent-fv5x9 -c antrea-ovs -- ovs-vsctl show",
      "kubectl exec -it antrea-agent-fv5x9 -n kube-system -c antrea-ovs -- ovs-ofctl show br-int",
    ]) {
      const b = block("master", cmd);
      expectExact(b.lines, run(master, cmd));
    }
  });

  it("curl backendsvc twice from frontend: backend1, then backend2 (default seed)", () => {
    const b = block("master", "kubectl exec -it frontend -- sh");
    expect(run(master, b.command)).toEqual([]);
    expect(master.prompt).toBe("/ #");
    const ours: string[] = [];
    for (const l of b.lines) {
      if (!l.startsWith("/ # ")) continue;
      ours.push(`/ # ${l.slice(4)}`, ...run(master, l.slice(4)));
    }
    expectExact(b.lines, ours);
    master.run("exit");
    expect(master.prompt).toBe("vmware@master:~$");
  });

  it("ip address and ip route on both workers", () => {
    for (const host of ["worker1", "worker2"]) {
      const s = new ShellSession(cluster, host);
      expectSegments(block(host, "ip address").lines, run(s, "ip address"));
      expectExact(block(host, "ip route").lines, run(s, "ip route"));
    }
  });

  it("arp -a on both workers, after the traffic that fills their caches", () => {
    // worker1 learnt frontend, backend1 (ARP through br-int's NORMAL) and worker2's gateway (table 20's responder)
    // from the curls above. worker2: a NodePort connection to frontend (routed to worker1's gateway) and a
    // connection from the Node to backend2.
    traceCluster(cluster, { from: "client", to: "worker2:32422", reply: true });
    const w2 = new ShellSession(cluster, "worker2");
    expect(w2.run("curl -s 10.222.2.34").stdout).toBe("Praqma Network MultiTool (with NGINX) - backend2 - 10.222.2.34/24\n");
    expectSegments(block("worker1", "arp -a").lines, run(new ShellSession(cluster, "worker1"), "arp -a"));
    expectSegments(block("worker2", "arp -a").lines, run(w2, "arp -a"));
  });
});
