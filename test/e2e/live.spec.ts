/**
 * The live layer: the page's components recompute in the browser (the
 * engine in a Web Worker) as the reader edits the scenario, the flows and
 * the traces; edits persist per page, share links restore them exactly.
 */
import { expect, test } from "@playwright/test";
import {
  andSettle, flowsFigure, goLive, liveState, NEW_POD, NO_BACKEND_INGRESS, openScenarioEditor, replaceScenario, SEED, settled, traceFigure,
} from "./live.ts";

test.describe("live layer", () => {
  test("without interaction nothing loads but the Live buttons", async ({ page }) => {
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script" || r.url().includes("worker")) scripts.push(new URL(r.url()).pathname);
    });
    await page.goto("/ingress-rule/");
    await expect(page.locator("figure[data-live] .live-toggle").first()).toBeVisible();
    await page.waitForTimeout(300);
    expect(scripts.filter((s) => /page\.|editor\.|worker/.test(s))).toEqual([]);
    await expect(page.locator(".live-dock")).toHaveCount(0);
  });

  test("dropping backendpolicy's ingress rule removes table 90's conjunction flows and drops frontend → backendsvc in table 100", async ({ page }) => {
    await goLive(page, "/ingress-rule/");
    const t90 = flowsFigure(page, "worker2", 90);
    const trace = traceFigure(page, "frontend", "backendsvc");
    await expect(trace.locator(".lab-trace-verdict").first()).toHaveText(/^Delivered to backend2/);
    await openScenarioEditor(page);
    await replaceScenario(page, NO_BACKEND_INGRESS);
    const removed = t90.locator(".line.live-removed");
    await expect(removed.filter({ hasText: /nw_src=10\.222\.1\.48 actions=conjunction/ })).toHaveCount(1);
    await expect(t90.locator(".line:not(.live-removed)").filter({ hasText: /nw_src=10\.222\.1\.48 actions=conjunction/ })).toHaveCount(0);
    await expect(t90.locator(".live-diff-note")).toContainText("since the article");
    await expect(trace.locator(".lab-trace-verdict").first()).toHaveText(/^Dropped on worker2, table 100/);
    await expect(trace).toHaveAttribute("data-live-verdict", "dropped");
  });

  test("adding a Pod adds its Classifier, SpoofGuard, L3 and L2 flows (carried to other pages by a share link)", async ({ page, context }) => {
    await goLive(page, "/classifier/");
    await openScenarioEditor(page);
    await replaceScenario(page, SEED + NEW_POD);
    await expect(flowsFigure(page, "worker2", 0).locator(".line.live-added")).toContainText([/in_port="newpod-[0-9a-f]+"/]);
    await expect(flowsFigure(page, "worker1", 0).locator(".line.live-added")).toHaveCount(0);
    await page.getByRole("button", { name: "Share" }).click();
    const url = new URL(await page.locator(".live-share-url").inputValue());
    expect(url.hash).toMatch(/^#lab=2\.[A-Za-z0-9_-]+$/);
    const checks: [string, number, RegExp][] = [
      ["/spoofguard/", 10, /in_port="newpod-[0-9a-f]+".*nw_src=10\.222\.2\.\d+/],
      ["/l3-forwarding/", 70, /nw_dst=10\.222\.2\.\d+ actions=.*dec_ttl/],
      ["/l2-forwarding-calc/", 80, /dl_dst=[0-9a-f:]+ actions=load:/],
    ];
    for (const [path, table, line] of checks) {
      const other = await context.newPage();
      await other.goto(path + url.hash);
      await settled(other, 0);
      await expect(flowsFigure(other, "worker2", table).locator(".line.live-added"), `${path} table ${table}`).toContainText([line]);
      await other.close();
    }
  });

  test("malformed YAML shows the error at its line and keeps the last good output", async ({ page }) => {
    await goLive(page, "/l3-forwarding/");
    await openScenarioEditor(page);
    await replaceScenario(page, SEED + NEW_POD);
    const t70 = flowsFigure(page, "worker2", 70);
    await expect(t70.locator(".line.live-added")).toHaveCount(1);
    const good = await t70.locator("pre").innerText();
    const lines = (SEED + NEW_POD).split("\n");
    const at = lines.lastIndexOf("  name: newpod");
    lines[at] = "  name: [newpod";
    await replaceScenario(page, lines.join("\n"));
    // The loader reports it at the broken line or the next (where YAML finds the flow sequence unclosed).
    const problem = page.locator(".live-problems li").first();
    await expect(problem).toHaveText(new RegExp(`^seed\\.yaml:(${at + 1}|${at + 2}):\\d+: `));
    const line = Number(/^seed\.yaml:(\d+):/.exec(await problem.innerText())![1]);
    await expect(page.locator(".live-scenario-host .cm-lintRange-error").first()).toBeVisible();
    // The gutter marks that line.
    const marker = page.locator(".live-scenario-host .cm-lint-marker-error").first();
    await marker.scrollIntoViewIfNeeded();
    const markerTop = (await marker.boundingBox())!.y;
    const numbers = page.locator(".live-scenario-host .cm-lineNumbers .cm-gutterElement");
    const marked = await numbers.evaluateAll(
      (els, top) => els.find((e) => Math.abs(e.getBoundingClientRect().top - (top as number)) < 8)?.textContent,
      markerTop,
    );
    expect(Number(marked)).toBe(line);
    await expect(page.locator(".live-status")).toHaveText(/The scenario has \d+ problems?; the page keeps the last output that worked/);
    await expect(t70).toHaveAttribute("data-live-stale", "");
    expect(await t70.locator("pre").innerText()).toBe(good);
    // Fixing the line brings the page back.
    lines[at] = "  name: newpod";
    await replaceScenario(page, lines.join("\n"));
    await expect(t70).not.toHaveAttribute("data-live-stale");
    await expect(page.locator(".live-problems li")).toHaveCount(0);
  });

  test("a share link restores the whole state exactly", async ({ page, browser }) => {
    await goLive(page, "/ingress-rule/");
    await openScenarioEditor(page);
    await replaceScenario(page, SEED + NEW_POD);
    const trace = traceFigure(page, "frontend", "backendsvc");
    await andSettle(page, () => trace.locator(".live-trace-picker select").nth(2).selectOption("udp"));
    // The view is a display option: it changes the state (and the link), not the computed output.
    await trace.getByRole("button", { name: "Exact ofproto/trace" }).click();
    const state = await liveState(page);
    await page.getByRole("button", { name: "Share" }).click();
    const url = await page.locator(".live-share-url").inputValue();
    // A fresh browser context: no saved edits, only the link.
    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    await other.goto(url);
    await settled(other, 0);
    expect(await liveState(other)).toEqual(state);
    const t2 = traceFigure(other, "frontend", "backendsvc");
    await expect(t2.getByRole("button", { name: "Exact ofproto/trace" })).toHaveAttribute("aria-pressed", "true");
    await expect(t2.locator(".live-trace-picker select").nth(2)).toHaveValue("udp");
    await expect(flowsFigure(other, "worker2", 90)).toBeVisible();
    // The link left the address bar once restored.
    expect(new URL(other.url()).hash).toBe("");
    await fresh.close();
  });

  test("a damaged share link says so and leaves the authored page", async ({ page }) => {
    await page.goto("/ingress-rule/#lab=1.AAAAAAAA");
    await settled(page, 0);
    await expect(page.locator(".live-status")).toHaveText(/damaged/);
    expect(await page.evaluate(() => (window as unknown as { __ovsLabLive: { store: { edited: boolean } } }).__ovsLabLive.store.edited)).toBe(false);
  });

  test("edits survive a reload, per page; Reset goes back to the authored state", async ({ page }) => {
    await goLive(page, "/l3-forwarding/");
    await openScenarioEditor(page);
    await replaceScenario(page, SEED + NEW_POD);
    await expect(flowsFigure(page, "worker2", 70).locator(".line.live-added")).toHaveCount(1);
    await page.waitForTimeout(400); // the save is debounced
    await page.reload();
    // A page with saved edits goes live by itself.
    await settled(page, 0);
    expect((await liveState(page)) as { scenarioText: string }).toMatchObject({ scenarioText: SEED + NEW_POD });
    await expect(flowsFigure(page, "worker2", 70).locator(".line.live-added")).toHaveCount(1);
    // Another page is not edited.
    await page.goto("/classifier/");
    await page.waitForTimeout(300);
    await expect(page.locator("html.live-on")).toHaveCount(0);
    // Reset.
    await page.goto("/l3-forwarding/");
    await settled(page, 0);
    await andSettle(page, () => page.getByRole("button", { name: "Reset" }).click());
    await expect(flowsFigure(page, "worker2", 70).locator(".line.live-added")).toHaveCount(0);
    expect((await liveState(page)) as { scenarioText: string }).toMatchObject({ scenarioText: SEED });
    await expect(page.getByRole("button", { name: "Reset" })).toBeDisabled();
    await page.reload();
    await page.waitForTimeout(300);
    await expect(page.locator("html.live-on")).toHaveCount(0);
  });

  test("the trace stepper works with the keyboard alone, and lights the matched flow in the listings", async ({ page }) => {
    await page.goto("/ingress-rule/");
    const trace = traceFigure(page, "frontend", "backendsvc");
    const live = trace.locator(".live-toggle");
    // Tab to the trace's Live button.
    for (let i = 0; i < 300; i++) {
      await page.keyboard.press("Tab");
      if (await live.evaluate((el) => el === document.activeElement)) break;
    }
    await expect(live).toBeFocused();
    await page.keyboard.press("Enter");
    await settled(page, 0);
    const next = trace.getByRole("button", { name: "Next step" });
    for (let i = 0; i < 20 && !(await next.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await expect(next).toBeFocused();
    await page.keyboard.press("Enter");
    const current = trace.locator(".live-step.live-current");
    await expect(current).toHaveAttribute("data-step", "0");
    // This trace shows worker2's hops only (node=worker2).
    await expect(trace.locator(".live-step-status")).toHaveText(/^Step 1 of \d+: worker2, br-int table 0/);
    await page.keyboard.press("ArrowRight");
    await expect(current).toHaveAttribute("data-step", "1");
    await page.keyboard.press("ArrowLeft");
    await expect(current).toHaveAttribute("data-step", "0");
    await page.keyboard.press("End");
    const n = await trace.locator(".live-step").count();
    await expect(current).toHaveAttribute("data-step", String(n - 1));
    await page.keyboard.press("Home");
    await expect(current).toHaveAttribute("data-step", "0");
    // Walk forward to worker2's table 90: its flow lights up in the worker2 table 90 listing.
    for (let i = 0; i < n; i++) {
      if (/worker2, br-int table 90 /.test(await trace.locator(".live-step-status").innerText())) break;
      await page.keyboard.press("ArrowRight");
    }
    await expect(trace.locator(".live-step-status")).toHaveText(/worker2, br-int table 90 /);
    await expect(flowsFigure(page, "worker2", 90).locator(".line.live-match")).toHaveCount(1);
    await expect(flowsFigure(page, "worker1", 90).locator(".line.live-match")).toHaveCount(0);
  });

  test("the exact ofproto/trace view, and the reply with the conntrack entries the request left", async ({ page }) => {
    await goLive(page, "/introduction/");
    const trace = traceFigure(page, "frontend", "backendsvc");
    await trace.getByRole("button", { name: "Exact ofproto/trace" }).click();
    await expect(trace.locator(".live-exact").first()).toBeVisible();
    await expect(trace.locator(".live-exact").first()).toContainText("bridge(\"br-int\")");
    await expect(trace.locator(".lab-trace-steps").first()).toBeHidden();
    await trace.getByRole("button", { name: "Readable" }).click();
    await expect(trace.locator(".lab-trace-steps").first()).toBeVisible();
    await andSettle(page, () => trace.getByRole("button", { name: "Send the reply" }).click());
    await expect(trace.locator(".lab-trace-path-label")).toHaveText(["The reply"]);
    await expect(trace.locator(".lab-trace-verdict").nth(1)).toHaveText(/^Delivered to frontend/);
    const after = trace.locator(".live-conntrack").first();
    await after.locator("summary").click();
    await expect(after).toContainText("SYN_SENT");
    const afterReply = trace.locator(".live-conntrack").nth(1);
    await afterReply.locator("summary").click();
    await expect(afterReply).toContainText("ESTABLISHED");
    // The reply's first bridge matched the connection the request committed.
    await expect(trace.locator(".lab-trace-path").nth(1)).toContainText("ct_state=-new+est");
    // The topology diagram lights the path.
    await expect(page.locator("figure[data-live=topology] .tp-pod.tp-lit").first()).toBeVisible();
  });

  test("editing flows: errors as ovs-ofctl words them, and the page's traces run against the edited bridge", async ({ page }) => {
    await goLive(page, "/ingress-rule/");
    await openScenarioEditor(page);
    await replaceScenario(page, NO_BACKEND_INGRESS);
    const trace = traceFigure(page, "frontend", "backendsvc");
    await expect(trace.locator(".lab-trace-verdict").first()).toHaveText(/^Dropped on worker2, table 100/);
    // Edit worker2's table 90: let everything through to table 105.
    const t90 = flowsFigure(page, "worker2", 90);
    await t90.getByRole("button", { name: "Edit flows" }).click();
    const editor = t90.locator(".live-flows-editor .cm-content");
    await expect(editor).toBeVisible();
    await andSettle(page, async () => {
      await editor.click();
      await page.keyboard.press("ControlOrMeta+a");
      await page.keyboard.insertText("table=90,priority=0 actions=resubmit(,105)\ntable=90,frobnicate=1 actions=drop\n");
    });
    await expect(t90.locator(".live-problems li")).toHaveText([/^ovs-ofctl: flows\.txt:2: .*frobnicate/]);
    await expect(t90.locator(".live-diff-note")).toContainText("edited flows");
    await expect(trace.locator(".lab-trace-verdict").first()).toHaveText(/^Delivered to backend2/);
    await andSettle(page, () => t90.getByRole("button", { name: "Back to the compiled flows" }).click());
    await expect(trace.locator(".lab-trace-verdict").first()).toHaveText(/^Dropped on worker2, table 100/);
  });

  test("a pasted dump-flows output can be traced", async ({ page }) => {
    await goLive(page, "/reading-flows/");
    await page.getByRole("button", { name: "Your flow dump" }).click();
    const dump = [
      "NXST_FLOW reply (xid=0x4):",
      ' cookie=0x0, duration=10.5s, table=0, n_packets=3, n_bytes=180, priority=100,in_port="eth0",tcp,tp_dst=80 actions=output:"eth1"',
      " cookie=0x0, duration=10.5s, table=0, n_packets=0, n_bytes=0, priority=0 actions=drop",
    ].join("\n");
    await page.getByRole("textbox", { name: "Your ovs-ofctl dump-flows output" }).fill(dump);
    await page.getByRole("button", { name: "Add the dump" }).click();
    await expect(page.locator(".live-dump-info")).toContainText("2 flows in tables 0; ports eth0=1, eth1=2");
    await page.getByRole("textbox", { name: "ofproto/trace flow" }).fill("in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=80");
    await page.getByRole("button", { name: "Trace", exact: true }).click();
    await expect(page.locator(".live-dump-out .lab-trace-verdict")).toHaveText("Datapath actions: 2");
  });

  test("a 5 MB pasted dump parses in the worker with progress while the page stays responsive", async ({ page }) => {
    test.setTimeout(90_000);
    await goLive(page, "/reading-flows/");
    await page.getByRole("button", { name: "Your flow dump" }).click();
    // About 5 MB of dump-flows output: 26,000 flows over 4 tables.
    const dump = await page.evaluate(() => {
      const lines = ["NXST_FLOW reply (xid=0x4):"];
      for (let i = 0; i < 26_000; i++) {
        const t = (i % 4) * 10;
        lines.push(
          ` cookie=0x1030000000000, duration=1234.567s, table=${t}, n_packets=${i}, n_bytes=${i * 60}, idle_age=12, priority=200,ip,in_port="veth${i % 97}",dl_src=aa:bb:cc:00:${(i >> 8) & 255 ? ((i >> 8) & 255).toString(16).padStart(2, "0") : "00"}:${(i & 255).toString(16).padStart(2, "0")},nw_src=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} actions=resubmit(,${t + 10})`,
        );
      }
      return lines.join("\n") + "\n";
    });
    expect(dump.length).toBeGreaterThan(5_000_000);
    // Paste it (a clipboard event carrying the text).
    await page.evaluate((text) => {
      const ta = document.querySelector<HTMLTextAreaElement>(".live-paste")!;
      const data = new DataTransfer();
      data.setData("text/plain", text);
      ta.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, dump);
    await expect(page.locator(".live-paste")).toHaveAttribute("placeholder", /^5\.\d MB pasted \(26001 lines\)/);
    // Measure the main thread's longest gap between animation frames while the worker parses.
    await page.evaluate(() => {
      const w = window as unknown as { __gaps: number[]; __stop: boolean };
      w.__gaps = [];
      w.__stop = false;
      let last = performance.now();
      const tick = (now: number): void => {
        w.__gaps.push(now - last);
        last = now;
        if (!w.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.getByRole("button", { name: "Add the dump" }).click();
    await expect(page.locator(".live-dump-info")).toContainText(/parsing… \d+%/, { timeout: 20_000 });
    await expect(page.locator(".live-dump-info")).toContainText("26000 flows in tables 0, 10, 20, 30", { timeout: 60_000 });
    const longest = await page.evaluate(() => {
      const w = window as unknown as { __gaps: number[]; __stop: boolean };
      w.__stop = true;
      return Math.max(...w.__gaps);
    });
    console.log(`5 MB dump: longest main-thread frame gap while parsing ${longest.toFixed(0)} ms`);
    expect(longest).toBeLessThan(200);
    // It can be traced.
    await page.getByRole("textbox", { name: "ofproto/trace flow" }).fill("in_port=1,ip,dl_src=aa:bb:cc:00:00:00,nw_src=10.0.0.0");
    await page.getByRole("button", { name: "Trace", exact: true }).click();
    await expect(page.locator(".live-dump-out pre")).toContainText("resubmit(,10)", { timeout: 20_000 });
  });
});
