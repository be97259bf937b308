import { describe, expect, it } from "vitest";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkDirective from "remark-directive";
import { VFile } from "vfile";
import remarkLab from "../../src/plugins/remark-lab.ts";
import { fixtureLab } from "./fixtures/world.ts";

const COMPONENTS = "/site/components";

async function transform(markdown: string, path = "/site/content/03-table.mdx") {
  const processor = unified()
    .use(remarkParse)
    .use(remarkDirective)
    .use(remarkLab, { componentsDir: COMPONENTS, lab: fixtureLab(), root: "/site" });
  const file = new VFile({ path, value: markdown });
  const tree = await processor.run(processor.parse(file), file);
  return tree as unknown as { children: any[] };
}

async function failure(markdown: string): Promise<string> {
  try {
    await transform(markdown);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the transform to fail");
}

function props(el: any): Record<string, string> {
  return Object.fromEntries(el.attributes.map((a: any) => [a.name, a.value]));
}

describe("remark-lab: directives become components", () => {
  it("::flows becomes <LabFlows> with its attributes and where it was written", async () => {
    const tree = await transform("Intro.\n\n::flows{node=worker1 table=70}\n");
    const el = tree.children.find((c) => c.type === "mdxJsxFlowElement");
    expect(el.name).toBe("LabFlows");
    expect(props(el)).toEqual({ node: "worker1", table: "70", at: "content/03-table.mdx:3:1" });
  });

  it("injects one import per component used, with its estree", async () => {
    const tree = await transform("::flows{node=worker1}\n\n::flows{node=worker1 table=0}\n\n::pipeline{node=worker1 table=70}\n");
    const esm = tree.children.filter((c) => c.type === "mdxjsEsm");
    expect(esm.map((e) => e.value)).toEqual([
      'import LabFlows from "/site/components/Flows.astro";',
      'import LabPipeline from "/site/components/Pipeline.astro";',
    ]);
    const decl = esm[0].data.estree.body[0];
    expect(decl.type).toBe("ImportDeclaration");
    expect(decl.specifiers[0].local.name).toBe("LabFlows");
    expect(decl.source.value).toBe("/site/components/Flows.astro");
  });

  it("adds no import when there is no directive", async () => {
    const tree = await transform("# Title\n\nJust text.\n");
    expect(tree.children.some((c) => c.type === "mdxjsEsm")).toBe(false);
  });

  it(":::shell takes its body lines as commands, verbatim", async () => {
    const md = [
      ":::shell{on=worker1}",
      "ovs-ofctl dump-flows br-int table=70 --no-stats",
      "ovs-vsctl show",
      ":::",
      "",
    ].join("\n");
    const tree = await transform(md);
    const el = tree.children.find((c) => c.type === "mdxJsxFlowElement");
    expect(el.name).toBe("LabShell");
    expect(JSON.parse(props(el).commands!)).toEqual(["ovs-ofctl dump-flows br-int table=70 --no-stats", "ovs-vsctl show"]);
    expect(props(el).on).toBe("worker1");
  });

  it(":::shell keeps Markdown-looking characters of a command as written", async () => {
    const md = ":::shell{on=worker1}\novs-ofctl dump-flows br-int 'table=0,in_port=1' --no-stats\n:::\n";
    const tree = await transform(md);
    const el = tree.children.find((c) => c.type === "mdxJsxFlowElement");
    expect(JSON.parse(props(el).commands!)).toEqual(["ovs-ofctl dump-flows br-int 'table=0,in_port=1' --no-stats"]);
  });

  it(":::shell accepts a code fence as its body", async () => {
    const md = ":::shell{on=worker1}\n```\novs-ofctl show br-int\n```\n:::\n";
    const tree = await transform(md);
    const el = tree.children.find((c) => c.type === "mdxJsxFlowElement");
    expect(JSON.parse(props(el).commands!)).toEqual(["ovs-ofctl show br-int"]);
  });

  it("a [label] becomes the caption", async () => {
    const tree = await transform("::flows[The L3 forwarding table]{node=worker1 table=70}\n");
    const el = tree.children.find((c) => c.type === "mdxJsxFlowElement");
    expect(props(el).caption).toBe("The L3 forwarding table");
  });

  it("::pipeline and ::flows with every optional attribute", async () => {
    const tree = await transform("::flows{node=worker1 table=70 version=OpenFlow13 names=false}\n");
    const el = tree.children.find((c) => c.type === "mdxJsxFlowElement");
    expect(props(el)).toMatchObject({ version: "OpenFlow13", names: "false" });
  });
});

describe("remark-lab: schema errors name the file, line and column", () => {
  it("rejects an unknown leaf directive", async () => {
    const msg = await failure("Text.\n\n::flowz{node=worker1}\n");
    expect(msg).toMatch(/^content\/03-table\.mdx:3:1: unknown directive ::flowz/);
    expect(msg).toContain("::flows");
  });

  it("rejects an unknown text directive and explains the colon", async () => {
    const msg = await failure("The Service is backendsvc:http today.\n");
    expect(msg).toMatch(/^content\/03-table\.mdx:1:26: unknown directive :http/);
    expect(msg).toContain("\\:");
  });

  it("rejects an unknown attribute", async () => {
    const msg = await failure("\n::flows{node=worker1 tabel=70}\n");
    expect(msg).toMatch(/^content\/03-table\.mdx:2:1: ::flows has no attribute "tabel"/);
  });

  it("rejects an #id or a .class", async () => {
    expect(await failure("::flows{node=worker1 #x}\n")).toContain("::flows takes no #id");
    expect(await failure("::flows{node=worker1 .wide}\n")).toContain("::flows takes no .class");
  });

  it("rejects a missing required attribute", async () => {
    const msg = await failure("::flows{table=70}\n");
    expect(msg).toMatch(/^content\/03-table\.mdx:1:1: ::flows needs node=/);
  });

  it("rejects values that do not fit the attribute", async () => {
    expect(await failure("::flows{node=worker1 table=300}\n")).toContain("tables are numbered 0 to 254");
    expect(await failure("::flows{node=worker1 table=abc}\n")).toContain('table="abc" on ::flows is not a table number');
    expect(await failure("::flows{node=worker1 version=OpenFlow15}\n")).toContain("OpenFlow10 or OpenFlow13");
    expect(await failure("::trace{from=frontend to=backendsvc port=0}\n")).toContain("ports are numbered 1 to 65535");
    expect(await failure("::trace{from=frontend to=backendsvc proto=gre}\n")).toContain("tcp, udp or icmp");
    expect(await failure("::flows{node=Worker_1}\n")).toContain("a Node name");
  });

  it("rejects a directive written in the wrong form", async () => {
    expect(await failure("::shell{on=worker1}\n")).toContain("shell is written :::shell, not ::shell");
    expect(await failure(":::flows{node=worker1}\n:::\n")).toContain("flows is written ::flows, not :::flows");
  });

  it("rejects half of a from/to pair", async () => {
    expect(await failure("::topology{from=frontend}\n")).toContain("from needs to as well");
    expect(await failure("::pipeline{node=worker1 port=80}\n")).toContain("port only makes sense with from");
  });

  it("rejects a :::shell without commands", async () => {
    expect(await failure(":::shell{on=worker1}\n:::\n")).toMatch(/^content\/03-table\.mdx:1:1: .*one command per line/);
  });
});

describe("remark-lab: what the engine rejects fails the build too", () => {
  it("a command the simulated tools refuse", async () => {
    const msg = await failure("Text.\n\n:::shell{on=worker1}\novs-ofctl dump-flows br-int table=70,bogus=1\n:::\n");
    expect(msg).toMatch(/^content\/03-table\.mdx:3:1: "ovs-ofctl dump-flows br-int table=70,bogus=1" failed at vmware@worker1:~\$ \(exit status 1\)/);
    expect(msg).toContain("ovs-ofctl:");
  });

  it("a command the simulated shell does not know", async () => {
    expect(await failure(":::shell{on=worker1}\nrm -rf /\n:::\n")).toContain("rm: command not found");
  });

  it("an unknown Node", async () => {
    expect(await failure("::flows{node=worker9}\n")).toMatch(/^content\/03-table\.mdx:1:1: unknown Node "worker9"/);
  });

  it("a table that the pipeline does not have", async () => {
    expect(await failure("::pipeline{node=worker1 table=200}\n")).toContain("table 200 has no flows on worker1");
  });
});

describe("remark-lab with the seed lab", () => {
  async function withSeed(markdown: string) {
    const { createLab, seedWorld } = await import("../../src/lib/lab.ts");
    const processor = unified()
      .use(remarkParse)
      .use(remarkDirective)
      .use(remarkLab, { componentsDir: COMPONENTS, lab: () => createLab(seedWorld), root: "/site" });
    const file = new VFile({ path: "/site/content/05-walk.mdx", value: markdown });
    return processor.run(processor.parse(file), file) as Promise<unknown> as Promise<{ children: any[] }>;
  }

  it("accepts a trace, a topology walk and a pipeline walk the engine can follow", async () => {
    const tree = await withSeed(
      "::trace{from=frontend to=backendsvc port=80 reply=true}\n\n::topology{from=frontend to=backend2 port=80}\n\n::pipeline{node=worker2 from=frontend to=backend2 port=80}\n",
    );
    expect(tree.children.filter((c) => c.type === "mdxJsxFlowElement").map((c) => c.name)).toEqual(["LabTrace", "LabTopology", "LabPipeline"]);
  });

  it("fails with the file and line when the engine cannot follow the walk", async () => {
    let message = "";
    try {
      await withSeed("Text.\n\n::trace{from=nobody to=backendsvc port=80}\n");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^content\/05-walk\.mdx:3:1: from=nobody: no Pod/);
  });
});
