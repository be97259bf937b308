/**
 * A command line as bash reads it: words with quoting (`'…'`, `"…"`,
 * backslash), parameter expansion (`$VAR`, `${VAR}`, `$?`), tilde
 * expansion, comments, redirections, pipelines and lists (`;`, `&&`, `||`,
 * `&`). Errors are structured; the shell words them as bash (or busybox sh
 * inside a Pod) does.
 */

export interface Redirect {
  /** File descriptor redirected (1 for `>`, 0 for `<`). */
  readonly fd: number;
  readonly op: ">" | ">>" | "<" | ">&";
  /** A file name, or for `>&` the descriptor number. */
  readonly target: string;
}

export interface SimpleCommand {
  readonly assignments: readonly (readonly [string, string])[];
  readonly argv: readonly string[];
  readonly redirects: readonly Redirect[];
}

export interface Pipeline {
  readonly negate: boolean;
  readonly commands: readonly SimpleCommand[];
}

export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: "&&" | "||"; readonly pipeline: Pipeline }[];
  readonly background: boolean;
}

export type ParseError =
  /** The line ended inside quotes: bash would prompt for more (PS2) and, at EOF, complain. */
  | { readonly kind: "eof-quote"; readonly quote: "'" | '"' | "`" }
  /** The line ended where more was needed (after `|`, `&&`, `||`). */
  | { readonly kind: "eof" }
  | { readonly kind: "token"; readonly token: string }
  | { readonly kind: "unsupported"; readonly what: string };

export type ParseResult = { readonly ok: true; readonly list: readonly AndOr[] } | { readonly ok: false; readonly error: ParseError };

export interface ParseEnv {
  readonly vars: Readonly<Record<string, string>>;
  readonly home: string;
}

type Token =
  | { readonly t: "word"; readonly text: string; readonly quoted: boolean; readonly assignment?: readonly [string, string] }
  | { readonly t: "op"; readonly op: string; readonly fd?: number };

const OPS = ["&&", "||", ";;", ">>", "2>&1", ">&", "&>", "|", "&", ";", "<", ">", "(", ")"];

function isMeta(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || "|&;<>()".includes(c);
}

function lex(line: string, env: ParseEnv): Token[] | ParseError {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  const varName = (from: number): string => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9!@*-])/.exec(line.slice(from));
    return m ? m[1]! : "";
  };
  const expand = (name: string): string => env.vars[name] ?? "";
  while (i < n) {
    const c = line[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      i++;
      continue;
    }
    if (c === "#") break;
    // Operators (with an optional fd number glued in front: 2>, 2>>, 2>&1).
    const fdm = /^(\d)(>>|>&|>|<)/.exec(line.slice(i));
    if (fdm) {
      const op = fdm[2]!;
      tokens.push({ t: "op", op, fd: Number(fdm[1]) });
      i += fdm[0].length;
      continue;
    }
    const op = OPS.find((o) => o !== "2>&1" && line.startsWith(o, i));
    if (op) {
      tokens.push({ t: "op", op });
      i += op.length;
      continue;
    }
    // A word.
    let text = "";
    let quoted = false;
    const start = i;
    while (i < n && !isMeta(line[i]!)) {
      const ch = line[i]!;
      if (ch === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) return { kind: "eof-quote", quote: "'" };
        text += line.slice(i + 1, end);
        quoted = true;
        i = end + 1;
      } else if (ch === '"') {
        i++;
        quoted = true;
        let closed = false;
        while (i < n) {
          const d = line[i]!;
          if (d === '"') {
            closed = true;
            i++;
            break;
          }
          if (d === "\\" && i + 1 < n && '$`"\\\n'.includes(line[i + 1]!)) {
            text += line[i + 1];
            i += 2;
          } else if (d === "$") {
            if (line[i + 1] === "(") return { kind: "unsupported", what: "command substitution" };
            if (line[i + 1] === "{") {
              const end = line.indexOf("}", i + 2);
              if (end < 0) return { kind: "eof-quote", quote: '"' };
              text += expand(line.slice(i + 2, end));
              i = end + 1;
            } else {
              const v = varName(i + 1);
              if (v) {
                text += expand(v);
                i += 1 + v.length;
              } else {
                text += "$";
                i++;
              }
            }
          } else if (d === "`") {
            return { kind: "unsupported", what: "command substitution" };
          } else {
            text += d;
            i++;
          }
        }
        if (!closed) return { kind: "eof-quote", quote: '"' };
      } else if (ch === "\\") {
        if (i + 1 < n) {
          text += line[i + 1];
          quoted = true;
          i += 2;
        } else {
          i++;
        }
      } else if (ch === "$") {
        if (line[i + 1] === "(") return { kind: "unsupported", what: "command substitution" };
        if (line[i + 1] === "'") {
          // $'…' ANSI-C quoting: the common escapes.
          const end = line.indexOf("'", i + 2);
          if (end < 0) return { kind: "eof-quote", quote: "'" };
          text += line.slice(i + 2, end).replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\'/g, "'").replace(/\\\\/g, "\\");
          quoted = true;
          i = end + 1;
        } else if (line[i + 1] === "{") {
          const end = line.indexOf("}", i + 2);
          if (end < 0) return { kind: "eof" };
          text += expand(line.slice(i + 2, end));
          i = end + 1;
        } else {
          const v = varName(i + 1);
          if (v) {
            text += expand(v);
            i += 1 + v.length;
          } else {
            text += "$";
            i++;
          }
        }
      } else if (ch === "`") {
        const end = line.indexOf("`", i + 1);
        if (end < 0) return { kind: "eof-quote", quote: "`" };
        return { kind: "unsupported", what: "command substitution" };
      } else if (ch === "~" && i === start && (i + 1 >= n || line[i + 1] === "/" || isMeta(line[i + 1]!))) {
        text += env.home;
        i++;
      } else {
        text += ch;
        i++;
      }
    }
    const raw = line.slice(start, i);
    const am = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(raw);
    tokens.push({ t: "word", text, quoted, ...(am ? { assignment: [am[1]!, text.slice(am[1]!.length + 1)] as const } : {}) });
  }
  return tokens;
}

