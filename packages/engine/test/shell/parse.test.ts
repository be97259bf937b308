import { describe, expect, it } from "vitest";
import { bashParseError, parseCommandLine } from "../../src/shell/parse.ts";

const env = { vars: { HOME: "/home/vmware", USER: "vmware", "?": "3" }, home: "/home/vmware" };
const words = (line: string): string[][] => {
  const r = parseCommandLine(line, env);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.list.flatMap((a) => [a.first, ...a.rest.map((x) => x.pipeline)]).flatMap((p) => p.commands.map((c) => [...c.argv]));
};

describe("bash word splitting and quoting", () => {
  it("keeps quoted text together and removes the quotes", () => {
    expect(words(`kubectl exec -it frontend -- sh -c 'curl backendsvc; echo "$USER"'`)).toEqual([
      ["kubectl", "exec", "-it", "frontend", "--", "sh", "-c", 'curl backendsvc; echo "$USER"'],
    ]);
    expect(words(`echo "a  b" c\\ d 'e"f' "g'h" "x\\"y" '\\n'`)).toEqual([["echo", "a  b", "c d", 'e"f', "g'h", 'x"y', "\\n"]]);
    expect(words(`echo a"b"'c'd`)).toEqual([["echo", "abcd"]]);
  });

  it("expands parameters (not in single quotes) and the tilde", () => {
    expect(words(`echo $USER "$HOME" '$HOME' \${USER}x $? ~ ~/k`)).toEqual([["echo", "vmware", "/home/vmware", "$HOME", "vmwarex", "3", "/home/vmware", "/home/vmware/k"]]);
    expect(words(`echo $NOPE.`)).toEqual([["echo", "."]]);
  });

  it("splits lists and pipelines, and drops comments", () => {
    const r = parseCommandLine("ip route | grep onlink && echo ok || echo no; arp -a # comment", env);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.list).toHaveLength(2);
    expect(r.list[0]!.first.commands.map((c) => c.argv[0])).toEqual(["ip", "grep"]);
    expect(r.list[0]!.rest.map((x) => x.op)).toEqual(["&&", "||"]);
    expect(r.list[1]!.first.commands[0]!.argv).toEqual(["arp", "-a"]);
  });

  it("parses redirections", () => {
    const r = parseCommandLine("curl x 2>/dev/null >out.txt 2>&1", env);
    expect(r.ok && r.list[0]!.first.commands[0]!.redirects).toEqual([
      { fd: 2, op: ">", target: "/dev/null" }, { fd: 1, op: ">", target: "out.txt" }, { fd: 2, op: ">&", target: "1" },
    ]);
  });
});

describe("bash's syntax errors", () => {
  const err = (line: string): string => {
    const r = parseCommandLine(line, env);
    if (r.ok) throw new Error("parsed");
    return bashParseError(r.error);
  };
  it("words them as interactive bash 4.4 does at end of input", () => {
    expect(err("echo 'abc")).toBe("bash: unexpected EOF while looking for matching `''\nbash: syntax error: unexpected end of file\n");
    expect(err('echo "abc')).toBe("bash: unexpected EOF while looking for matching `\"'\nbash: syntax error: unexpected end of file\n");
    expect(err("ls |")).toBe("bash: syntax error: unexpected end of file\n");
    expect(err("| ls")).toBe("bash: syntax error near unexpected token `|'\n");
    expect(err("ls && && ls")).toBe("bash: syntax error near unexpected token `&&'\n");
    expect(err("ls ;; ls")).toBe("bash: syntax error near unexpected token `;;'\n");
    expect(err("cat >")).toBe("bash: syntax error near unexpected token `newline'\n");
  });
});

describe("parameters expand when each command runs", () => {
  it("reads $? after the previous command of the line", async () => {
    const { ShellSession } = await import("../../src/shell/session.ts");
    const { seedCluster } = await import("../cluster/helpers.ts");
    const s = new ShellSession(seedCluster(), "master");
    expect(s.run("false; echo $?").stdout).toBe("1\n");
    expect(s.run("true && echo $?").stdout).toBe("0\n");
    expect(s.run("X=5; echo $X").stdout).toBe("5\n");
    expect(s.run("echo '$HOME' \"$HOME\"").stdout).toBe("$HOME /home/vmware\n");
  });
});
