// Requests that travel: a shared link (the URL fragment) and a pasted JSON body, as a visitor
// and a hostile link-maker use them, against npm start's offline sandbox.
import { expect, test } from "./server.mjs";
import AxeBuilder from "@axe-core/playwright";

/** Fails the test on a page error or a console error, in every page it opens. */
function watch(page, problems) {
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    // A test that expects a dialog answers it itself.
    if (page.answerDialog) return void page.answerDialog(d);
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
}

test.beforeEach(async ({ page, request }) => {
  await request.post("/_sandbox/reset", { data: {} });
  page.problems = [];
  watch(page, page.problems);
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
});

test.afterEach(async ({ page }) => {
  expect(page.problems).toEqual([]);
});

const b64url = (text) => Buffer.from(text, "utf8").toString("base64url");
/** A fragment as the page writes it, for any value (hostile ones too). */
const fragmentOf = (value, base) => `#${new URLSearchParams({ request: b64url(JSON.stringify(value)), ...(base ? { base } : {}) })}`;
/** Goes to a fragment of the page already open: the page reads it on hashchange. */
const openFragment = (page, fragment) => page.evaluate((f) => { location.hash = f; }, fragment);

/** Everything a person sees in the request part of the form. */
const formState = (page) => page.evaluate(() => ({
  prompt: document.getElementById("prompt").value,
  mode: document.querySelector('input[name="mode"]:checked')?.value,
  duration: document.getElementById("duration").value,
  aspect: document.querySelector('input[name="aspect_ratio"]:checked')?.value,
  sound: document.getElementById("sound").checked,
  image: document.getElementById("image").value,
  callback: document.getElementById("callback_url").value,
  multi: document.getElementById("multi_shots").checked,
  shots: [...document.querySelectorAll("#shot-list li")].map((li) => [li.querySelector("textarea").value, li.querySelector("input").value]),
  elements: [...document.querySelectorAll("#element-list li")].map((li) => [...li.querySelectorAll("input, textarea")].map((f) => f.value)),
  body: document.getElementById("body-preview").textContent,
}));

const TRICKY = `It's "quoted" \\ back\nnew line, \${x} $(rm -rf) <b>bold</b> 日本語 🎬 @hero`;

async function shareLink(page) {
  await page.getByRole("button", { name: "Copy a link to this request" }).click();
  await expect(page.locator("#share-url")).toBeVisible();
  return page.locator("#share-url").inputValue();
}

test("a shared link opens in a new tab with the same form, and never holds the key", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.fill("#api-key", "aio_very_secret_key");
  await page.fill("#prompt", TRICKY);
  await page.check('input[name="mode"][value="pro"]');
  await page.locator("#duration").fill("7");
  await page.check('input[name="aspect_ratio"][value="9:16"]');
  await page.uncheck("#sound");
  await page.fill("#callback_url", "https://example.com/done");
  await page.click("#add-element");
  await page.fill('#element-list [data-key="name"]', "hero");
  await page.fill('#element-list [data-key="description"]', "The main character");
  await page.fill('#element-list [data-key="element_input_urls"]', "https://example.com/a.jpg\nhttps://example.com/b.jpg");
  await expect(page.locator("#summary")).toHaveText("Ready to send.");
  const link = await shareLink(page);
  await expect(page.locator("#share-msg")).toHaveText("Link copied.");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const fragment = new URL(link).hash;
  const params = new URLSearchParams(fragment.slice(1));
  const carried = Buffer.from(params.get("request"), "base64url").toString("utf8");
  for (const text of [link, decodeURIComponent(link), carried]) expect(text).not.toContain("aio_very_secret_key");
  expect(params.get("base")).toBe("/api/v1");
  expect(JSON.parse(carried).prompt).toBe(TRICKY);
  const before = await formState(page);

  const other = await context.newPage();
  const problems = [];
  watch(other, problems);
  await other.goto(link);
  await expect(other.locator("body")).toHaveAttribute("data-ready", "true");
  await expect(other.locator("#link-note")).toContainText("The form now holds the request from the link.");
  expect(await formState(other)).toEqual(before);
  await expect(other.locator("#api-key")).not.toHaveValue("aio_very_secret_key");
  await expect(other.locator("#base-url")).toHaveValue("/api/v1");
  // Read once: the address bar no longer holds it, so a reload keeps later edits.
  expect(new URL(other.url()).hash).toBe("");
  expect(problems).toEqual([]);
});

