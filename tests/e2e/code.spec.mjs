// "Copy as code": the package's snippet of the built request, in four languages, copied from
// the page and run unchanged (curl, Node, Python) against a local server and the sandbox.
import { expect, test } from "./server.mjs";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
// A folder of this run's own, where `import "kling3-wasm"` resolves to this build by its name.
let DIR;
test.beforeAll(() => {
  DIR = mkdtempSync(join(tmpdir(), "kling3-e2e-snippets-"));
  mkdirSync(join(DIR, "node_modules"));
  symlinkSync(join(dirname(fileURLToPath(import.meta.url)), "../.."), join(DIR, "node_modules/kling3-wasm"), "dir");
});
test.afterAll(() => rmSync(DIR, { recursive: true, force: true }));
const KEY = "aio_test1234";

test.beforeEach(async ({ page, request }) => {
  await request.post("/_sandbox/reset", { data: {} });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
});

test.afterEach(async ({ page }) => {
  expect(page.problems).toEqual([]);
});

const LANGUAGE_NAMES = { curl: "curl", js: "JavaScript (kling3-wasm)", fetch: "fetch", python: "Python (requests)" };
const TRICKY = `It's "quoted" \\ back\\slash\nnew line\ttab, \${HOME} $(whoami) \`id\` %s {} 日本語 🎬 é`;

/** Picks a language and returns the code the copy button puts on the clipboard. */
async function copyAs(page, language) {
  await page.getByRole("radio", { name: LANGUAGE_NAMES[language] }).check();
  const button = page.locator("#copy-code");
  await button.click();
  await expect(button).toHaveText("Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await page.locator("#code-preview").textContent());
  return copied;
}

/** What the package writes for the form's request, from the page's own build. */
const packageSnippet = (page, request, options, language) => page.evaluate(async ([request, options, language]) => {
  const { buildRequest, toSnippet } = await import("/pkg/web.js");
  return toSnippet(buildRequest(request, options), { language });
}, [request, options, language]);

test("copy as code shows the package's snippet in each language, never with the key", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.fill("#api-key", "aio_very_secret_key");
  await page.fill("#prompt", TRICKY);
  for (const language of ["curl", "js", "fetch", "python"]) {
    const code = await copyAs(page, language);
    expect(code).toBe(await packageSnippet(page, { prompt: TRICKY, mode: "std", duration: 5, aspect_ratio: "16:9", sound: true }, { apiKey: "aio_very_secret_key", baseUrl: `${baseURL}/api/v1` }, language));
    expect(code).not.toContain("aio_very_secret_key");
    expect(code).toContain("KLING_API_KEY");
    await expect(page.getByRole("button", { name: /^Copy the / })).toHaveCount(2);
  }
  await expect(page.locator("#copy-code")).toHaveAttribute("aria-label", "Copy the Python code");
  // The code follows the form.
  await page.check('input[name="mode"][value="pro"]');
  await expect(page.locator("#code-preview")).toHaveText(await packageSnippet(page, { prompt: TRICKY, mode: "pro", duration: 5, aspect_ratio: "16:9", sound: true }, { baseUrl: `${baseURL}/api/v1` }, "python"));
  await page.fill("#prompt", "");
  await expect(page.locator("#code-preview")).toHaveText(/^Fix the problem/);
});

test("the copied curl, fetch and Python code send exactly the body the package built, with the key from the environment", async ({ page, context }) => {
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const seen = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers["content-type"], body: Buffer.concat(chunks) });
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"code":200,"data":{"task_id":"n75abc_kling3"}}');
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const base = `http://127.0.0.1:${server.address().port}/api/v1`;
    await page.fill("#base-url", base);
    await page.fill("#prompt", TRICKY);
    await page.check("#multi_shots");
    // In multi-shot mode the page leaves the prompt out (the API ignores it): the shots carry the text.
    await page.locator("#shot-list textarea").nth(0).fill(TRICKY);
    await page.locator("#shot-list textarea").nth(1).fill("Zweite Szene: naïve ${x}");
    const expected = await page.evaluate(async ([base]) => {
      const { buildRequest } = await import("/pkg/web.js");
      return buildRequest({
        mode: "std", aspect_ratio: "16:9", sound: true, multi_shots: true,
        multi_prompt: [...document.querySelectorAll("#shot-list li")].map((li) => ({ prompt: li.querySelector("textarea").value, duration: Number(li.querySelector("input").value) })),
      }, { baseUrl: base }).body;
    }, [base]);
    expect(JSON.parse(await page.locator("#body-preview").textContent())).toEqual(JSON.parse(expected));
    const env = { ...process.env, KLING_API_KEY: KEY };
    const runners = {
      curl: async (code) => run("bash", ["-c", code], { env }),
      fetch: async (code) => {
        writeFileSync(`${DIR}/fetch.mjs`, code);
        return run(process.execPath, [`${DIR}/fetch.mjs`], { env });
      },
      python: async (code) => {
        writeFileSync(`${DIR}/snippet.py`, code);
        return run("python3", [`${DIR}/snippet.py`], { env });
      },
    };
    for (const [language, runIt] of Object.entries(runners)) {
      seen.length = 0;
      await runIt(await copyAs(page, language));
      expect(seen, language).toHaveLength(1);
      expect(seen[0].method).toBe("POST");
      expect(seen[0].url).toBe("/api/v1/videos/generations");
      expect(seen[0].auth, language).toBe(`Bearer ${KEY}`);
      expect(seen[0].type).toMatch(/^application\/json/);
      expect(seen[0].body.toString("utf8"), language).toBe(expected);
    }
  } finally {
    server.close();
  }
});

test("the copied JavaScript code runs unchanged against the sandbox and ends with a video", async ({ page, context, baseURL }) => {
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.fill("#prompt", TRICKY);
  await page.locator("#duration").fill("3");
  const code = await copyAs(page, "js");
  expect(code).toContain(`baseUrl: "${baseURL}/api/v1"`);
  writeFileSync(`${DIR}/client.mjs`, code);
  const { stdout } = await run(process.execPath, [`${DIR}/client.mjs`], { env: { ...process.env, KLING_API_KEY: KEY }, timeout: 45_000 });
  expect(stdout.trim()).toMatch(/^https?:\/\/\S+/);
});
