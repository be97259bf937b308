/**
 * The terminal island: it runs the seed's commands in the engine's worker and
 * prints what the engine's own ShellSession prints for them (computed here
 * from the engine package), keeps a history, completes with Tab, and answers
 * Ctrl-C and Ctrl-L.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { engineRun, seedTables, shown } from "./terminal-engine.ts";

async function openTerminal(page: Page, url = "/embed/terminal"): Promise<{ term: Locator; input: Locator; log: Locator }> {
  await page.goto(url);
  const term = page.locator("[data-terminal]").first();
  const input = term.getByRole("textbox");
  await input.click();
  await expect(term).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
  return { term, input, log: term.getByRole("log") };
}

/** Types a line, presses Enter and waits for the terminal to be idle again. */
async function type(term: Locator, input: Locator, line: string): Promise<void> {
  const before = await term.locator(".term-cmd").count();
  await input.fill(line);
  await input.press("Enter");
  await expect(term.locator(".term-cmd")).toHaveCount(before + 1);
  await expect(term).not.toHaveAttribute("data-busy", { timeout: 20_000 });
}

/** The output lines printed after the last command. */
async function lastOutput(term: Locator): Promise<{ stdout: string; stderr: string }> {
  return term.evaluate((root) => {
    const lines = [...root.querySelectorAll(".term-log > div")];
    let i = lines.length - 1;
    while (i >= 0 && !lines[i]!.classList.contains("term-cmd")) i--;
    const after = lines.slice(i + 1);
    const pick = (cls: string): string => after.filter((l) => l.classList.contains(cls)).map((l) => l.textContent).join("\n");
    return { stdout: pick("term-out"), stderr: pick("term-stderr") };
  });
}

const SEED_COMMANDS = [
  "kubectl get pods -o wide",
  "kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- ovs-ofctl dump-flows br-int table=70",
  "ip route",
  "arp -a",
  "kubectl exec -it frontend -- curl backendsvc",
  "kubectl exec -n kube-system antrea-agent-f76q2 -c antrea-agent -- antctl get ovsflows -T 10",
  "kubectl exec -n kube-system antrea-agent-f76q2 -c antrea-ovs -- ovs-appctl ofproto/trace br-int in_port=antrea-gw0,tcp,nw_src=10.222.1.1,nw_dst=10.222.1.48,tp_dst=80",
];

test("the terminal runs the seed's commands and prints what the engine prints", async ({ page }) => {
  const { term, input } = await openTerminal(page);
  await expect(term.locator(".term-prompt")).toHaveText("vmware@master:~$");
  const expected = engineRun(SEED_COMMANDS.map((line) => ({ node: "master", line })));
  for (const [i, line] of SEED_COMMANDS.entries()) {
    await type(term, input, line);
    const out = await lastOutput(term);
    expect(out.stdout, line).toBe(shown(expected[i]!.stdout));
    expect(out.stderr, line).toBe(shown(expected[i]!.stderr));
    expect(out.stdout.length + out.stderr.length, line).toBeGreaterThan(0);
  }
  // Some lines the reader would recognise.
  await expect(term.getByRole("log")).toContainText("frontend");
  await expect(term.getByRole("log")).toContainText("table=70");
  await expect(term.getByRole("log")).toContainText("Praqma Network MultiTool");
});

test("kubectl exec -it … -- bash enters the container, exit leaves it, and another Node has its own prompt", async ({ page }) => {
  const { term, input } = await openTerminal(page);
  const steps = [
    { node: "master", line: "kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- bash" },
    { node: "master", line: "ovs-ofctl dump-flows br-int table=0 --no-stats" },
    { node: "worker1", line: "ip route" },
    { node: "master", line: "exit" },
  ];
  const expected = engineRun(steps);
  await type(term, input, steps[0]!.line);
  await expect(term.locator(".term-prompt")).toHaveText(expected[0]!.prompt);
  await type(term, input, steps[1]!.line);
  expect((await lastOutput(term)).stdout).toBe(shown(expected[1]!.stdout));

  await term.locator("select.term-node").selectOption("worker1");
  await expect(term.locator(".term-prompt")).toHaveText("vmware@worker1:~$");
  await type(term, input, steps[2]!.line);
  expect((await lastOutput(term)).stdout).toBe(shown(expected[2]!.stdout));

  // Back on master, still inside the container.
  await term.locator("select.term-node").selectOption("master");
  await expect(term.locator(".term-prompt")).toHaveText(expected[0]!.prompt);
  await type(term, input, steps[3]!.line);
  await expect(term.locator(".term-prompt")).toHaveText("vmware@master:~$");
});

test("errors print on stderr, as the engine words them", async ({ page }) => {
  const { term, input } = await openTerminal(page);
  const lines = ["kubectl get pods nosuchpod", "nosuchcommand --flag"];
  const expected = engineRun(lines.map((line) => ({ node: "master", line })));
  for (const [i, line] of lines.entries()) {
    await type(term, input, line);
    const out = await lastOutput(term);
    expect(out.stderr).toBe(shown(expected[i]!.stderr));
    expect(out.stderr.length).toBeGreaterThan(0);
  }
});