test("a multi-shot request comes back from its link, read as typed input", async ({ page }) => {
  await page.fill("#prompt", "Two scenes");
  await page.check("#multi_shots");
  const shots = page.locator("#shot-list li");
  await shots.nth(0).locator("textarea").fill("A sunrise");
  await shots.nth(1).locator("textarea").fill("A sunset");
  await page.click("#add-shot");
  await shots.nth(2).locator("textarea").fill("Night");
  await shots.nth(2).locator("input").fill("4");
  const before = await formState(page);
  const link = await shareLink(page);
  await page.getByRole("button", { name: "Cinematic shot" }).click();
  expect((await formState(page)).multi).toBe(false);
  // The form was edited here: the page asks before the link replaces it.
  page.answerDialog = (dialog) => dialog.accept();
  await openFragment(page, new URL(link).hash);
  await expect(page.locator("#link-note")).toContainText("The form now holds the request from the link.");
  expect(await formState(page)).toEqual(before);
  // The package's warning on the multi-shot prompt shows, as it would once typed.
  await expect(page.locator("#prompt-note")).not.toBeEmpty();
  await expect(page.locator("#credits")).toHaveText(await page.evaluate(async () => {
    const { estimateCost } = await import("/pkg/web.js");
    return String(estimateCost({ multi_shots: true, multi_prompt: [{ prompt: "a", duration: 3 }, { prompt: "b", duration: 2 }, { prompt: "c", duration: 4 }] }).credits);
  }));
});

test("a base URL with a password or a query stays out of the link, and the link says so", async ({ page, baseURL }) => {
  await page.fill("#prompt", "Private server");
  const port = new URL(baseURL).port;
  await page.fill("#base-url", `http://me:hunter2@127.0.0.1:${port}/api/v1`);
  let link = await shareLink(page);
  await expect(page.locator("#share-msg")).toContainText("The base URL was left out");
  expect(link).not.toContain("hunter2");
  expect(new URLSearchParams(new URL(link).hash.slice(1)).has("base")).toBe(false);
  await page.fill("#base-url", `http://127.0.0.1:${port}/api/v1?token=abc`);
  link = await shareLink(page);
  expect(link).not.toContain("token");
  // A plain URL of this server is carried as it is.
  await page.fill("#base-url", `http://127.0.0.1:${port}/api/v1`);
  link = await shareLink(page);
  expect(new URLSearchParams(new URL(link).hash.slice(1)).get("base")).toBe(`http://127.0.0.1:${port}/api/v1`);
});

test("a link naming another server's API fills the request but does not move the Base URL", async ({ page }) => {
  await openFragment(page, fragmentOf({ prompt: "Come to my server" }, "https://evil.example/api/v1"));
  await expect(page.locator("#link-note")).toContainText("It names the API at https://evil.example/api/v1; the Base URL was left as it was");
  await expect(page.locator("#prompt")).toHaveValue("Come to my server");
  await expect(page.locator("#base-url")).toHaveValue("/api/v1");
});

test("a link opened over an edited form asks first, and names where it would send things", async ({ page }) => {
  await page.fill("#prompt", "Mine, typed here");
  let asked = 0;
  page.answerDialog = (dialog) => {
    asked++;
    dialog.dismiss();
  };
  await openFragment(page, fragmentOf({ prompt: "Theirs", callback_url: "https://hooks.evil.example/x" }));
  await expect(page.locator("#link-note")).toContainText("The link's request was not loaded");
  await expect(page.locator("#prompt")).toHaveValue("Mine, typed here");
  expect(asked).toBe(1);
  page.answerDialog = (dialog) => dialog.accept();
  await openFragment(page, fragmentOf({ prompt: "Theirs", callback_url: "https://hooks.evil.example/x" }));
  await expect(page.locator("#prompt")).toHaveValue("Theirs");
  await expect(page.locator("#link-note")).toContainText("POSTed to https://hooks.evil.example/x (callback_url): check it is yours");
});

test("a link refuses a base URL with credentials, and leaves the form", async ({ page }) => {
  await page.fill("#prompt", "Mine");
  await openFragment(page, fragmentOf({ prompt: "Theirs" }, "https://user:pw@evil.example/api/v1"));
  await expect(page.locator("#link-note")).toContainText("base URL is not a plain http(s) URL");
  await expect(page.locator("#prompt")).toHaveValue("Mine");
});

