/** `::terminal{on=NODE}`: the terminal island on an article, checked against the lab's Nodes. */
import { describe, expect, it } from "vitest";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkDirective from "remark-directive";
import { VFile } from "vfile";
import remarkLab from "../../src/plugins/remark-lab.ts";
import { fixtureLab } from "./fixtures/world.ts";

async function transform(markdown: string) {
  const processor = unified()
    .use(remarkParse)
    .use(remarkDirective)
    .use(remarkLab, { componentsDir: "/site/components", lab: fixtureLab(), root: "/site" });
  const file = new VFile({ path: "/site/content/03-table.mdx", value: markdown });
  return (await processor.run(processor.parse(file), file)) as unknown as { children: any[] };
}

describe("::terminal", () => {
  it("becomes <LabTerminal> from components/terminal/Terminal.astro, with the Node and where it was written", async () => {
    const tree = await transform("Try it.\n\n::terminal[Your turn]{on=worker1}\n");
    const el = tree.children.find((c) => c.type === "mdxJsxFlowElement");
    expect(el.name).toBe("LabTerminal");
    expect(Object.fromEntries(el.attributes.map((a: any) => [a.name, a.value]))).toEqual({
      on: "worker1",
      at: "content/03-table.mdx:3:1",
      caption: "Your turn",
    });
    const imports = tree.children.filter((c) => c.type === "mdxjsEsm").map((c) => c.value);
    expect(imports).toContain('import LabTerminal from "/site/components/terminal/Terminal.astro";');
  });

  it("refuses an unknown Node and a missing on=", async () => {
    await expect(transform("::terminal{on=nosuch}\n")).rejects.toThrow(/nosuch/);
    await expect(transform("::terminal\n")).rejects.toThrow(/needs on=/);
  });
});