test("Up and Down walk the history, keeping the line being typed", async ({ page }) => {
  const { term, input } = await openTerminal(page);
  await type(term, input, "ip route");
  await type(term, input, "arp -a");
  await input.fill("kubectl get no");
  await input.press("ArrowUp");
  await expect(input).toHaveValue("arp -a");
  await input.press("ArrowUp");
  await expect(input).toHaveValue("ip route");
  await input.press("ArrowUp");
  await expect(input).toHaveValue("ip route");
  await input.press("ArrowDown");
  await expect(input).toHaveValue("arp -a");
  await input.press("ArrowDown");
  await expect(input).toHaveValue("kubectl get no");
});

test("Tab completes commands, subcommands, namespaces, Pods, containers, Nodes and table numbers", async ({ page }) => {
  const { term, input } = await openTerminal(page);
  const tab = async (text: string): Promise<string> => {
    await input.fill(text);
    await input.press("Tab");
    return input.inputValue();
  };
  expect(await tab("kubec")).toBe("kubectl ");
  expect(await tab("kubectl ge")).toBe("kubectl get ");
  expect(await tab("kubectl get pod")).toBe("kubectl get pods ");
  expect(await tab("kubectl get pods -n kube-sy")).toBe("kubectl get pods -n kube-system ");
  expect(await tab("kubectl exec -it fro")).toBe("kubectl exec -it frontend ");
  expect(await tab("kubectl exec -n kube-system -it antrea-agent-f7")).toBe("kubectl exec -n kube-system -it antrea-agent-f76q2 ");
  expect(await tab("kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-o")).toBe(
    "kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs ",
  );
  expect(await tab("kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- ovs-of")).toBe(
    "kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- ovs-ofctl ",
  );
  expect(await tab("kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- ovs-ofctl dump-f")).toBe(
    "kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- ovs-ofctl dump-flows ",
  );
  expect(await tab("kubectl get nodes mas")).toBe("kubectl get nodes master ");

  // Table numbers: a unique one completes, several complete their common prefix and then list themselves.
  const tables = seedTables().map(String);
  const unique = tables.find((t) => tables.filter((u) => u.startsWith(t)).length === 1 && t.length >= 2)!;
  const prefix = `ovs-ofctl dump-flows br-int table=`;
  expect(await tab(`${prefix}${unique.slice(0, -1)}`)).toBe(
    tables.filter((t) => t.startsWith(unique.slice(0, -1))).length === 1 ? `${prefix}${unique} ` : `${prefix}${unique.slice(0, -1)}`,
  );
  const commonPrefix = (xs: string[]): string => xs.reduce((a, b) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(0, i);
  });
  const digit = "0123456789".split("").find((d) => {
    const xs = tables.filter((t) => t.startsWith(d));
    return xs.length > 1 && commonPrefix(xs) === d;
  })!;
  const several = tables.filter((t) => t.startsWith(digit));
  await input.fill(`${prefix}${digit}`);
  await input.press("Tab");
  await expect(input).toHaveValue(`${prefix}${digit}`);
  await expect(term.locator(".term-candidates").last()).toHaveText(several.map((t) => `table=${t}`).join("  "));

  // Two Nodes start with "worker": the common prefix, then the list.
  expect(await tab("kubectl get nodes w")).toBe("kubectl get nodes worker");
  await input.press("Tab");
  await expect(term.locator(".term-candidates").last()).toHaveText("worker1  worker2");

  // On an empty line, Tab leaves the terminal (no keyboard trap).
  await input.fill("");
  await input.press("Tab");
  await expect(input).not.toBeFocused();
});

test("Ctrl-C abandons the line, Ctrl-L clears the screen, and output is text, never HTML", async ({ page }) => {
  const { term, input, log } = await openTerminal(page);
  await input.fill("kubectl get po");
  await input.press("Control+c");
  await expect(input).toHaveValue("");
  await expect(term.locator(".term-cmd").last()).toHaveText("vmware@master:~$ kubectl get po^C");
  await type(term, input, "echo <b>bold</b> <img src=x onerror=alert(1)>");
  await expect(log.locator("b, img")).toHaveCount(0);
  await expect(term.locator(".term-log > div").last()).toContainText("<");
  await input.press("Control+l");
  await expect(log.locator("div")).toHaveCount(0);
  await input.fill("clear");
  await input.press("Enter");
  await expect(log.locator("div")).toHaveCount(0);
});

test("the terminal is a labelled input with a live log region", async ({ page }) => {
  const { term, input, log } = await openTerminal(page);
  await expect(input).toHaveAccessibleName("vmware@master:~$");
  await expect(log).toHaveAttribute("aria-live", "polite");
  await expect(term.locator("select.term-node")).toHaveAccessibleName("Node of the terminal");
  await expect(term.locator("select.term-node option")).toHaveText(["master", "worker1", "worker2"]);
});

test("the engine loads only when the reader reaches the terminal", async ({ page }) => {
  const workers: string[] = [];
  page.on("worker", (w) => workers.push(w.url()));
  await page.goto("/embed/terminal");
  await page.waitForLoadState("networkidle");
  expect(workers).toEqual([]);
  await page.locator("[data-terminal] input").focus();
  await expect(page.locator("[data-terminal]")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
  expect(workers.length).toBe(1);
});
