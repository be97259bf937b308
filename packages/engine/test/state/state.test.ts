import { describe, expect, it } from "vitest";
import { createState, isEdited, stateShapeProblem, update } from "../../src/state/state.ts";

const authored = createState("apiVersion: v1\n");

describe("LabState transactions", () => {
  it("returns the same state when nothing changes", () => {
    const tr = update(authored, authored, { scenarioText: authored.scenarioText });
    expect(tr.state).toBe(authored);
    expect(tr.changed.size).toBe(0);
    expect(tr.affectsOutput).toBe(false);
  });

  it("applies specs in order and reports the parts that changed", () => {
    const tr = update(
      authored,
      authored,
      { scenarioText: "x: 1\n", origin: "editor" },
      { flows: { node: "worker1", text: "priority=1 actions=drop" } },
      { trace: { id: "t1", query: { from: "frontend", to: "backendsvc", port: 80 } } },
    );
    expect(tr.state.scenarioText).toBe("x: 1\n");
    expect(tr.state.flowOverrides).toEqual({ worker1: "priority=1 actions=drop" });
    expect(tr.state.traces.t1).toEqual({ from: "frontend", to: "backendsvc", port: 80 });
    expect([...tr.changed].sort()).toEqual(["flows", "scenario", "traces"]);
    expect(tr.origin).toBe("editor");
    expect(tr.affectsOutput).toBe(true);
    expect(Object.isFrozen(tr.state)).toBe(true);
    expect(Object.isFrozen(tr.state.flowOverrides)).toBe(true);
    // The start state is untouched.
    expect(authored.flowOverrides).toEqual({});
  });

  it("keeps unchanged parts' objects", () => {
    const s1 = update(authored, authored, { flows: { node: "w", text: "a" } }).state;
    const s2 = update(s1, authored, { scenarioText: "y" }).state;
    expect(s2.flowOverrides).toBe(s1.flowOverrides);
    expect(s2.traces).toBe(s1.traces);
  });

  it("removes overrides, dumps and traces with null and removeDump", () => {
    let s = update(authored, authored, { flows: { node: "w", text: "a" }, addDump: { id: "d1", name: "mine", text: "t" }, options: { view: "exact" } }).state;
    expect(s.pastedDumps).toHaveLength(1);
    s = update(s, authored, { flows: { node: "w", text: null }, removeDump: "d1", options: { view: null } }).state;
    expect(s.flowOverrides).toEqual({});
    expect(s.pastedDumps).toEqual([]);
    expect(s.options).toEqual({});
  });

  it("resets all or one part to the authored state", () => {
    const s = update(authored, authored, { scenarioText: "z", flows: { node: "w", text: "a" } }).state;
    expect(isEdited(s, authored)).toBe(true);
    const flowsOnly = update(s, authored, { reset: "flows" }).state;
    expect(flowsOnly.scenarioText).toBe("z");
    expect(flowsOnly.flowOverrides).toEqual({});
    const all = update(s, authored, { reset: true, origin: "reset" });
    expect(isEdited(all.state, authored)).toBe(false);
    expect(all.origin).toBe("reset");
  });

  it("checks the shape of states read back from outside", () => {
    expect(stateShapeProblem(authored)).toBeUndefined();
    expect(stateShapeProblem(null)).toMatch(/not an object/);
    expect(stateShapeProblem({ ...authored, version: 2 })).toMatch(/version/);
    expect(stateShapeProblem({ ...authored, flowOverrides: { w: 3 } })).toMatch(/flowOverrides/);
    expect(stateShapeProblem({ ...authored, traces: { t: { from: "a", to: "b", port: 70000 } } })).toMatch(/port/);
    expect(stateShapeProblem({ ...authored, pastedDumps: [{ id: "x" }] })).toMatch(/dump/);
  });
});
