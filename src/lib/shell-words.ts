/**
 * Splits a command line into words the way a POSIX shell does for simple
 * commands: blanks separate words, single quotes keep everything literally,
 * double quotes keep everything but `\"`, `\\`, `\$` and `` \` ``, and a
 * backslash outside quotes escapes the next character. Operators the
 * simulated shell does not run (pipes, redirections, lists, substitutions)
 * are reported instead of being passed on as words.
 */
export function splitCommandLine(line: string): string[] | string {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return "unterminated single quote";
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) {
          word += line[++j];
        } else if (line[j] === "$" || line[j] === "`") {
          return "variables and command substitution are not simulated";
        } else {
          word += line[j];
        }
      }
      if (j >= line.length) return "unterminated double quote";
      inWord = true;
      i = j;
      continue;
    }
    if (c === "\\") {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
      continue;
    }
    if ("|&;<>()".includes(c)) return `the shell operator "${c}" is not simulated`;
    if (c === "$" || c === "`") return "variables and command substitution are not simulated";
    if (c === "#" && !inWord) break;
    word += c;
    inWord = true;
  }
  if (inWord) words.push(word);
  return words;
}