/** Parses one command line. */
export function parseCommandLine(line: string, env: ParseEnv): ParseResult {
  const lexed = lex(line, env);
  if (!Array.isArray(lexed)) return { ok: false, error: lexed };
  const toks = lexed;
  let pos = 0;
  const peek = (): Token | undefined => toks[pos];
  const fail = (error: ParseError): ParseResult => ({ ok: false, error });

  const simple = (): SimpleCommand | ParseError => {
    const assignments: [string, string][] = [];
    const argv: string[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const t = peek();
      if (!t) break;
      if (t.t === "word") {
        if (argv.length === 0 && t.assignment && !t.quoted) assignments.push([t.assignment[0], t.assignment[1]]);
        else argv.push(t.text);
        pos++;
        continue;
      }
      if (t.op === ">" || t.op === ">>" || t.op === "<" || t.op === ">&" || t.op === "&>") {
        pos++;
        const target = peek();
        if (!target) return { kind: "token", token: "newline" };
        if (target.t !== "word") return { kind: "token", token: target.op };
        pos++;
        if (t.op === "&>") {
          redirects.push({ fd: 1, op: ">", target: target.text }, { fd: 2, op: ">&", target: "1" });
        } else {
          const fd = t.fd ?? (t.op === "<" ? 0 : 1);
          redirects.push({ fd, op: t.op, target: target.text });
        }
        continue;
      }
      break;
    }
    if (argv.length === 0 && assignments.length === 0 && redirects.length === 0) {
      const t = peek();
      return t ? { kind: "token", token: t.t === "op" ? t.op : t.text } : { kind: "eof" };
    }
    return { assignments, argv, redirects };
  };

  const pipeline = (): Pipeline | ParseError => {
    let negate = false;
    const t0 = peek();
    if (t0?.t === "word" && t0.text === "!" && !t0.quoted) {
      negate = true;
      pos++;
    }
    const commands: SimpleCommand[] = [];
    for (;;) {
      const t = peek();
      if (t?.t === "op" && (t.op === "(" || t.op === ")")) return { kind: "unsupported", what: "subshells" };
      const c = simple();
      if ("kind" in c) return c;
      commands.push(c);
      const nx = peek();
      if (nx?.t === "op" && nx.op === "|") {
        pos++;
        if (!peek()) return { kind: "eof" };
        continue;
      }
      break;
    }
    return { negate, commands };
  };

  const list: AndOr[] = [];
  while (pos < toks.length) {
    const first = pipeline();
    if ("kind" in first) return fail(first);
    const rest: { op: "&&" | "||"; pipeline: Pipeline }[] = [];
    let background = false;
    for (;;) {
      const t = peek();
      if (t?.t === "op" && (t.op === "&&" || t.op === "||")) {
        pos++;
        if (!peek()) return fail({ kind: "eof" });
        const p = pipeline();
        if ("kind" in p) return fail(p);
        rest.push({ op: t.op, pipeline: p });
        continue;
      }
      break;
    }
    const t = peek();
    if (t?.t === "op") {
      if (t.op === ";" || t.op === "&") {
        background = t.op === "&";
        pos++;
      } else {
        return fail({ kind: "token", token: t.op });
      }
    } else if (t) {
      return fail({ kind: "token", token: t.text });
    }
    list.push({ first, rest, background });
  }
  return { ok: true, list };
}

/** bash's words for a parse error (interactive bash 4.4; an unfinished line is ended by EOF). */
export function bashParseError(e: ParseError): string {
  switch (e.kind) {
    case "eof-quote":
      return `bash: unexpected EOF while looking for matching \`${e.quote}'\nbash: syntax error: unexpected end of file\n`;
    case "eof":
      return "bash: syntax error: unexpected end of file\n";
    case "token":
      return `bash: syntax error near unexpected token \`${e.token}'\n`;
    case "unsupported":
      return `bash: ${e.what} is not simulated in this lab\n`;
  }
}

/** busybox ash's words (the Pods' `sh`). */
export function ashParseError(e: ParseError): string {
  switch (e.kind) {
    case "eof-quote":
      return "sh: syntax error: unterminated quoted string\n";
    case "eof":
      return "sh: syntax error: unexpected end of file\n";
    case "token":
      return `sh: syntax error: unexpected "${e.token}"\n`;
    case "unsupported":
      return `sh: ${e.what} is not simulated in this lab\n`;
  }
}
