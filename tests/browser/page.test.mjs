// The tester page in headless Chromium, used as a person uses it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { newPage, openBrowser } from "./helpers.mjs";

const SHOTS = "test-results/screenshots";
let env;
before(async () => {
  env = await openBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
after(() => env?.close());

async function open(options) {
  const page = await newPage(env, options);
  const response = await page.goto(`${env.url}/`);
  assert.match(response.headers()["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval'/);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

const text = (page, selector) => page.locator(selector).innerText();

test("the page loads the package and prices the default request at 300 credits", async () => {
  const page = await open();
  assert.equal(await text(page, "#credits"), "300");
  assert.match(await text(page, "#price-breakdown"), /60 credits\/s × 5 s/);
  assert.match(await text(page, "#msg-prompt"), /prompt is required/);
  await page.fill("#prompt", "A golden retriever running through sunflowers");
  assert.equal(await text(page, "#summary"), "Ready to send.");
  const body = JSON.parse(await text(page, "#body-preview"));
  assert.deepEqual(body, {
    model: "kling-3", prompt: "A golden retriever running through sunflowers", mode: "std", duration: 5, aspect_ratio: "16:9", sound: true,
  });
  await page.screenshot({ path: `${SHOTS}/ready.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
});

test("the price follows mode, sound and duration as they change", async () => {
  const page = await open();
  await page.check('input[name="mode"][value="pro"]');
  await page.locator("#duration").fill("15");
  assert.equal(await text(page, "#credits"), "1200");
  await page.uncheck("#sound");
  assert.equal(await text(page, "#credits"), "810");
  await page.check('input[name="mode"][value="std"]');
  await page.locator("#duration").fill("3");
  assert.equal(await text(page, "#credits"), "120");
});

test("errors appear next to their field, and the request preview waits for them to be fixed", async () => {
  const page = await open();
  await page.fill("#prompt", "x".repeat(2501));
  await page.fill("#image", "ftp://example.com/a.png");
  assert.match(await text(page, "#prompt-count"), /2501 \/ 2500/);
  assert.match(await text(page, "#msg-prompt"), /at most 2500 characters, got 2501/);
  assert.match(await text(page, "#msg-image"), /must be an http\(s\) URL/);
  assert.equal(await page.getAttribute("#prompt", "aria-invalid"), "true");
  assert.match(await text(page, "#summary"), /2 problems/);
  assert.match(await text(page, "#body-preview"), /Fix the 2 problems/);
  await page.screenshot({ path: `${SHOTS}/errors.png`, fullPage: true });
  await page.fill("#prompt", "short");
  await page.fill("#image", "https://example.com/a.png");
  assert.match(await text(page, "#summary"), /Ready to send/);
});

test("the curl preview never shows the key typed into the page", async () => {
  const page = await open();
  await page.fill("#prompt", "it's a $(test)");
  await page.fill("#api-key", "aio_very_secret");
  await page.fill("#base-url", "http://127.0.0.1:9/api/v1/");
  const curl = await text(page, "#curl-preview");
  assert.ok(!curl.includes("aio_very_secret"));
  assert.match(curl, /Bearer \$KLING_API_KEY/);
  assert.match(curl, /^curl -X POST 'http:\/\/127\.0\.0\.1:9\/api\/v1\/videos\/generations'/);
  assert.match(curl, /it'\\''s a \$\(test\)/);
  await page.fill("#api-key", "aio_bad key");
  assert.match(await text(page, "#msg-key"), /apiKey must be printable ASCII/);
});

test("the multi-shot editor adds, reorders and removes shots, priced on their total", async () => {
  const page = await open();
  await page.check("#multi_shots");
  assert.equal(await page.locator("#shot-list > li").count(), 2);
  const prompts = page.locator('#shot-list [data-key="prompt"]');
  await prompts.nth(0).fill("The door opens");
  await prompts.nth(1).fill("A cat walks in");
  assert.match(await text(page, "#shot-total"), /add up to 5 s/);
  assert.equal(await text(page, "#credits"), "300");
  await page.click("#add-shot");
  await prompts.nth(2).fill("The cat sleeps");
  await page.locator('#shot-list [data-key="duration"]').nth(2).fill("7");
  assert.match(await text(page, "#shot-total"), /add up to 12 s/);
  assert.equal(await text(page, "#credits"), "720");
  await page.locator('#shot-list [data-act="up"]').nth(2).click();
  assert.equal(await prompts.nth(1).inputValue(), "The cat sleeps");
  const body = JSON.parse(await text(page, "#body-preview"));
  assert.deepEqual(body.multi_prompt.map((s) => s.prompt), ["The door opens", "The cat sleeps", "A cat walks in"]);
  assert.equal(body.duration, 12);
  await page.locator('#shot-list [data-key="duration"]').nth(1).fill("12");
  assert.match(await page.locator('[data-msg="multi_prompt"]').innerText(), /add up to 3 to 15 seconds, got 17/);
  await page.locator('#shot-list [data-act="remove"]').nth(1).click();
  assert.equal(await page.locator("#shot-list > li").count(), 2);
  await prompts.nth(1).fill("");
  assert.match(await page.locator("#shot-list > li").nth(1).innerText(), /multi_prompt\[1\]\.prompt must not be empty/);
  await page.screenshot({ path: `${SHOTS}/multi-shot.png`, fullPage: true });
});

test("an element not named in the prompt gets a warning until the prompt says @name", async () => {
  const page = await open();
  await page.fill("#prompt", "A dog runs");
  await page.click("#add-element");
  const row = page.locator("#element-list > li").first();
  await row.locator('[data-key="name"]').fill("hero");
  await row.locator('[data-key="element_input_urls"]').fill("https://a.example/1.png\nhttps://a.example/2.png");
  assert.match(await row.innerText(), /refer to it as @hero/);
  await page.fill("#prompt", "@hero runs");
  assert.doesNotMatch(await row.innerText(), /refer to it/);
  assert.equal(await text(page, "#summary"), "Ready to send.");
});

test("on a phone-sized screen the page fits the width", async () => {
  const page = await open({ viewport: { width: 375, height: 740 } });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: `${SHOTS}/phone.png`, fullPage: true });
});

test("server data is never written as HTML: a prompt with markup stays text", async () => {
  const page = await open();
  await page.fill("#prompt", '<img src=x onerror="window.__pwned=1">');
  await page.fill("#image", 'javascript:<b>bold</b>');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator("#body-preview img, #msg-image b").count(), 0);
});
