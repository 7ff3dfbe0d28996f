// The tester page as a visitor uses it, against npm start's offline sandbox.
import { expect, test } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";

const SHOTS = "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

test.beforeEach(async ({ page, request }) => {
  await request.post("/_sandbox/reset", { data: {} });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.problems = problems;
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
});

test.afterEach(async ({ page }) => {
  expect(page.problems).toEqual([]);
});

const fill = (page, prompt) => page.fill("#prompt", prompt);

/** Calls one of the package's functions in the page, from the build the page imports. */
const pkg = (page, name, ...args) =>
  page.evaluate(async ([name, args]) => (await import("/pkg/web.js"))[name](...args), [name, args]);

/** What the package says an HTTP status means, as the run panel shows it. */
const meaning = async (page, status) => `HTTP ${status}: ${await pkg(page, "statusText", status)}`;

test("the page prices the default request and shows the body it will send", async ({ page }) => {
  await expect(page.locator("#credits")).toHaveText("300");
  await expect(page.locator("#price-breakdown")).toContainText("60 credits/s × 5 s");
  await expect(page.locator("#msg-prompt")).toContainText("prompt is required");
  await expect(page.locator("#send")).toBeDisabled();
  await fill(page, "A golden retriever running through sunflowers");
  await expect(page.locator("#summary")).toHaveText("Ready to send.");
  await expect(page.locator("#send")).toBeEnabled();
  expect(JSON.parse(await page.locator("#body-preview").innerText())).toEqual({
    model: "kling-3", prompt: "A golden retriever running through sunflowers", mode: "std", duration: 5, aspect_ratio: "16:9", sound: true,
  });
  await expect(page.locator("#connection-note")).toContainText("offline sandbox");
  await page.screenshot({ path: `${SHOTS}/ready.png`, fullPage: true });
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
  await page.getByRole("button", { name: "Product photo animation" }).click();
  await expect(page.locator("#image")).toHaveValue(/\/sandbox\/image\.jpg$/);
  await expect(page.locator("#image-preview")).toBeVisible();
  await expect(page.locator("#image-note")).toHaveText("640 × 360 px");
  await expect(page.locator("#price-breakdown")).toContainText("Pro, without sound");
  await expect(page.locator("#summary")).toContainText("Ready to send, with 1 warning");
  await page.fill("#image", "http://127.0.0.1:9/missing.png");
  await expect(page.locator("#image-note")).toContainText("could not load the image");
  await expect(page.locator("#image-preview")).toBeHidden();
  await page.fill("#image", "");
  await expect(page.locator("#image-note")).toHaveText("");
});

test("errors appear next to their field and keep the send button off", async ({ page }) => {
  const { maxPromptChars: max } = await pkg(page, "requestLimits");
  await fill(page, "x".repeat(max + 1));
  await page.fill("#image", "ftp://example.com/a.png");
  await expect(page.locator("#prompt-count")).toContainText(`${max + 1} / ${max}`);
  await expect(page.locator("#prompt-count")).toHaveClass(/\bover\b/);
  await expect(page.locator("#msg-prompt")).toContainText(`at most ${max} characters, got ${max + 1}`);
  await expect(page.locator("#msg-image")).toContainText("must be an http(s) URL");
  await expect(page.locator("#prompt")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#summary")).toContainText("2 problems");
  await expect(page.locator("#send")).toBeDisabled();
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

test("cancel stops a request in flight", async ({ page, request }) => {
  await request.post("/_sandbox/faults", { data: { fault: "slow", route: "create", ms: 5000 } });
  await fill(page, "A slow one");
  await page.click("#send");
  await expect(page.locator("#cancel")).toBeVisible();
  await expect(page.locator("#cancel")).toBeFocused();
  await page.click("#cancel");
  await expect(page.locator("#run-error")).toContainText("Cancelled", { timeout: 2000 });
  await expect(page.locator("#cancel")).toBeHidden();
  await expect(page.locator("#send")).toBeEnabled();
});

test("a refused key is explained", async ({ page }) => {
  await page.fill("#api-key", "not-a-key");
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText(await meaning(page, 401));
  await expect(page.locator("#run-error")).toContainText("Check the key");
});

test("no credits is explained", async ({ page, request }) => {
  await request.post("/_sandbox/credits", { data: { credits: 100 } });
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText(await meaning(page, 402));
  await expect(page.locator("#run-error")).toContainText("costs 300, the balance is 100");
  await page.screenshot({ path: `${SHOTS}/no-credits.png`, fullPage: true });
});

test("server errors and failed tasks are explained", async ({ page, request }) => {
  await request.post("/_sandbox/faults", { data: { fault: "html-502", route: "create" } });
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText(await meaning(page, 502));
  await expect(page.locator("#run-error")).toContainText("Try again shortly.");
  await request.post("/_sandbox/faults", { data: { fault: "fail-task" } });
  await page.locator("#duration").fill("3");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText("The task failed", { timeout: 20_000 });
  await expect(page.locator("#history tbody")).toContainText("failed");
});

test("too many requests is explained with the wait", async ({ page, request }) => {
  await request.post("/_sandbox/faults", { data: { fault: "rate-limit-ms", route: "create", ms: 30, times: 3 } });
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText(await meaning(page, 429));
  await expect(page.locator("#run-error")).toContainText("Try again in 0.0 s");
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
  await expect(page.locator("#run-status")).toContainText(`Task ${id} is succeeded`);
  await expect(page.locator("#player")).toHaveAttribute("src", /sandbox\/video\.mp4/);
});

test("an API that the browser cannot reach gets the CORS explanation", async ({ page }) => {
  await page.fill("#base-url", "http://127.0.0.1:9/api/v1");
  await fill(page, "x");
  await page.click("#send");
  await expect(page.locator("#run-error")).toContainText("may refuse calls from browsers (CORS)", { timeout: 10_000 });
  await expect(page.locator("#run-error")).toContainText("KLING_API_KEY=aio_... npm start");
});

test("history checks a task again, and any task id can be looked up", async ({ page }) => {
  await fill(page, "A quick one");
  await page.locator("#duration").fill("3");
  await page.click("#send");
  await expect(page.locator("#run-status")).toContainText("the video is ready", { timeout: 20_000 });
  const id = (await page.locator("#history tbody td").first().innerText({ timeout: 5000 })).trim();
  await page.getByRole("button", { name: `Check task ${id} again` }).click({ timeout: 5000 });
  await expect(page.locator("#run-status")).toContainText(`Task ${id} is succeeded`);
  await page.fill("#lookup-id", "sbx000000000000_kling3");
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.locator("#run-error")).toContainText(await meaning(page, 404));
  await expect(page.locator("#run-error")).toContainText("Check the task id and the base URL.");
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
  await expect(page.locator("#shot-list > li").nth(1)).toContainText("multi_prompt[1].prompt must not be empty");
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
  const curl = await page.locator("#curl-preview").innerText();
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
  await expect(page.locator("#curl-preview")).toContainText(`curl -X POST '${defaults.baseUrl}${defaults.createPath}'`);

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
