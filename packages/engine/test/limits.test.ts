import { describe, expect, it } from "vitest";
import { LIMITS, formatBytes, utf8Length } from "../src/limits.ts";
import { loadScenario } from "../src/k8s/index.ts";
import { ShellSession } from "../src/shell/session.ts";
import { seedCluster, SEED_YAML } from "./cluster/helpers.ts";

/** The seed scenario padded with a YAML comment to exactly `bytes` bytes. */
function padded(bytes: number): string {
  const body = SEED_YAML.endsWith("\n") ? SEED_YAML : SEED_YAML + "\n";
  const pad = bytes - utf8Length(body) - 2;
  return body + "#" + "x".repeat(pad) + "\n";
}

describe("input size limits", () => {
  it("measures UTF-8 length without encoding", () => {
    expect(utf8Length("aé€😀")).toBe(new TextEncoder().encode("aé€😀").length);
    expect(formatBytes(LIMITS.scenarioBytes)).toBe("8 MiB");
  });

  it("loads a scenario exactly at the limit and refuses one byte more, at 1:1", () => {
    const at = padded(LIMITS.scenarioBytes);
    expect(utf8Length(at)).toBe(LIMITS.scenarioBytes);
    expect(loadScenario(at, { fileName: "big.yaml" }).errors).toEqual([]);
    const past = padded(LIMITS.scenarioBytes + 1);
    const r = loadScenario(past, { fileName: "big.yaml" });
    expect(r.scenario).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.text).toBe(`big.yaml:1:1: the scenario is ${LIMITS.scenarioBytes + 1} bytes, over the limit of 8 MiB; nothing was loaded`);
  });

  it("runs a command line at the limit and refuses a longer one with a stated limit", () => {
    const s = new ShellSession(seedCluster(), "worker1");
    const at = "echo " + "a".repeat(LIMITS.shellLineBytes - 5);
    expect(s.run(at).stderr).not.toMatch(/longer than/);
    const past = s.run(at + "a");
    expect(past.code).toBe(2);
    expect(past.stderr).toBe("-bash: command line longer than 64 KiB: not run by the simulator\n");
    expect(past.prompt).toBe("vmware@worker1:~$");
  });
});

describe("flow text limits", async () => {
  const { parseFlowFile } = await import("../src/ofp/flow.ts");
  it("loads flows up to the line limit and stops past it at the line that crosses it", () => {
    const at = Array.from({ length: LIMITS.flowLines }, (_, i) => `priority=${i % 60000},actions=drop`).join("\n");
    const r = parseFlowFile(at);
    expect(r.errors).toEqual([]);
    expect(r.flows).toHaveLength(LIMITS.flowLines);
    const past = parseFlowFile(at + "\npriority=1,actions=drop\npriority=2,actions=drop");
    expect(past.flows).toHaveLength(LIMITS.flowLines);
    expect(past.errors).toHaveLength(1);
    expect(past.errors[0]!.message).toBe(`more than ${LIMITS.flowLines} flows; the limit is ${LIMITS.flowLines}, the rest was not loaded`);
    expect(past.errors[0]!.position).toEqual({ line: LIMITS.flowLines + 1, column: 1 });
  });

  it("refuses a paste over the byte limit without parsing it", () => {
    const at = "#" + "x".repeat(LIMITS.flowTextBytes - 1);
    expect(parseFlowFile(at).errors).toEqual([]);
    const r = parseFlowFile(at + "x");
    expect(r.errors[0]!.message).toBe(`the flows are ${LIMITS.flowTextBytes + 1} bytes, over the limit of 16 MiB; nothing was loaded`);
  });
});
