/**
 * remark plugin: turns the lab's directives into the Astro components that
 * render them, and injects the components' imports, so authors write only
 * the directive:
 *
 *   :::shell{on=worker1}          ::flows{node=worker1 table=70}
 *   ovs-ofctl show br-int         ::trace{from=frontend to=backendsvc port=80}
 *   :::                           ::topology   ::pipeline{node=worker1 table=70}
 *
 * Every directive is checked against its schema (directives.ts) and then run
 * through the lab (src/lib/lab.ts) at build time. An unknown directive, a bad
 * attribute, or anything the engine rejects fails the build with the MDX
 * file, line and column.
 *
 * Runs after remark-directive (which parses the `:`, `::` and `:::` syntax).
 */
import path from "node:path";
import type { Root, RootContent, Parent, Paragraph } from "mdast";
import type { VFile } from "vfile";
import { visit, SKIP } from "unist-util-visit";
import { DIRECTIVES, KIND_SYNTAX, checkAttributes, type DirectiveSpec } from "./directives.ts";
import type { Lab } from "../lib/lab.ts";

export interface RemarkLabOptions {
  /** Directory holding Shell.astro, Flows.astro, … (absolute). */
  readonly componentsDir: string;
  /** The lab that checks directives; loaded lazily (it pulls in the engine). */
  readonly lab: Lab | (() => Lab | Promise<Lab>);
  /** Directory that file names in messages are relative to (default: cwd). */
  readonly root?: string;
}

interface DirectiveNode {
  type: "textDirective" | "leafDirective" | "containerDirective";
  name: string;
  attributes?: Record<string, string | null | undefined> | null;
  children: RootContent[];
  position?: { start: { line: number; column: number; offset?: number }; end: { line: number; column: number; offset?: number } };
}

const DIRECTIVE_TYPES = new Set(["textDirective", "leafDirective", "containerDirective"]);

function isDirective(node: { type: string }): node is DirectiveNode {
  return DIRECTIVE_TYPES.has(node.type);
}

function plainText(nodes: readonly RootContent[]): string {
  let out = "";
  for (const n of nodes) {
    if ("value" in n && typeof n.value === "string") out += n.value;
    else if ("children" in n) out += plainText(n.children as RootContent[]);
  }
  return out;
}

function jsxName(spec: DirectiveSpec): string {
  return `Lab${spec.component.slice(spec.component.lastIndexOf("/") + 1)}`;
}

/** The ESM node MDX needs for `import LabX from "…/X.astro"` (with its estree). */
function importNode(name: string, source: string): RootContent {
  return {
    type: "mdxjsEsm",
    value: `import ${name} from ${JSON.stringify(source)};`,
    data: {
      estree: {
        type: "Program",
        sourceType: "module",
        body: [
          {
            type: "ImportDeclaration",
            specifiers: [{ type: "ImportDefaultSpecifier", local: { type: "Identifier", name } }],
            source: { type: "Literal", value: source, raw: JSON.stringify(source) },
          },
        ],
      },
    },
  } as unknown as RootContent;
}

function attribute(name: string, value: string): { type: "mdxJsxAttribute"; name: string; value: string } {
  return { type: "mdxJsxAttribute", name, value };
}

