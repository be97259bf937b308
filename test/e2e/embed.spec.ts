/**
 * The /embed/… pages inside an iframe on someone else's page: they render
 * their component (for the default parameters from the build, for others
 * computed by the engine in the browser), set no cookies and use no storage.
 * The main pages refuse to render framed.
 */
import { expect, test, type FrameLocator, type Page } from "@playwright/test";
import { engineRun, seedCluster, shown } from "./terminal-engine.ts";
import { builtPages } from "./site.ts";

/** A stranger's page that frames `path` of the site under test. */
async function frame(page: Page, baseURL: string | undefined, path: string): Promise<FrameLocator> {
  const src = new URL(path, baseURL).href;
  await page.setContent(
    `<!doctype html><title>A course</title><h1>A course</h1>` +
      `<iframe src="${src.replace(/&/g, "&amp;")}" title="lab" width="900" height="700" style="border:0"></iframe>`,
  );
  return page.frameLocator("iframe");
}

function agentOf(node: string): string {
  const pod = seedCluster().scenario.pods.find(
    (p) => p.metadata.namespace === "kube-system" && p.spec.nodeName === node && p.metadata.name.startsWith("antrea-agent-"),
  );
  return pod!.metadata.name;
}

test("every embed page renders its component inside an iframe", async ({ page, baseURL }) => {
  const checks: [string, (f: FrameLocator) => Promise<void>][] = [
    ["/embed/flows", async (f) => {
      await expect(f.locator(".lab-flows pre")).toContainText("table=70");
      await expect(f.locator(".lab-flows pre")).toContainText("actions=");
    }],
    ["/embed/trace", async (f) => {
      await expect(f.locator(".lab-trace-verdict").first()).toContainText(/^(Delivered|Dropped)/);
    }],
    ["/embed/topology", async (f) => {
      await expect(f.locator(".lab-topology svg")).toContainText("antrea-tun0");
    }],
    ["/embed/terminal", async (f) => {
      await expect(f.getByRole("log")).toContainText("frontend");
      await expect(f.getByRole("textbox")).toBeVisible();
    }],
    ["/embed/scenario", async (f) => {
      await expect(f.locator(".scenario-yaml")).toContainText("kind: Cluster");
    }],
  ];
  for (const [path, check] of checks) {
    const f = await frame(page, baseURL, path);
    await expect(f.locator("html"), path).toBeVisible();
    await expect(f.locator(".site-header"), path).toHaveCount(0);
    await check(f);
  }
});

test("embed pages take their parameters from the URL and compute them with the engine", async ({ page, baseURL }) => {
  // Flows of another Node and table: the same text as ovs-ofctl prints in that Node's antrea-ovs container.
  const ofctl = "ovs-ofctl dump-flows br-int table=10 --no-stats --names";
  const [dump] = engineRun([{ node: "master", line: `kubectl exec -n kube-system ${agentOf("worker2")} -c antrea-ovs -- ${ofctl}` }]);
  let f = await frame(page, baseURL, "/embed/flows?node=worker2&table=10");
  await expect(f.locator("[data-embed]")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  const shownDump = (await f.locator(".lab-flows pre").textContent()) ?? "";
  const [first, ...rest] = shownDump.split("\n");
  expect(first).toMatch(/^root@worker2:\/# ovs-ofctl dump-flows br-int table=10 --no-stats/);
  expect(rest.join("\n").trimEnd()).toBe(dump!.stdout.trimEnd());
  await expect(f.locator(".lab-caption")).toContainText("br-int on worker2, table 10");

  // A trace the build did not render, drawn by the live layer's trace.
  f = await frame(page, baseURL, "/embed/trace?from=frontend&to=backend1&port=80");
  await expect(f.locator("[data-embed]")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  await expect(f.locator(".lab-trace-verdict").first()).toContainText(/^(Delivered|Dropped)/);
  await expect(f.locator(".lab-trace-verdict").first()).toContainText("backend1");
  await expect(f.locator(".live-dock")).toBeHidden();

  // A walk lit on the topology.
  f = await frame(page, baseURL, "/embed/topology?from=frontend&to=backend2&port=80");
  await expect(f.locator("[data-embed]")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  await expect(f.locator(".lab-topology svg .tp-lit").first()).toBeAttached({ timeout: 20_000 });

  // A bad parameter is reported, not thrown.
  f = await frame(page, baseURL, "/embed/flows?node=nosuchnode");
  await expect(f.getByRole("alert")).toContainText('unknown Node "nosuchnode"');

  // A terminal that opens on worker1 and runs the given commands.
  f = await frame(page, baseURL, "/embed/terminal?node=worker1&cmd=ip%20route&cmd=arp%20-a");
  await expect(f.locator("[data-embed]")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  const expected = engineRun([{ node: "worker1", line: "ip route" }, { node: "worker1", line: "arp -a" }]);
  await expect(f.locator(".term-prompt")).toHaveText("vmware@worker1:~$");
  await expect(f.locator(".term-out")).toHaveText([shown(expected[0]!.stdout), shown(expected[1]!.stdout)]);
});

test("embed pages set no cookies and use no storage", async ({ page, context, baseURL }) => {
  for (const path of ["/embed/flows?node=worker1&table=31", "/embed/trace", "/embed/topology", "/embed/scenario", "/embed/terminal"]) {
    const f = await frame(page, baseURL, path);
    await expect(f.locator("main")).toBeVisible();
    if (path.startsWith("/embed/terminal")) {
      const input = f.getByRole("textbox");
      await input.click();
      await expect(f.locator("[data-terminal]")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
      await input.fill("kubectl get nodes");
      await input.press("Enter");
      await expect(f.locator(".term-cmd")).toHaveCount(2);
    }
    const inner = page.frames().find((x) => x !== page.mainFrame())!;
    await inner.waitForLoadState("networkidle");
    expect(await inner.evaluate(() => document.cookie), path).toBe("");
    // A third-party frame may be denied storage altogether; that counts as unused too.
    const used = await inner.evaluate(() => {
      try {
        return localStorage.length + sessionStorage.length;
      } catch {
        return 0;
      }
    });
    expect(used, path).toBe(0);
  }
  expect(await context.cookies()).toEqual([]);
  // Opened on their own, with storage allowed, they leave none either.
  for (const path of ["/embed/flows", "/embed/terminal?cmd=arp%20-a", "/embed/trace?from=frontend&to=backend2&port=80"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await expect(page.locator("[data-embed]")).toHaveAttribute("data-state", /static|live/, { timeout: 20_000 });
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length), path).toBe(0);
  }
  expect(await context.cookies()).toEqual([]);
});

test("a framed embed page tells its parent its height", async ({ page, baseURL }) => {
  await page.setContent("<!doctype html><title>A course</title>");
  await page.evaluate(() => {
    (window as unknown as { heights: unknown[] }).heights = [];
    addEventListener("message", (e) => (window as unknown as { heights: unknown[] }).heights.push(e.data));
  });
  await page.evaluate((src) => {
    const f = document.createElement("iframe");
    f.src = src;
    f.title = "lab";
    document.body.append(f);
  }, new URL("/embed/flows", baseURL).href);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { heights: { type: string; height: number }[] }).heights.at(-1)))
    .toMatchObject({ type: "ovs-lab:height", path: expect.stringMatching(/^\/embed\/flows\/?$/) });
  const h = await page.evaluate(() => (window as unknown as { heights: { height: number }[] }).heights.at(-1)!.height);
  expect(h).toBeGreaterThan(100);
});

test("embed pages may be framed: no X-Frame-Options and no frame-ancestors in their policy", async ({ request }) => {
  for (const path of builtPages().filter((p) => p.startsWith("/embed/"))) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()["x-frame-options"], path).toBeUndefined();
    expect(res.headers()["set-cookie"], path).toBeUndefined();
    const html = await res.text();
    expect(html, path).not.toContain("frame-ancestors");
    expect(html, path).toContain('http-equiv="Content-Security-Policy"');
  }
});