test("a hostile link's markup fills the fields as text and runs nothing", async ({ page }) => {
  const markup = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await openFragment(page, fragmentOf({ prompt: markup, callback_url: "https://example.com/<b>x</b>" }));
  await expect(page.locator("#prompt")).toHaveValue(markup);
  await expect(page.locator("#link-note")).toContainText("The form now holds the request from the link.");
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  await expect(page.locator("img[src=x], #form b, #link-note *:not(span)")).toHaveCount(0);
  // Markup as the fragment itself is a broken link, said as text.
  await page.fill("#prompt", "Mine");
  await openFragment(page, '#request=<img src=x onerror="window.__pwned=3">');
  await expect(page.locator("#link-note")).toContainText("This link's request is damaged");
  await expect(page.locator("#prompt")).toHaveValue("Mine");
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test("a huge link is refused before it is read, and the form is untouched", async ({ page }) => {
  await page.fill("#prompt", "Mine");
  const before = await formState(page);
  const started = Date.now();
  await openFragment(page, fragmentOf({ prompt: "x".repeat(1_000_000) }));
  await expect(page.locator("#link-note")).toContainText("more than the 64 KB this tester reads");
  await expect(page.locator("#link-note")).toContainText("Nothing was loaded: the form is as it was.");
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(await formState(page)).toEqual(before);
});

test("a link with wrong types gives the package's messages and leaves the form", async ({ page }) => {
  await page.fill("#prompt", "Mine");
  const before = await formState(page);
  /** Each error the package finds in `value`, as the note shows it: labelled with its field. */
  const errorsOf = (value, labels) => page.evaluate(async ([value, labels]) => {
    const { validateRequest } = await import("/pkg/web.js");
    return validateRequest(value).errors.map((e) => (labels[e.path] ? `${labels[e.path]} — ${e.message}` : e.message));
  }, [value, labels]);
  const cases = [
    [{ prompt: "x", duration: "5", sound: "yes" }, { duration: "Duration", sound: "Sound" }, []],
    [[{ prompt: "x" }], {}, []],
    ["just a string", {}, []],
    [{ prompt: { toString: "x" }, multi_prompt: 3 }, { prompt: "Prompt", multi_prompt: "Shots" }, []],
    [{ prompt: "x", mode: "ultra" }, { mode: "Mode" }, []],
    [{ prompt: "x", secret_flag: true }, {}, ["secret_flag is not a field this form has"]],
    [{ prompt: "x", kling_elements: [{ name: "a", element_input_video_urls: ["https://example.com/v.mp4"] }] }, {}, ["Element 1 · Video URLs — this form takes image URLs only"]],
    [Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}`, i])), { prompt: "Prompt" }, ["f0 is not a field this form has", "…and 2991 more."]],
  ];
  for (const [value, labels, more] of cases) {
    await openFragment(page, fragmentOf(value));
    await expect(page.locator("#link-note")).toContainText("This link's request was not loaded, the form is as it was:");
    for (const m of [...(await errorsOf(value, labels)), ...more]) await expect(page.locator("#link-note")).toContainText(m);
    expect(await formState(page)).toEqual(before);
  }
  for (const [fragment, message] of [
    // Deeper than JSON.stringify can write: the package's reader bounds it.
    [`#request=${b64url(`{"prompt":${"[".repeat(15_000)}${"]".repeat(15_000)}}`)}`, "too deeply nested"],
    ["#hello=world", "not a request this tester knows"],
    ["#request=e30&extra=1", "not a request this tester knows"],
    ["#request=%%%", "damaged"],
    [`#request=${b64url('{"prompt": "cut')}`, "damaged"],
    [`#request=${b64url("\u00ff").slice(0, -1)}_`, "damaged"],
  ]) {
    await openFragment(page, fragment);
    await expect(page.locator("#link-note")).toContainText(message);
    expect(await formState(page)).toEqual(before);
  }
});

test("the skip link's own anchor is not taken for a request", async ({ page }) => {
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.locator("#link-note")).toBeEmpty();
});

test("a form with problems is not shared", async ({ page }) => {
  await page.getByRole("button", { name: "Copy a link to this request" }).click();
  await expect(page.locator("#share-msg")).toContainText("Fix the problems in the form first");
  await expect(page.locator("#share-url")).toBeHidden();
});

