// The tester page as a visitor uses it, against npm start's offline sandbox.
import { expect, test } from "./server.mjs";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";

const SHOTS = "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

test.beforeEach(async ({ page, request }) => {
  await request.post("/_sandbox/reset", { data: {} });
  const problems = [];
  page.allowed = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  // A console error fails the test, unless the test said it expects that kind (a refused
  // request logs "Failed to load resource" in Chromium).
  page.on("console", (m) => {
    if (m.type() === "error" && !page.allowed.some((re) => re.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
});

test.afterEach(async ({ page }) => {
  expect(page.problems).toEqual([]);
});

/** Console errors this test expects: failed loads (HTTP errors, refused connections). */
const allowFailedLoads = (page) => page.allowed.push(/Failed to load resource/, /net::ERR_/);

const fill = (page, prompt) => page.fill("#prompt", prompt);

/** Calls one of the package's functions in the page, from the build the page imports. */
const pkg = (page, name, ...args) =>
  page.evaluate(async ([name, args]) => (await import("/pkg/web.js"))[name](...args), [name, args]);

/** The package's validation messages for a request, by path. */
const messagesFor = async (page, input) => {
  const { errors, warnings } = await pkg(page, "validateRequest", input);
  return Object.fromEntries([...warnings, ...errors].map((e) => [e.path, e.message]));
};

/** An API error in the run panel: its HTTP status, then the message as it came. */
const apiSays = (status, message) => `HTTP ${status} — ${message}`;

test("the page prices the default request and shows the body it will send", async ({ page }) => {
  await expect(page.locator("#credits")).toHaveText("300");
  await expect(page.locator("#price-breakdown")).toContainText("60 credits/s × 5 s");
  await fill(page, "A golden retriever running through sunflowers");
  await expect(page.locator("#summary")).toHaveText("Ready to send.");
  await expect(page.locator("#send")).toBeEnabled();
  expect(JSON.parse(await page.locator("#body-preview").innerText())).toEqual({
    model: "kling-3", prompt: "A golden retriever running through sunflowers", mode: "std", duration: 5, aspect_ratio: "16:9", sound: true,
  });
  await expect(page.locator("#connection-note")).toContainText("offline sandbox");
  await page.screenshot({ path: `${SHOTS}/ready.png`, fullPage: true });
});

test("everything the page preloads is fetched once, with the page's first requests, and used", async ({ page }) => {
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.reload();
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
  const preloaded = await page.$$eval('link[rel="preload"], link[rel="modulepreload"]', (links) => links.map((l) => new URL(l.href).pathname));
  // The package's modules and wasm, the tester's own modules and the server's description.
  expect(preloaded).toEqual(expect.arrayContaining(["/pkg/web.js", "/pkg/web/kling3_wasm_bg.wasm", "/run.js", "/_server"]));
  for (const path of preloaded) expect(fetched.filter((p) => p === path), path).toHaveLength(1);
  // Every module the page ends up loading was named up front, so none waits for its importer.
  const modules = fetched.filter((p) => p.endsWith(".js") && p !== "/app.js");
  expect(modules.filter((p) => !preloaded.includes(p))).toEqual([]);
  // Chromium warns about a preload the page did not use, or one it fetched twice.
  await page.waitForTimeout(3500);
  expect(warnings.filter((w) => /preload/i.test(w))).toEqual([]);
});

test("the price and its chart follow mode, sound and duration", async ({ page }) => {
  await page.check('input[name="mode"][value="pro"]');
  await page.locator("#duration").fill("15");
  await expect(page.locator("#credits")).toHaveText("1200");
  await expect(page.locator("#price-chart")).toHaveAttribute("aria-label", /15 s, costs 1200 credits/);
  await expect(page.locator("#price-chart .series.chosen")).toHaveCount(1);
  await page.uncheck("#sound");
  await expect(page.locator("#credits")).toHaveText("810");
  await page.check('input[name="mode"][value="std"]');
  await page.locator("#duration").fill("3");
  await expect(page.locator("#credits")).toHaveText("120");
});

test("the product photo preset previews a real image, and an image that cannot load says so", async ({ page }) => {
  allowFailedLoads(page);
  await page.getByRole("button", { name: "Product photo animation" }).click();
  await expect(page.locator("#image")).toHaveValue(/\/sandbox\/image\.jpg$/);
  await expect(page.locator("#image-preview")).toBeVisible();
  await expect(page.locator("#image-note")).toHaveText("640 × 360 px");
  await expect(page.locator("#price-breakdown")).toContainText("Pro, without sound");
  await expect(page.locator("#summary")).toHaveText("Ready to send.");
  await page.fill("#image", "http://127.0.0.1:9/missing.png");
  await expect(page.locator("#image-note")).toContainText("could not load the image");
  await expect(page.locator("#image-preview")).toBeHidden();
  await page.fill("#image", "");
  await expect(page.locator("#image-note")).toHaveText("");
});

test("errors appear next to their field, and Send does not send", async ({ page }) => {
  allowFailedLoads(page);
  const { maxPromptChars: max } = await pkg(page, "requestLimits");
  await fill(page, "x".repeat(max + 1));
  await page.fill("#image", "ftp://example.com/a.png");
  await expect(page.locator("#prompt-count")).toContainText(`${max + 1} / ${max}`);
  await expect(page.locator("#prompt-count")).toHaveClass(/\bover\b/);
  const said = await messagesFor(page, { prompt: "x".repeat(max + 1), image: "ftp://example.com/a.png" });
  await expect(page.locator("#msg-prompt")).toHaveText(said.prompt);
  await expect(page.locator("#msg-image")).toHaveText(said.image);
  await expect(page.locator("#prompt")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#summary")).toContainText("2 problems");
  await page.click("#send");
  await expect(page.locator("#run")).toBeHidden();
  await page.screenshot({ path: `${SHOTS}/errors.png`, fullPage: true });
  await fill(page, "short");
  await page.fill("#image", "https://example.com/a.png");
  await expect(page.locator("#send")).toBeEnabled();
});

test("sending shows progress and ends with a video that plays", async ({ page }) => {
  await fill(page, "A cat on a skateboard");
  await page.locator("#duration").fill("3");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
  await expect(page.locator("#timeline")).toContainText("created sbx");
  await expect(page.locator("#timeline")).toContainText("COMPLETED");
  await expect(page.locator("#run-meta")).toContainText(/elapsed · \d+ polls?/);
  const src = await page.locator("#player").getAttribute("src");
  expect(src).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/video\.mp4/);
  await expect(page.locator("#download")).toHaveAttribute("href", src);
  await page.evaluate(() => {
    const v = document.querySelector("#player");
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => page.evaluate(() => document.querySelector("#player").currentTime), { timeout: 10_000 }).toBeGreaterThan(0.2);
  await expect(page.locator("#history tbody tr")).toHaveCount(1);
  await expect(page.locator("#history tbody")).toContainText("succeeded");
  await expect(page.locator("#history tbody")).toContainText("180");
  await page.locator("#raw-box summary").click();
  await expect(page.locator("#raw")).toContainText('"status": "COMPLETED"');
  await page.screenshot({ path: `${SHOTS}/video.png`, fullPage: true });
});

test("cancel stops a request in flight, and the same request is not sent again unasked: the task may exist", async ({ page, request }) => {
  await request.post("/_sandbox/faults", { data: { fault: "slow", route: "create", ms: 1500 } });
  await fill(page, "A slow one");
  await page.click("#send");
  await expect(page.locator("#cancel")).toBeVisible();
  await expect(page.locator("#cancel")).toBeFocused();
  await page.click("#cancel");
  await expect(page.locator("#run-error")).toContainText("Cancelled", { timeout: 2000 });
  await expect(page.locator("#run-error")).toContainText("may have been created, and charged");
  await expect(page.locator("#cancel")).toBeHidden();
  await expect(page.locator("#send")).toBeDisabled();
  await expect(page.locator("#resend-box")).toBeVisible();
  // The request had left: the sandbox makes the task all the same. Sent again on purpose, with
  // the cancelled create's Idempotency-Key, it makes no second one.
  await expect.poll(async () => (await (await request.get("/_sandbox")).json()).counts.created, { timeout: 5000 }).toBe(1);
  await page.check("#resend-ok");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText(/Task sbx\w+/, { timeout: 10_000 });
  expect((await (await request.get("/_sandbox")).json()).counts.created).toBe(1);
});

test("screen readers hear the form's state once typing pauses, not at every key, and each copy", async ({ page }) => {
  await fill(page, "A fox in the snow");
  await expect(page.locator("#announce")).toHaveText(/^Ready to send\. \d+ credits\.$/, { timeout: 5000 });
  for (const id of ["#prompt-count", "#price-breakdown", "#summary"]) {
    await expect(page.locator(id)).not.toHaveAttribute("aria-live", /.*/);
  }
  await page.click('[data-copy="body-preview"]');
  await expect(page.locator("#announce")).toHaveText(/^(Copied: the JSON body|Selected: press Ctrl\+C to copy)\.$/);
});

test("a refused key is explained", async ({ page }) => {
  allowFailedLoads(page);
  await page.fill("#api-key", "not-a-key");
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText(apiSays(401, "Invalid API key"));
  await expect(page.locator("#run-error")).toContainText("Check the key");
});

test("no credits is explained", async ({ page, request }) => {
  allowFailedLoads(page);
  await request.post("/_sandbox/credits", { data: { credits: 100 } });
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText(apiSays(402, "Insufficient credits: this task costs 300, the balance is 100"));
  await page.screenshot({ path: `${SHOTS}/no-credits.png`, fullPage: true });
});

test("a failed task is explained", async ({ page, request }) => {
  await request.post("/_sandbox/faults", { data: { fault: "fail-task" } });
  await fill(page, "x");
  await page.locator("#duration").fill("3");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText("The task failed", { timeout: 20_000 });
  await expect(page.locator("#history tbody")).toContainText("failed");
});

test("too many requests is explained with the wait", async ({ page, request }) => {
  allowFailedLoads(page);
  await request.post("/_sandbox/faults", { data: { fault: "rate-limit-ms", route: "create", ms: 30, times: 3 } });
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText(apiSays(429, "Rate limit exceeded"));
  await expect(page.locator("#run-error")).toContainText("Try again in 0.0 s");
  await expect(page.locator("#run-error")).not.toContainText("Do not send it again");
});

test("a wait that runs out says the task goes on, and check again finds it done", async ({ page }) => {
  await fill(page, "A long one");
  await page.locator("#duration").fill("15");
  await page.fill("#wait-limit", "1");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText("it may still finish", { timeout: 10_000 });
  await expect(page.locator("#run-error")).toContainText('"Check again"');
  await expect(page.locator("#history tbody")).toContainText("still running");
  const id = (await page.locator("#history tbody td").first().innerText()).trim();
  await page.waitForTimeout(1500);
  await page.getByRole("button", { name: `Check task ${id} again` }).click();
  await expect(page.locator("#check-status")).toContainText(`Task ${id} has succeeded`);
  await expect(page.locator("#check-player")).toHaveAttribute("src", /sandbox\/video\.mp4/);
});

test("an API that the browser cannot reach gets the CORS explanation", async ({ page }) => {
  allowFailedLoads(page);
  await page.fill("#base-url", "http://127.0.0.1:9/api/v1");
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText("may refuse calls from browsers (CORS)", { timeout: 10_000 });
  await expect(page.locator("#run-error")).toContainText("KLING_API_KEY=aio_... npm start");
});

test("history checks a task again, and any task id can be looked up", async ({ page }) => {
  allowFailedLoads(page);
  await fill(page, "A quick one");
  await page.locator("#duration").fill("3");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
  const id = (await page.locator("#history tbody td").first().innerText({ timeout: 5000 })).trim();
  await page.getByRole("button", { name: `Check task ${id} again` }).click({ timeout: 5000 });
  await expect(page.locator("#check-status")).toContainText(`Task ${id} has succeeded`);
  await page.fill("#lookup-id", "sbx000000000000_kling3");
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.locator("#check-error")).toContainText(apiSays(404, "Task not found: sbx000000000000_kling3"));
  await expect(page.locator("#check-error")).toContainText("Check the task id and the base URL.");
  // An id the API does not know is not added to the history.
  await expect(page.locator("#history tbody tr")).toHaveCount(1);
});

test("the multi-shot editor adds, reorders and removes shots, priced on their total", async ({ page }) => {
  await page.check("#multi_shots");
  await expect(page.locator("#shot-list > li")).toHaveCount(2);
  const prompts = page.locator('#shot-list [data-key="prompt"]');
  await prompts.nth(0).fill("The door opens");
  await prompts.nth(1).fill("A cat walks in");
  await expect(page.locator("#shot-total")).toContainText("add up to 5 s");
  await expect(page.locator("#credits")).toHaveText("300");
  await page.click("#add-shot");
  await prompts.nth(2).fill("The cat sleeps");
  await page.locator('#shot-list [data-key="duration"]').nth(2).fill("7");
  await expect(page.locator("#shot-total")).toContainText("add up to 12 s");
  await expect(page.locator("#credits")).toHaveText("720");
  await page.locator('#shot-list [data-act="up"]').nth(2).click();
  await expect(prompts.nth(1)).toHaveValue("The cat sleeps");
  const body = JSON.parse(await page.locator("#body-preview").innerText());
  expect(body.multi_prompt.map((s) => s.prompt)).toEqual(["The door opens", "The cat sleeps", "A cat walks in"]);
  expect(body.duration).toBe(12);
  await page.locator('#shot-list [data-key="duration"]').nth(1).fill("12");
  await expect(page.locator('[data-msg="multi_prompt"]')).toContainText("add up to 3 to 15 seconds, got 17");
  await page.locator('#shot-list [data-act="remove"]').nth(1).click();
  await expect(page.locator("#shot-list > li")).toHaveCount(2);
  await prompts.nth(1).fill("");
  const said = await messagesFor(page, { multi_shots: true, multi_prompt: [{ prompt: "The door opens", duration: 3 }, { prompt: "", duration: 2 }] });
  await expect(page.locator('#shot-list > li:nth-child(2) [data-sub="prompt"]')).toHaveText(said["multi_prompt[1].prompt"]);
  await page.screenshot({ path: `${SHOTS}/multi-shot.png`, fullPage: true });
});

test("an element gets a warning until the prompt names it", async ({ page }) => {
  await fill(page, "A dog runs");
  await page.click("#add-element");
  const row = page.locator("#element-list > li").first();
  await row.locator('[data-key="name"]').fill("hero");
  await row.locator('[data-key="element_input_urls"]').fill("https://a.example/1.png\nhttps://a.example/2.png");
  await expect(row).toContainText("refer to it as @hero");
  await fill(page, "@hero runs");
  await expect(row).not.toContainText("refer to it");
  await expect(page.locator("#summary")).toHaveText("Ready to send.");
});

test("the curl preview never shows the key, and the key stays out of storage unless asked", async ({ page }) => {
  await fill(page, "it's a $(test)");
  await page.fill("#api-key", "aio_very_secret");
  const curl = await page.locator("#code-preview").innerText();
  expect(curl).not.toContain("aio_very_secret");
  expect(curl).toMatch(/^curl -X POST 'http:\/\/127\.0\.0\.1:\d+\/api\/v1\/videos\/generations'/);
  expect(curl).toContain("it'\\''s a $(test)");
  expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
  await page.check("#remember-key");
  expect(await page.evaluate(() => sessionStorage.getItem("kling3-wasm:api-key"))).toBe("aio_very_secret");
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  expect(page.url()).not.toContain("aio_very_secret");
  await page.reload();
  await expect(page.locator("#api-key")).toHaveValue("aio_very_secret");
  await page.uncheck("#remember-key");
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test("server data and typed markup are written as text only", async ({ page }) => {
  await fill(page, '<img src=x onerror="window.__pwned=1">');
  await page.fill("#image", "javascript:<b>bold</b>");
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  await expect(page.locator("#body-preview img, #msg-image b")).toHaveCount(0);
});

test("the form takes its bounds and defaults from the package", async ({ page }) => {
  const limits = await pkg(page, "requestLimits");
  const defaults = await pkg(page, "clientDefaults");
  const request = await pkg(page, "normalizeRequest", { prompt: "-" });

  const duration = page.locator("#duration");
  await expect(duration).toHaveAttribute("min", String(limits.minSeconds));
  await expect(duration).toHaveAttribute("max", String(limits.maxSeconds));
  await expect(duration).toHaveValue(String(limits.defaultSeconds));
  await expect(page.locator("#duration-out")).toHaveText(String(limits.defaultSeconds));
  await expect(page.locator(`input[name="mode"][value="${request.mode}"]`)).toBeChecked();
  await expect(page.locator(`input[name="aspect_ratio"][value="${request.aspect_ratio}"]`)).toBeChecked();
  await expect(page.locator("#sound")).toBeChecked({ checked: request.sound });
  await expect(page.locator("#prompt-count")).toHaveText(`0 / ${limits.maxPromptChars} characters`);

  // The sandbox's base URL is in the field; its default and its placeholder are the package's.
  const base = page.locator("#base-url");
  await expect(base).toHaveAttribute("value", defaults.baseUrl);
  await expect(base).toHaveAttribute("placeholder", defaults.baseUrl);
  await fill(page, "x");
  await base.fill("");
  await expect(page.locator("#code-preview")).toContainText(`curl -X POST '${defaults.baseUrl}${defaults.createPath}'`);

  const wait = page.locator("#wait-limit");
  await expect(wait).toHaveValue(String(defaults.waitTimeoutMs / 1000));
  await expect(wait).toHaveAttribute("max", String(defaults.maxWaitTimeoutMs / 1000));

  await expect(page.locator("#elements-field legend")).toContainText(`up to ${limits.maxElements} characters or objects`);
  for (let i = 0; i < limits.maxElements; i++) await page.click("#add-element");
  await expect(page.locator("#add-element")).toBeDisabled();
  await expect(page.locator("#element-list > li").first())
    .toContainText(`Image URLs, one a line (${limits.minElementImages} to ${limits.maxElementImages})`);

  await page.check("#multi_shots");
  const seconds = page.locator('#shot-list [data-key="duration"]').first();
  await expect(seconds).toHaveAttribute("min", String(limits.minShotSeconds));
  await expect(seconds).toHaveAttribute("max", String(limits.maxSeconds));
  await expect(page.locator("#shot-total")).toContainText(`add up to ${limits.defaultSeconds} s of ${limits.minSeconds} to ${limits.maxSeconds} s`);
  while (await page.locator("#add-shot").isEnabled()) await page.click("#add-shot");
  await expect(page.locator("#shot-list > li")).toHaveCount(limits.maxShots);
});

test("the chart's scale is cut in round steps up to the highest price the package gives", async ({ page }) => {
  const { minSeconds, maxSeconds } = await pkg(page, "requestLimits");
  const { credits: top } = await pkg(page, "estimateCost", { mode: "pro", sound: true, duration: maxSeconds });
  const ticks = (await page.locator('#price-chart text.tick[text-anchor="end"]').allTextContents()).map(Number);
  expect(ticks[0]).toBe(0);
  const step = ticks[1];
  expect(String(step)).toMatch(/^[125]0*$/);
  expect(ticks).toEqual(ticks.map((_, i) => i * step));
  expect(ticks.at(-1)).toBeLessThanOrEqual(top);
  expect(ticks.at(-1) + step).toBeGreaterThan(top);
  const seconds = await page.locator('#price-chart text.tick[text-anchor="middle"]').allTextContents();
  expect(seconds[0]).toBe(`${minSeconds}s`);
  expect(seconds.at(-1)).toBe(`${maxSeconds}s`);
});

test("the page has a Content-Security-Policy", async ({ page }) => {
  const response = await page.goto("/");
  const header = response.headers()["content-security-policy"];
  expect(header).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveCount(1);
  // Written once: the header is the page's own policy, plus what only a header can carry.
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(header).toBe(`${meta}; frame-ancestors 'none'`);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 375, height: 740 } });
  test("the page fits the width and a task can be sent", async ({ page }) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await fill(page, "A phone video");
    await page.locator("#duration").fill("3");
    await page.click("#send");
    await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
    await page.screenshot({ path: `${SHOTS}/phone.png`, fullPage: true });
  });
});

for (const scheme of ["light", "dark"]) {
  test(`no serious accessibility violations (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const { maxPromptChars } = await pkg(page, "requestLimits");
    await fill(page, "x".repeat(maxPromptChars + 1));
    await page.check("#multi_shots");
    await page.click("#add-element");
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });
}

// ---- trust and money ----------------------------------------------------------------------

/** A server of another origin behind the Base URL field, played by Playwright: `answer(url)`
 *  gives `{ status, body, headers }` for each request to it. */
async function hostile(page, answer) {
  await page.route("http://hostile.test/**", async (route) => {
    const req = route.request();
    if (req.method() === "OPTIONS") {
      return route.fulfill({ status: 204, headers: { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*", "Access-Control-Allow-Methods": "GET, POST" } });
    }
    const { status = 200, body, headers = {} } = await answer(new URL(req.url()), req);
    return route.fulfill({
      status, body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "Content-Type": typeof body === "string" ? "text/html" : "application/json", "Access-Control-Allow-Origin": "*", ...headers },
    });
  });
  await page.fill("#base-url", "http://hostile.test/api/v1");
}

test("a cut-off poll answer and a run of 503s and dropped answers do not end the watch", async ({ page, request }) => {
  allowFailedLoads(page);
  await fill(page, "Through a storm");
  await page.locator("#duration").fill("15");
  await request.post("/_sandbox/faults", { data: { fault: "malformed-json", route: "poll" } });
  await request.post("/_sandbox/faults", { data: { fault: "html-503", route: "poll", times: 4 } });
  await request.post("/_sandbox/faults", { data: { fault: "drop", route: "poll", times: 3 } });
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 25_000 });
  await expect(page.locator("#timeline")).toContainText("still watching");
  await expect(page.locator("#run-error")).toBeHidden();
  await expect(page.locator("#history tbody")).toContainText("succeeded");
  const { faults } = await (await request.get("/_sandbox")).json();
  expect(faults).toEqual([]);
});

test("a 502 on create says the task may exist, offers the lookup, and asks before the same request is sent again", async ({ page, request }) => {
  allowFailedLoads(page);
  await request.post("/_sandbox/faults", { data: { fault: "html-502", route: "create" } });
  await fill(page, "Only once");
  await page.click("#send");
  const box = page.locator("#run-error");
  // An HTML page is no API message: the package's words for the status stand in for one.
  await expect(box).toContainText("HTTP 502 —");
  await expect(box).toContainText(await pkg(page, "statusText", 502));
  await expect(page.locator("#run-status")).toHaveText("No clear answer: the task may exist.");
  await expect(box).toContainText("Do not send it again yet");
  await expect(box).not.toContainText("Try again");
  await expect(box).not.toContainText("HTTP 502: HTTP 502");
  await expect(page.locator("#send")).toBeDisabled();
  await expect(page.locator("#resend-box")).toBeVisible();
  await box.getByRole("button", { name: "Look up a task id" }).click();
  await expect(page.locator("#lookup-id")).toBeFocused();
  // A different request is a different task: no question asked.
  await fill(page, "Another one");
  await expect(page.locator("#send")).toBeEnabled();
  await fill(page, "Only once");
  await expect(page.locator("#send")).toBeDisabled();
  await page.check("#resend-ok");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText(/Task sbx\w+ is running/);
  await expect(page.locator("#resend-box")).toBeHidden();
});

/** The sandbox makes the next task, then drops the connection before answering the create. */
async function loseNextCreateAnswer(page, request) {
  allowFailedLoads(page);
  await request.post("/_sandbox/faults", { data: { fault: "drop-after-create", route: "create" } });
  // Loaded again while the drop is queued, the page holds no kept-alive connection: Chromium
  // would send a POST dropped on one of those again by itself, which no page can prevent.
  await page.reload();
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
}

test("a dropped connection on create, after the task was made, does not advise sending again", async ({ page, request }) => {
  await loseNextCreateAnswer(page, request);
  await fill(page, "Dropped");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText("Do not send it again yet", { timeout: 10_000 });
  await expect(page.locator("#run-status")).toHaveText("No clear answer: the task may exist.");
  await expect(page.locator("#send")).toBeDisabled();
  const { counts } = await (await request.get("/_sandbox")).json();
  expect(counts.created).toBe(1);
});

test("a create whose answer was lost goes again with the same Idempotency-Key, and the sandbox makes no second task", async ({ page, request }) => {
  const keys = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/api/v1/videos/generations")) keys.push(r.headers()["idempotency-key"]);
  });
  await loseNextCreateAnswer(page, request);
  await fill(page, "Dropped, then sent again");
  await page.click("#send");
  await expect(page.locator("#run-status")).toHaveText("No clear answer: the task may exist.", { timeout: 10_000 });
  await expect(page.locator("#resend-key")).toBeVisible();
  await page.check("#resend-ok");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText(/Task sbx\w+ (is running|is queued|has succeeded)/, { timeout: 10_000 });
  expect(keys).toHaveLength(2);
  expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(keys[1]).toBe(keys[0]);
  // The sandbox answered the repeat with the task the lost create had made.
  expect((await (await request.get("/_sandbox")).json()).counts.created).toBe(1);
  // A new request is a new task, with a key of its own.
  await fill(page, "Something else");
  await expect(page.locator("#resend-key")).toBeHidden();
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText(/Task sbx\w+/, { timeout: 10_000 });
  expect(keys).toHaveLength(3);
  expect(keys[2]).not.toBe(keys[0]);
});

test("a video on another origin opens in a new tab instead of taking the tester's tab", async ({ page, baseURL }) => {
  // localhost is another origin than 127.0.0.1: the sandbox's video URL is then cross-origin.
  const other = baseURL.replace("127.0.0.1", "localhost");
  await page.fill("#base-url", `${other}/api/v1`);
  await fill(page, "Elsewhere");
  await page.locator("#duration").fill("3");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
  const link = page.locator("#download");
  await expect(link).toHaveAttribute("href", /^http:\/\/localhost:\d+\/sandbox\/video\.mp4/);
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).not.toHaveAttribute("download", /.*/);
  await expect(link).toHaveText("Open the video in a new tab");
  const [popup] = await Promise.all([page.waitForEvent("popup"), link.click()]);
  await popup.close();
  expect(new URL(page.url()).origin).toBe(baseURL);
  await expect(page.locator("#history tbody tr")).toHaveCount(1);
});

test("a hostile server's markup stays text, and its javascript: video URL is refused with a reason", async ({ page }) => {
  await hostile(page, (url) => url.pathname.endsWith("/videos/generations")
    ? { body: { code: 200, message: "<b>ok</b>", data: { task_id: "evil_1", status: "IN_PROGRESS" } } }
    : { body: { code: 200, data: { task_id: "evil_1", status: "COMPLETED", progress: "<img src=x onerror=window.__pwned=1>", output: { video_url: "javascript:window.__pwned=1" } } } });
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("there is no video to show", { timeout: 10_000 });
  await expect(page.locator("#run-note")).toContainText("javascript:");
  await expect(page.locator("#result")).toBeHidden();
  await expect(page.locator("#raw")).toContainText("javascript:window.__pwned=1");
  await expect(page.locator('a[href^="javascript"], video[src^="javascript"], #raw img, #raw b')).toHaveCount(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  await expect(page.locator("#history tbody")).toContainText("evil_1");
});

test("a server's error page in markup is shown as text", async ({ page }) => {
  allowFailedLoads(page);
  await hostile(page, () => ({ status: 400, body: { error: { code: 400, message: '<img src=x onerror="window.__pwned=1">bad' } } }));
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText('<img src=x onerror="window.__pwned=1">bad');
  await expect(page.locator("#run-error img")).toHaveCount(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test("a 20 MB answer and a deeply nested one are shown cut, without freezing the page", async ({ page }) => {
  allowFailedLoads(page);
  const huge = JSON.stringify({ code: 200, data: { task_id: "big_1", status: "COMPLETED", output: { video_url: "http://hostile.test/v.mp4" }, padding: "x".repeat(20_000_000) } });
  let deep = "1";
  for (let i = 0; i < 20_000; i++) deep = `[${deep}]`;
  await hostile(page, (url) => url.pathname.endsWith("big_1")
    ? { body: huge, headers: { "Content-Type": "application/json" } }
    : { body: `{"code":200,"data":{"task_id":"deep_1","status":"IN_PROGRESS","nest":${deep}}}`, headers: { "Content-Type": "application/json" } });
  await page.fill("#lookup-id", "big_1");
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.locator("#check-status")).toContainText("big_1 has succeeded", { timeout: 20_000 });
  const started = Date.now();
  await page.locator("#check summary").click();
  const raw = await page.locator("#check-raw").innerText();
  expect(Date.now() - started).toBeLessThan(1500);
  expect(raw.length).toBeLessThan(25_000);
  expect(raw).toContain("cut here");
  await page.fill("#wait-limit", "2");
  await page.fill("#lookup-id", "deep_1");
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.locator("#check-error")).toBeVisible({ timeout: 15_000 });
  await expect(page.locator("#check")).not.toContainText("call stack");
});

test("problems on the server's side are not blamed on the form", async ({ page }) => {
  await hostile(page, () => ({ body: { code: 200, data: { task_id: "not an id/../", status: "IN_PROGRESS" } } }));
  await fill(page, "x");
  await page.click("#send");
  const box = page.locator("#run-error");
  await expect(box).toContainText("with a task id this page will not use");
  await expect(box).toContainText("may have been created");
  await expect(box).not.toContainText("Fix the form");
  await expect(page.locator("#send")).toBeDisabled();
  await page.fill("#lookup-id", "no such/thing");
  await page.getByRole("button", { name: "Look up", exact: true }).click();
  const refusal = await page.evaluate(async () => {
    const { KlingClient } = await import("/pkg/web.js");
    return new KlingClient({ baseUrl: "/api/v1" }).getTask("no such/thing").catch((e) => e.errors[0].message);
  });
  await expect(page.locator("#msg-lookup")).toContainText("That is not a task id the API gives.");
  await expect(page.locator("#msg-lookup")).toContainText(refusal);
  await expect(page.locator("#check")).toBeHidden();
});

test("a Retry-After of years is not passed on as advice", async ({ page, request }) => {
  allowFailedLoads(page);
  await request.post("/_sandbox/faults", { data: { fault: "rate-limit", route: "create", seconds: 999_999_999 } });
  await fill(page, "x");
  await page.click("#send");
  const box = page.locator("#run-error");
  await expect(box).toContainText("31.7 years, which cannot be meant");
  await expect(box).not.toContainText("999999999");
});

test("an empty Base URL says plainly that requests go to the real API, which charges", async ({ page }) => {
  const { baseUrl } = await pkg(page, "clientDefaults");
  await expect(page.locator("#destination")).toHaveText("Sends to the offline sandbox on this server: nothing is charged.");
  await page.fill("#base-url", "");
  await expect(page.locator("#base-note")).toContainText(`requests go to the real API at ${baseUrl}, and tasks there are charged`);
  await expect(page.locator("#destination")).toContainText(`Sends to the real API at ${baseUrl} (charged)`);
});

test("a wait limit of 0 is refused, not silently replaced", async ({ page, request }) => {
  const { maxWaitTimeoutMs } = await pkg(page, "clientDefaults");
  await fill(page, "x");
  await page.fill("#wait-limit", "0");
  await page.locator("#wait-limit").blur();
  await expect(page.locator("#msg-wait")).toContainText(`whole seconds from 1 to ${maxWaitTimeoutMs / 1000}, got 0`);
  await page.click("#send");
  await expect(page.locator("#wait-limit")).toBeFocused();
  await expect(page.locator("#run")).toBeHidden();
  const { counts } = await (await request.get("/_sandbox")).json();
  expect(counts.posts).toBe(0);
});

// ---- a newcomer ---------------------------------------------------------------------------

test("a fresh page shows no error until a field is touched, and Send shows them all", async ({ page }) => {
  await expect(page.locator("#form .error")).toHaveCount(0);
  await expect(page.locator("#summary")).toHaveText("One thing to fill in before sending.");
  await page.click("#send");
  await expect(page.locator("#msg-prompt")).toHaveText((await messagesFor(page, {})).prompt);
  await expect(page.locator("#prompt")).toBeFocused();
  await expect(page.locator("#summary")).toHaveText("1 problem to fix before sending.");
});

test("in multi-shot mode the duration shows the shots' total", async ({ page }) => {
  await page.check("#multi_shots");
  await page.locator('#shot-list [data-key="duration"]').nth(1).fill("14");
  await expect(page.locator("#duration-out")).toHaveText("17");
  await expect(page.locator("#duration-note")).toHaveText("(the shots' total)");
  await page.uncheck("#multi_shots");
  await expect(page.locator("#duration-out")).toHaveText("5");
});

test("each preset sets the whole form, and none warns about itself", async ({ page }) => {
  await page.click("#add-element");
  await page.fill("#callback_url", "https://hooks.example/done");
  await page.check("#multi_shots");
  for (const name of ["Marketing clip", "Product photo animation", "Cinematic shot"]) {
    const card = page.getByRole("button", { name: new RegExp(`^${name}`) });
    await card.click();
    await expect(card).toHaveAttribute("aria-pressed", "true");
    await expect(page.locator('[aria-pressed="true"]')).toHaveCount(1);
    await expect(page.locator("#element-list > li")).toHaveCount(0);
    await expect(page.locator("#callback_url")).toHaveValue("");
    await expect(page.locator("#multi_shots")).not.toBeChecked();
    await expect(page.locator("#summary")).toHaveText("Ready to send.");
    await expect(page.locator(".warning")).toHaveCount(0);
    const body = JSON.parse(await page.locator("#body-preview").innerText());
    expect(body.callback_url).toBeUndefined();
    expect(body.kling_elements).toBeUndefined();
  }
  await page.getByRole("button", { name: /^Product photo animation/ }).click();
  for (const radio of await page.locator('#aspect-field input').all()) await expect(radio).toBeDisabled();
  const said = await messagesFor(page, { prompt: "x", image: "https://example.com/a.jpg", aspect_ratio: "16:9" });
  await expect(page.locator("#aspect-note")).toHaveText(said.aspect_ratio);
  await fill(page, "edited");
  await expect(page.locator('[aria-pressed="true"]')).toHaveCount(0);
});

test("a shot's messages show at its fields, and an empty length says it is required", async ({ page }) => {
  await page.check("#multi_shots");
  const second = page.locator("#shot-list > li").nth(1);
  await second.locator('[data-key="duration"]').fill("");
  await second.locator('[data-key="prompt"]').fill("x");
  await second.locator('[data-key="prompt"]').fill("");
  const said = await messagesFor(page, { multi_shots: true, multi_prompt: [{ prompt: "", duration: 3 }, { prompt: "" }] });
  await expect(second.locator('[data-sub="duration"]')).toHaveText(said["multi_prompt[1].duration"]);
  await expect(second.locator('[data-sub="prompt"]')).toHaveText(said["multi_prompt[1].prompt"]);
  await expect(second).not.toContainText("got 0");
});

test("an element's image URL message shows in its row", async ({ page }) => {
  await fill(page, "@hero runs");
  await page.click("#add-element");
  const row = page.locator("#element-list > li").first();
  await row.locator('[data-key="name"]').fill("hero");
  await row.locator('[data-key="element_input_urls"]').fill("nope\nhttps://a.example/2.png");
  const said = await messagesFor(page, { prompt: "@hero runs", kling_elements: [{ name: "hero", element_input_urls: ["nope", "https://a.example/2.png"] }] });
  await expect(row.locator('[data-sub="element_input_urls"]')).toContainText(said["kling_elements[0].element_input_urls[0]"]);
});

test("the elapsed time moves while a request waits", async ({ page, request }) => {
  await request.post("/_sandbox/faults", { data: { fault: "slow", route: "create", ms: 3000 } });
  await fill(page, "Tick tock");
  await page.click("#send");
  await expect(page.locator("#run-meta")).toContainText("elapsed");
  const first = await page.locator("#run-meta").innerText();
  await page.waitForTimeout(700);
  expect(await page.locator("#run-meta").innerText()).not.toBe(first);
  await page.click("#cancel");
});

test("Remove keeps keyboard focus in the list", async ({ page }) => {
  await page.check("#multi_shots");
  await page.click("#add-shot");
  await page.getByRole("button", { name: "Remove shot 2" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#shot-list > li")).toHaveCount(2);
  await expect(page.getByRole("button", { name: "Remove shot 2" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Remove shot 1" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#add-shot")).toBeFocused();
  await page.click("#add-element");
  await page.getByRole("button", { name: "Remove element 1" }).click();
  await expect(page.locator("#add-element")).toBeFocused();
});

// ---- check again and look up --------------------------------------------------------------

test("Check again while a send runs answers in its own panel and waits for a running task", async ({ page }) => {
  allowFailedLoads(page);
  await fill(page, "First");
  await page.locator("#duration").fill("15");
  await page.fill("#wait-limit", "1");
  await page.click("#send");
  await expect(page.locator("#history tbody")).toContainText("still running", { timeout: 10_000 });
  const first = (await page.locator("#history tbody td").first().innerText()).trim();
  await page.fill("#wait-limit", "60");
  await fill(page, "Second");
  await page.click("#send");
  await expect(page.locator("#history tbody tr")).toHaveCount(2);
  await page.getByRole("button", { name: `Check task ${first} again` }).click();
  await expect(page.locator("#check")).toBeInViewport();
  await expect(page.locator("#check-status")).toContainText(`Task ${first}`);
  await expect(page.locator("#check-status")).toContainText(`Task ${first} has succeeded: the video is ready.`, { timeout: 15_000 });
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
  await expect(page.locator("#timeline")).not.toContainText(first);
  await expect(page.locator("#history tbody tr")).toHaveCount(2);
  await expect(page.locator("#history tbody")).not.toContainText("still running");
});

// ---- layout -------------------------------------------------------------------------------

test("the price, Send and the task's status stay in view while the form scrolls", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await fill(page, "Sticky");
  await page.locator("#add-element").scrollIntoViewIfNeeded();
  await page.locator("#code-preview").scrollIntoViewIfNeeded();
  await expect(page.locator("#send")).toBeInViewport();
  await expect(page.locator("#credits")).toBeInViewport();
  await page.click("#send");
  await expect(page.locator("#run-status")).toBeInViewport();
});

test("JSON, curl and history keep their tokens whole", async ({ page }) => {
  await fill(page, `A ${"very".repeat(60)}long word`);
  for (const id of ["#body-preview", "#code-preview"]) {
    expect(await page.locator(id).evaluate((el) => getComputedStyle(el).whiteSpace)).toBe("pre");
  }
  await page.locator("#duration").fill("3");
  await page.click("#send");
  await expect(page.locator("#history tbody tr")).toHaveCount(1);
  // The row is drawn again as the task moves on: read its style with a retrying assertion,
  // never from an element that may just have been replaced.
  await expect(page.locator("#history td.id")).toHaveCSS("white-space", "nowrap");
  const prompt = page.locator("#history td.prompt");
  await expect(prompt).toHaveAttribute("title", /long word$/);
  await expect(prompt).toHaveCSS("text-overflow", "ellipsis");
});

// ---- journeys -----------------------------------------------------------------------------

test("the copy buttons copy the body and the curl command", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await fill(page, "Copy me");
  for (const [button, pre] of [["Copy the JSON body", "#body-preview"], ["Copy the curl command", "#code-preview"]]) {
    await page.getByRole("button", { name: button }).click();
    await expect(page.getByRole("button", { name: button })).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.locator(pre).textContent());
  }
});

test("a multi-shot request is sent and ends with a video", async ({ page }) => {
  await page.check("#multi_shots");
  const prompts = page.locator('#shot-list [data-key="prompt"]');
  await prompts.nth(0).fill("The door opens");
  await prompts.nth(1).fill("A cat walks in");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
  await page.locator("#raw-box summary").click();
  await expect(page.locator("#history tbody")).toContainText("The door opens");
  await expect(page.locator("#history tbody")).toContainText("300 credits");
});

test("an image-to-video request with an element is sent and ends with a video", async ({ page }) => {
  await page.getByRole("button", { name: /^Product photo animation/ }).click();
  await page.click("#add-element");
  const row = page.locator("#element-list > li").first();
  await row.locator('[data-key="name"]').fill("bottle");
  await row.locator('[data-key="element_input_urls"]').fill("https://a.example/1.png\nhttps://a.example/2.png");
  await fill(page, "@bottle slowly rotates");
  await expect(page.locator("#summary")).toHaveText("Ready to send.");
  const body = JSON.parse(await page.locator("#body-preview").innerText());
  expect(body.image).toMatch(/\/sandbox\/image\.jpg$/);
  expect(body.kling_elements[0].name).toBe("bottle");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
});

test("cancel while polling leaves the task to the API and says so", async ({ page }) => {
  await fill(page, "Long");
  await page.locator("#duration").fill("15");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("is running");
  await page.click("#cancel");
  await expect(page.locator("#run-status")).toHaveText("Cancelled: the task goes on at the API.");
  await expect(page.locator("#history tbody")).toContainText("running (not watched)");
  await expect(page.locator("#send")).toBeFocused();
});

test("the keyboard alone fills the form and sends", async ({ page }) => {
  await page.keyboard.press("Tab");
  await expect(page.locator(".skip")).toBeFocused();
  let guard = 0;
  while (!(await page.locator("#prompt").evaluate((el) => el === document.activeElement)) && guard++ < 40) await page.keyboard.press("Tab");
  await page.keyboard.type("Typed with the keys");
  await page.locator("#duration").focus();
  await page.keyboard.press("Home");
  await page.keyboard.press("Control+Enter");
  await expect(page.locator("#cancel")).toBeFocused();
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
  await expect(page.locator("#send")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#history tbody tr")).toHaveCount(2);
});

test.describe("on a 390 × 844 phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test("Send is on screen from the start, and nothing scrolls sideways once history has rows", async ({ page }) => {
    await expect(page.locator("#send")).toBeInViewport();
    await expect(page.locator("#credits")).toBeInViewport();
    await fill(page, "A phone video with a rather long prompt that must be cut in the history");
    await page.locator("#duration").fill("3");
    await page.click("#send");
    await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
    await page.fill("#lookup-id", "sbx000000000000000000_kling3");
    await expect(page.locator("#history tbody tr")).toHaveCount(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test("screenshots for the README", async ({ page }) => {
  test.skip(!process.env.SCREENSHOTS, "set SCREENSHOTS=1 to write docs/*.png");
  const shoot = async (path) => {
    await fill(page, "A golden retriever running through a field of sunflowers at sunset, cinematic quality");
    await page.locator("#duration").fill("3");
    await page.click("#send");
    await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path });
  };
  await page.setViewportSize({ width: 1280, height: 900 });
  await shoot("docs/tester.png");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await shoot("docs/tester-dark.png");
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await shoot("docs/tester-phone.png");
});

for (const scheme of ["light", "dark"]) {
  test(`no serious accessibility violations with a task, a checked task and a may-exist warning (${scheme})`, async ({ page, request }) => {
    allowFailedLoads(page);
    await page.emulateMedia({ colorScheme: scheme });
    await fill(page, "Seen by all");
    await page.locator("#duration").fill("3");
    await page.click("#send");
    await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
    const id = (await page.locator("#history tbody td").first().innerText()).trim();
    await page.getByRole("button", { name: `Check task ${id} again` }).click();
    await expect(page.locator("#check-status")).toContainText("has succeeded");
    await request.post("/_sandbox/faults", { data: { fault: "status-504", route: "create" } });
    await page.click("#send");
    await expect(page.locator("#resend-box")).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });
}