test("main pages refuse to render inside a frame", async ({ page, baseURL }) => {
  const article = builtPages().find((p) => p !== "/" && !p.startsWith("/embed/") && p !== "/playground/" && p !== "/404/")!;
  for (const path of ["/", article, "/playground/"]) {
    const f = await frame(page, baseURL, path);
    await expect(f.locator("html"), path).toHaveAttribute("data-framed", "");
    await expect(f.locator("h1").first(), path).toBeHidden();
  }
  // Not framed, they show as usual.
  await page.goto("/");
  await expect(page.locator("html")).not.toHaveAttribute("data-framed", "");
  await expect(page.locator("h1")).toBeVisible();
});

test("Copy embed code copies the iframe of that very component", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(baseURL!).origin });
  const withFlows = [];
  for (const path of builtPages()) {
    if (path.startsWith("/embed/") || path === "/playground/") continue;
    await page.goto(path);
    if (await page.locator(".lab-flows").count()) withFlows.push(path);
    if (withFlows.length) break;
  }
  expect(withFlows.length).toBe(1);
  const figure = page.locator(".lab-flows").first();
  const caption = (await figure.locator(".lab-caption").textContent()) ?? "";
  const node = /br-int on (\S+),/.exec(caption)![1]!;
  await figure.getByRole("button", { name: "Copy embed code" }).click();
  await expect(figure.getByRole("status")).not.toBeEmpty();
  const snippet = await figure.getByRole("button", { name: "Copy embed code" }).getAttribute("data-snippet");
  expect(snippet).toMatch(new RegExp(`^<iframe src="${new URL(baseURL!).origin}/embed/flows\\?node=${node}[^"]*" title="[^"]+"`));
  const clip = await page.evaluate(() => navigator.clipboard.readText()).catch(() => snippet);
  expect(clip).toBe(snippet);

  // The snippet works: it frames the same component.
  const src = /src="([^"]+)"/.exec(snippet!)![1]!.replace(/&amp;/g, "&");
  const f = await frame(page, baseURL, src);
  await expect(f.locator(".lab-flows pre")).toContainText(`br-int`);
  await expect(f.locator(".lab-caption")).toContainText(`br-int on ${node}`);
});

test("a shell block's Copy embed code opens a terminal that runs the block's commands", async ({ page, baseURL }) => {
  let found = false;
  for (const path of builtPages()) {
    if (path.startsWith("/embed/") || path === "/playground/") continue;
    await page.goto(path);
    if (await page.locator(".lab-shell").count()) {
      found = true;
      break;
    }
  }
  expect(found).toBe(true);
  const figure = page.locator(".lab-shell").first();
  const commands = JSON.parse((await figure.getAttribute("data-live-args"))!).commands as string;
  const lines = JSON.parse(commands) as string[];
  const button = figure.getByRole("button", { name: "Copy embed code" });
  await button.click();
  const snippet = (await button.getAttribute("data-snippet"))!;
  const src = /src="([^"]+)"/.exec(snippet)![1]!.replace(/&amp;/g, "&");
  expect(new URL(src).searchParams.getAll("cmd")).toEqual(lines);
  const f = await frame(page, baseURL, src);
  await expect(f.locator(".term-cmd")).toHaveCount(lines.length, { timeout: 20_000 });
  await expect(f.locator(".term-cmd").last()).toContainText(lines.at(-1)!);
  await expect(f.locator(".term-stderr")).toHaveCount(0);
});