// ---- paste to load ---------------------------------------------------------------------

/** A body as the API docs show it. */
const DOCS_BODY = `{
  "model": "kling-3",
  "prompt": "A golden retriever running through a field of sunflowers at sunset, cinematic quality",
  "mode": "pro",
  "duration": 10,
  "aspect_ratio": "1:1",
  "sound": false,
  "callback_url": "https://your-server.example/kling-done"
}`;

async function paste(page, text) {
  if (!(await page.locator("#import-text").isVisible())) await page.getByText("Or paste a JSON body").click();
  await page.fill("#import-text", text);
  await page.getByRole("button", { name: "Load into the form" }).click();
}

test("a body pasted from the API docs fills the form, and the request sent is that body", async ({ page }) => {
  await paste(page, DOCS_BODY);
  await expect(page.locator("#import-msg")).toHaveText("Loaded into the form.");
  expect(JSON.parse(await page.locator("#body-preview").textContent())).toEqual(JSON.parse(DOCS_BODY));
  await expect(page.locator('input[name="mode"][value="pro"]')).toBeChecked();
  await expect(page.locator("#credits")).not.toHaveText("—");
  await expect(page.locator("#summary")).toHaveText("Ready to send.");
});

test("a multi-shot body with an element is pasted whole", async ({ page }) => {
  const body = {
    model: "kling-3", prompt: "ignored in multi-shot", multi_shots: true,
    multi_prompt: [{ prompt: "@hero wakes up", duration: 2 }, { prompt: "@hero runs", duration: 4 }],
    kling_elements: [{ name: "hero", description: "A red fox", element_input_urls: ["https://example.com/a.jpg", "https://example.com/b.jpg"] }],
  };
  await paste(page, JSON.stringify(body));
  await expect(page.locator("#import-msg")).toHaveText("Loaded into the form.");
  const state = await formState(page);
  expect(state.multi).toBe(true);
  expect(state.shots).toEqual([["@hero wakes up", "2"], ["@hero runs", "4"]]);
  expect(state.elements).toEqual([["hero", "A red fox", "https://example.com/a.jpg\nhttps://example.com/b.jpg"]]);
});

test("an invalid paste gives the usual messages and changes nothing in the form", async ({ page }) => {
  await page.fill("#prompt", "Mine");
  await page.check('input[name="mode"][value="pro"]');
  const before = await formState(page);
  const expected = await page.evaluate(async () => {
    const { validateRequest } = await import("/pkg/web.js");
    return validateRequest({ prompt: "x", duration: 99 }).errors[0].message;
  });
  for (const [text, message] of [
    ["{ not json", "This is not JSON"],
    ["", "Paste a JSON body first"],
    ['{"prompt": "x", "duration": 99}', `Duration — ${expected}`],
    ["[1, 2]", "the request must be an object, got an array"],
    ['{"prompt": "<img src=x onerror=window.__pwned=1>", "unknown": 1}', "unknown is not a field this form has"],
    [" ".repeat(300 * 1024), "more than the 256 KB"],
  ]) {
    await paste(page, text);
    await expect(page.locator("#import-msg")).toContainText(message);
    await expect(page.locator("#import-msg")).toContainText(/the form is as it was/i);
    expect(await formState(page)).toEqual(before);
  }
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  await expect(page.locator("#import-msg img")).toHaveCount(0);
});

test("Ctrl+Enter in the import box loads the body and does not send", async ({ page }) => {
  await page.getByText("Or paste a JSON body").click();
  await page.fill("#import-text", '{"prompt": "Loaded by keyboard"}');
  await page.locator("#import-text").press("Control+Enter");
  await expect(page.locator("#prompt")).toHaveValue("Loaded by keyboard");
  await expect(page.locator("#run")).toBeHidden();
});

for (const scheme of ["light", "dark"]) {
  test(`the share and import controls and their messages are accessible (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openFragment(page, fragmentOf({ prompt: "x", duration: "5" }));
    await expect(page.locator("#link-note")).not.toBeEmpty();
    await paste(page, '{"prompt": 1}');
    await expect(page.locator("#import-msg")).not.toBeEmpty();
    await page.fill("#prompt", "Shared");
    await page.getByRole("button", { name: "Copy a link to this request" }).click();
    await expect(page.locator("#share-msg")).not.toBeEmpty();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });
}
