import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { splitCommandLine } from "../../src/lib/shell-words.ts";
import { articleHref, neighbours, readingOrder, sidebarGroups, tableOfContents, type ArticleMeta } from "../../src/lib/navigation.ts";
import { CONTENT_SECURITY_POLICY, THEME_SCRIPT, THEME_SCRIPT_HASH } from "../../src/lib/theme.ts";
import { fixtureLab } from "./fixtures/world.ts";

describe("splitCommandLine", () => {
  it("splits on blanks and honours quotes and backslashes", () => {
    expect(splitCommandLine("ovs-ofctl  dump-flows br-int")).toEqual(["ovs-ofctl", "dump-flows", "br-int"]);
    expect(splitCommandLine(`ovs-appctl ofproto/trace br-int 'in_port=49,tcp' "a\\"b" c\\ d`)).toEqual([
      "ovs-appctl",
      "ofproto/trace",
      "br-int",
      "in_port=49,tcp",
      'a"b',
      "c d",
    ]);
  });
  it("reports what the simulated shell does not run", () => {
    expect(splitCommandLine("ovs-ofctl show br-int | grep tun")).toContain('"|"');
    expect(splitCommandLine("echo $HOME")).toContain("not simulated");
    expect(splitCommandLine("echo 'open")).toBe("unterminated single quote");
  });
});

const art = (id: string, order: number, section: ArticleMeta["data"]["section"]): ArticleMeta => ({
  id,
  data: { title: id.toUpperCase(), description: "d", order, section },
});

describe("navigation", () => {
  const articles = [art("10-walk", 10, "Walks"), art("02-classifier", 2, "Pipeline tables"), art("01-intro", 1, "Basics"), art("03-l3", 3, "Pipeline tables")];

  it("orders by section, then order, and drops numeric prefixes from URLs", () => {
    const ordered = readingOrder(articles);
    expect(ordered.map((a) => a.id)).toEqual(["01-intro", "02-classifier", "03-l3", "10-walk"]);
    expect(articleHref("02-classifier")).toBe("/classifier/");
    expect(sidebarGroups(ordered).map((g) => [g.section, g.links.map((l) => l.href)])).toEqual([
      ["Basics", ["/intro/"]],
      ["Pipeline tables", ["/classifier/", "/l3/"]],
      ["Walks", ["/walk/"]],
    ]);
  });

  it("links each article to its neighbours in reading order", () => {
    const ordered = readingOrder(articles);
    expect(neighbours(ordered, "01-intro")).toEqual({ next: { href: "/classifier/", title: "02-CLASSIFIER", id: "02-classifier" } });
    const mid = neighbours(ordered, "03-l3");
    expect(mid.prev?.href).toBe("/classifier/");
    expect(mid.next?.href).toBe("/walk/");
  });

  it("refuses two articles with one order or one URL", () => {
    expect(() => readingOrder([art("01-a", 1, "Basics"), art("02-b", 1, "Basics")])).toThrow(/both have order 1/);
    expect(() => readingOrder([art("01-a", 1, "Basics"), art("02-a", 2, "Basics")])).toThrow(/both map to \/a\//);
  });

  it("nests h3 under h2 in the table of contents", () => {
    const toc = tableOfContents([
      { depth: 2, slug: "a", text: "A" },
      { depth: 3, slug: "a1", text: "A1" },
      { depth: 4, slug: "deep", text: "Deep" },
      { depth: 2, slug: "b", text: "B" },
    ]);
    expect(toc).toEqual([
      { slug: "a", text: "A", children: [{ slug: "a1", text: "A1", children: [] }] },
      { slug: "b", text: "B", children: [] },
    ]);
  });
});

describe("theme script", () => {
  it("exports the SHA-256 of the exact inline script for the CSP", () => {
    const digest = createHash("sha256").update(THEME_SCRIPT).digest("base64");
    expect(THEME_SCRIPT_HASH).toBe(`'sha256-${digest}'`);
    expect(CONTENT_SECURITY_POLICY).toContain(`script-src 'self' ${THEME_SCRIPT_HASH}`);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:/);
  });
});

describe("lab views (fixture bridge loaded by the engine)", () => {
  it("dumps one table the way the seed's command does", () => {
    const v = fixtureLab().flows({ node: "worker1", table: "70" });
    expect(v.command).toBe("ovs-ofctl dump-flows br-int table=70 --no-stats");
    expect(v.prompt).toBe("vmware@worker1:~$");
    expect(v.flowCount).toBe(2);
    expect(v.text.split("\n")[0]).toMatch(/^ table=70, priority=200,ip,nw_dst=10\.222\.2\.0\/24 actions=/);
  });

  it("uses OpenFlow 1.3 and port numbers when asked", () => {
    const v = fixtureLab().flows({ node: "worker1", table: "0", version: "OpenFlow13", names: "false" });
    expect(v.command).toBe("ovs-ofctl -O OpenFlow13 dump-flows br-int table=0 --no-stats --no-names");
    expect(v.text).toContain("in_port=1 ");
    expect(v.text).not.toContain('"antrea-tun0"');
  });

  it("runs shell commands through the simulated OVS tools", () => {
    const v = fixtureLab().shell("worker1", ["ovs-vsctl show", "ovs-ofctl dump-flows br-int table=110 --no-stats"]);
    expect(v.steps.map((s) => s.lang)).toEqual(["text", "ovs-flows"]);
    expect(v.steps[0]!.stdout).toContain("Port antrea-tun0");
    expect(v.steps[1]!.stdout).toContain("output:NXM_NX_REG1[]");
  });
});
