/** The text filters people pipe command output through: grep, head, tail, wc, sort, cat. */
import { fail, ok, type Command, type Output } from "./types.ts";

function lines(text: string): string[] {
  if (text === "") return [];
  const l = text.split("\n");
  if (l[l.length - 1] === "") l.pop();
  return l;
}

const join = (l: readonly string[]): string => l.map((x) => x + "\n").join("");

function countArg(argv: readonly string[], tool: string): { n: number; files: string[] } | Output {
  let n = 10;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    let v: string | undefined;
    if (a === "-n") v = argv[++i];
    else if (/^-n\d+$/.test(a)) v = a.slice(2);
    else if (/^-\d+$/.test(a)) v = a.slice(1);
    else if (a.startsWith("--lines=")) v = a.slice(8);
    else if (a.startsWith("-") && a !== "-") return fail(`${tool}: invalid option -- '${a.slice(1, 2)}'\nTry '${tool} --help' for more information.\n`);
    else {
      files.push(a);
      continue;
    }
    if (v === undefined || !/^\d+$/.test(v)) return fail(`${tool}: invalid number of lines: ‘${v ?? ""}’\n`);
    n = Number(v);
  }
  return { n, files };
}

export const head: Command = (argv, env) => {
  const a = countArg(argv, "head");
  if ("code" in a) return a;
  if (a.files.length) return fail(`head: cannot open '${a.files[0]}' for reading: No such file or directory\n`);
  return ok(join(lines(env.stdin).slice(0, a.n)));
};

export const tail: Command = (argv, env) => {
  const a = countArg(argv, "tail");
  if ("code" in a) return a;
  if (a.files.length) return fail(`tail: cannot open '${a.files[0]}' for reading: No such file or directory\n`);
  const l = lines(env.stdin);
  return ok(join(a.n === 0 ? [] : l.slice(-a.n)));
};

export const wc: Command = (argv, env) => {
  const flags = argv.filter((a) => a.startsWith("-")).join("").replace(/-/g, "");
  const files = argv.filter((a) => !a.startsWith("-"));
  if (files.length) return fail(`wc: ${files[0]}: No such file or directory\n`);
  const l = lines(env.stdin).length;
  const w = env.stdin.split(/\s+/).filter(Boolean).length;
  const c = new TextEncoder().encode(env.stdin).length;
  const parts: number[] = [];
  if (!flags || flags.includes("l")) parts.push(l);
  if (!flags || flags.includes("w")) parts.push(w);
  if (!flags || flags.includes("c")) parts.push(c);
  if (parts.length === 1) return ok(`${parts[0]}\n`);
  return ok(parts.map((p) => String(p).padStart(7)).join(" ") + "\n");
};

export const sort: Command = (argv, env) => {
  const rev = argv.includes("-r");
  const numeric = argv.includes("-n");
  const l = lines(env.stdin).slice();
  l.sort((a, b) => (numeric ? parseFloat(a) - parseFloat(b) : a < b ? -1 : a > b ? 1 : 0));
  if (rev) l.reverse();
  return ok(join(l));
};

export const cat: Command = (argv, env) => {
  const files = argv.filter((a) => a !== "-");
  if (files.length === 0) return ok(env.stdin);
  return fail(files.map((f) => `cat: ${f}: No such file or directory\n`).join(""));
};

/** GNU grep 3.1: -i -v -c -n -w -E -F -o, one pattern, standard input. */
export const grep: Command = (argv, env) => {
  let invert = false, ignore = false, count = false, number = false, word = false, fixed = false, only = false;
  let pattern: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-e") {
      pattern = argv[++i];
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && !a.startsWith("--")) {
      for (const f of a.slice(1)) {
        switch (f) {
          case "v": invert = true; break;
          case "i": ignore = true; break;
          case "c": count = true; break;
          case "n": number = true; break;
          case "w": word = true; break;
          case "E": break;
          case "F": fixed = true; break;
          case "o": only = true; break;
          default:
            return fail(`grep: invalid option -- '${f}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`, 2);
        }
      }
      continue;
    }
    if (pattern === undefined) pattern = a;
    else files.push(a);
  }
  if (pattern === undefined) return fail("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2);
  if (files.length) return fail(files.map((f) => `grep: ${f}: No such file or directory\n`).join(""), 2);
  let src = fixed ? pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : pattern.replace(/\\\|/g, "|").replace(/\\\(/g, "(").replace(/\\\)/g, ")");
  if (word) src = `\\b(?:${src})\\b`;
  let re: RegExp;
  try {
    re = new RegExp(src, ignore ? "gi" : "g");
  } catch {
    return fail("grep: Unmatched ( or \\(\n", 2);
  }
  const out: string[] = [];
  let n = 0;
  lines(env.stdin).forEach((l, i) => {
    re.lastIndex = 0;
    const hit = re.test(l);
    if (hit === invert) return;
    n++;
    if (only && !invert) {
      re.lastIndex = 0;
      for (const m of l.matchAll(re)) out.push((number ? `${i + 1}:` : "") + m[0]);
    } else {
      out.push((number ? `${i + 1}:` : "") + l);
    }
  });
  if (count) return { stdout: `${n}\n`, stderr: "", code: n ? 0 : 1 };
  return { stdout: join(out), stderr: "", code: n ? 0 : 1 };
};
