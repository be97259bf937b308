import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";

async function cli(...argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = "", stderr = "";
  const code = await main(argv, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    readFile: (p) => readFileSync(new URL(`../../../../${p.replace(/^(\.\.\/)+/, "")}`, import.meta.url), "utf8"),
  });
  return { stdout, stderr, code };
}

describe("ovs-lab trace", () => {
  it("--json prints verdict, hops with tables, and the reply", async () => {
    const r = await cli("trace", "--from", "frontend", "--to", "backendsvc", "--endpoint", "backend2", "--reply", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe("delivered");
    expect(j.delivered_to).toBe("backend2");
    expect(j.hops.map((h: { node: string; where: string }) => `${h.node}/${h.where}`)).toEqual([
      "worker1/ovs", "worker1/host", "worker1/ovs", "worker1/tunnel", "worker2/ovs",
    ]);
    expect(j.hops[0].tables).toEqual([0, 10, 30, 31, 40, 105, 110]);
    expect(j.reply.verdict).toBe("delivered");
    expect(j.reply.delivered_to).toBe("frontend");
  });

  it("a drop names the Node, table, flow and policy", async () => {
    const r = await cli("trace", "--from", "default/backend1", "--to", "frontend:80", "--json");
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe("dropped");
    expect(j.dropped_at).toEqual({ node: "worker1", table: 60, flow: "cookie=0x1000000000000, table=60, priority=200,ip,nw_src=10.222.1.47 actions=drop" });
    expect(j.policy.policies).toEqual(["default/backendpolicy"]);
  });

  it("prints text without --json, and usage errors with status 2", async () => {
    const r = await cli("trace", "--from", "frontend", "--to", "10.222.2.34:80");
    expect(r.stdout).toContain("verdict: delivered to backend2");
    expect((await cli("trace", "--from", "frontend")).code).toBe(2);
    expect((await cli("trace", "--from", "frontend", "--to", "x", "--proto", "sctp")).code).toBe(2);
    const bad = await cli("trace", "--from", "nobody", "--to", "frontend:80");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--from nobody");
  });
});

describe("ovs-lab sh", () => {
  it("runs one command line at a Node's prompt, with the tool's output and status", async () => {
    const r = await cli("sh", "--on", "master", "kubectl exec -it frontend -- curl backendsvc");
    expect(r).toEqual({ stdout: "Praqma Network MultiTool (with NGINX) - backend1 - 10.222.1.47/24\n", stderr: "", code: 0 });
    const nf = await cli("sh", "--on", "worker1", "ovs-vsctl show");
    expect(nf.code).toBe(127);
    const q = await cli("sh", "--on", "worker1", "echo 'x");
    expect(q.code).toBe(2);
    expect(q.stderr).toContain("unexpected EOF");
    expect((await cli("sh", "--on", "nowhere", "ls")).code).toBe(2);
  });
});