export default function remarkLab(options: RemarkLabOptions) {
  const root = options.root ?? process.cwd();
  let labPromise: Promise<Lab> | undefined;
  const getLab = (): Promise<Lab> =>
    (labPromise ??= Promise.resolve(typeof options.lab === "function" ? options.lab() : options.lab));

  return async function transformer(tree: Root, file: VFile): Promise<void> {
    const fileName = file.path ? path.relative(root, file.path) || file.path : "<input>";
    const where = (node: DirectiveNode): string => {
      const p = node.position?.start;
      return p ? `${fileName}:${p.line}:${p.column}` : fileName;
    };
    const fail = (node: DirectiveNode, message: string): never => {
      file.fail(`${where(node)}: ${message}`, node as never, "remark-lab:directive");
    };

    const found: { node: DirectiveNode; parent: Parent; spec: DirectiveSpec }[] = [];
    visit(tree, (node, _index, parent) => {
      if (!isDirective(node) || !parent) return;
      const spec = DIRECTIVES[node.name];
      const syntax = `${KIND_SYNTAX[node.type]}${node.name}`;
      if (!spec) {
        const known = Object.entries(DIRECTIVES)
          .map(([n, s]) => `${KIND_SYNTAX[s.kind]}${n}`)
          .join(", ");
        const hint =
          node.type === "textDirective"
            ? ` (a colon followed by a letter starts a directive in MDX: write \\: for a literal colon, or put the text in backticks)`
            : "";
        return fail(node, `unknown directive ${syntax}; the lab's directives are ${known}${hint}`);
      }
      if (node.type !== spec.kind) {
        return fail(node, `${node.name} is written ${KIND_SYNTAX[spec.kind]}${node.name}, not ${syntax}; usage: ${spec.usage}`);
      }
      const problems = checkAttributes(node.name, spec, node.attributes ?? {});
      if (problems.length) return fail(node, problems.join("; "));
      found.push({ node, parent: parent as Parent, spec });
      return SKIP;
    });
    if (found.length === 0) return;

    const lab = await getLab();
    const used = new Set<DirectiveSpec>();
    for (const { node, parent, spec } of found) {
      const attrs = Object.fromEntries(
        Object.entries(node.attributes ?? {}).map(([k, v]) => [k, v ?? ""]),
      ) as Record<string, string>;
      const { caption, body } = splitLabel(node);
      const props: Record<string, string> = { ...attrs, at: where(node) };
      if (caption) props.caption = caption;
      try {
        switch (spec.component) {
          case "Shell": {
            const commands = shellCommands(node, body, file, fail);
            lab.shell(attrs.on!, commands);
            props.commands = JSON.stringify(commands);
            break;
          }
          case "Flows":
            lab.flows(attrs as never);
            break;
          case "Trace":
            lab.trace(attrs as never);
            break;
          case "Topology":
            lab.topology(attrs);
            break;
          case "Pipeline":
            lab.pipeline(attrs as never);
            break;
          case "terminal/Terminal":
            // The Node must exist: its session is what the terminal opens.
            lab.world.session(attrs.on!);
            break;
        }
      } catch (e) {
        if (e instanceof Error && e.name === "LabError") fail(node, e.message);
        throw e;
      }
      used.add(spec);
      const element = {
        type: "mdxJsxFlowElement",
        name: jsxName(spec),
        attributes: Object.entries(props).map(([k, v]) => attribute(k, v)),
        children: [],
        ...(node.position ? { position: node.position } : {}),
      } as unknown as RootContent;
      const i = parent.children.indexOf(node as unknown as RootContent);
      parent.children.splice(i, 1, element);
    }
    const imports = [...used].map((spec) =>
      importNode(jsxName(spec), path.join(options.componentsDir, `${spec.component}.astro`)),
    );
    tree.children.unshift(...imports);
  };
}

/** The `[label]` of a directive (its caption) and the rest of its content. */
function splitLabel(node: DirectiveNode): { caption?: string; body: RootContent[] } {
  if (node.type === "leafDirective") {
    const caption = plainText(node.children).trim();
    return { ...(caption ? { caption } : {}), body: [] };
  }
  const [first, ...rest] = node.children;
  if (first && first.type === "paragraph" && (first as Paragraph).data && (first.data as { directiveLabel?: boolean }).directiveLabel) {
    const caption = plainText([first]).trim();
    return { ...(caption ? { caption } : {}), body: rest };
  }
  return { body: node.children };
}

/**
 * The commands of a :::shell block: its body lines as written in the file
 * (so Markdown never rewrites a command), or the lines of a code fence when
 * the body is one (for commands with characters MDX would parse, such as
 * `{` or `<`).
 */
function shellCommands(
  node: DirectiveNode,
  body: RootContent[],
  file: VFile,
  fail: (node: DirectiveNode, message: string) => never,
): string[] {
  let lines: string[];
  if (body.length === 1 && body[0]!.type === "code") {
    lines = (body[0] as { value: string }).value.split("\n");
  } else {
    const first = body[0]?.position?.start.offset;
    const last = body[body.length - 1]?.position?.end.offset;
    if (first === undefined || last === undefined) return fail(node, "a :::shell block needs one command per line before its closing :::");
    lines = String(file.value).slice(first, last).split("\n");
  }
  const commands = lines.map((l) => l.trim()).filter((l) => l !== "");
  if (commands.length === 0) fail(node, "a :::shell block needs one command per line before its closing :::");
  return commands;
}
