/**
 * TextMate grammar for a terminal session on a lab Node: a prompt such as
 * `vmware@worker1:~$` followed by a command (highlighted as shell), and the
 * command's output on the lines that follow.
 */
import type { LanguageRegistration } from "shiki";

export const shellSession: LanguageRegistration = {
  name: "shell-session",
  scopeName: "text.shell-session.ovs-lab",
  displayName: "Shell session",
  embeddedLangs: ["shellscript"],
  patterns: [{ include: "#prompt-line" }, { include: "#output" }],
  repository: {
    "prompt-line": {
      match: "^([\\w.-]+@[\\w.-]+)(:)([^\\s$#]*)([$#])(?:(\\s+)(.*))?$",
      captures: {
        1: { name: "entity.name.tag.user-host.shell-session" },
        2: { name: "punctuation.separator.shell-session" },
        3: { name: "entity.other.attribute-name.cwd.shell-session" },
        4: { name: "keyword.operator.prompt.shell-session" },
        6: { name: "meta.command.shell-session", patterns: [{ include: "source.shell" }] },
      },
    },
    output: { match: "^.*$", name: "meta.output.shell-session" },
  },
};
