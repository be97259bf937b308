#!/usr/bin/env node
// Entry point of the `ovs-lab` command. Node >= 22.18 strips TypeScript types
// natively, so this runs the engine's .ts source directly (no build step).
import fs from "node:fs";
import { main } from "../src/cli/main.ts";

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readFile: (path) => fs.readFileSync(path, "utf8"),
});
process.exitCode = code;
