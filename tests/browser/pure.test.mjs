// The pure functions' contract in headless Chromium, through the web build (pkg/web.js), with
// the same cases Node runs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, openBrowser } from "./helpers.mjs";
import { cases } from "../shared/pure-cases.mjs";

let env;
let results;
before(async () => {
  env = await openBrowser();
  const page = await newPage(env);
  await page.goto(`${env.url}/tests/browser/blank.html`);
  results = await page.evaluate(async () => {
    const k = await import("/pkg/web.js");
    const { cases } = await import("/tests/shared/pure-cases.mjs");
    const out = {};
    for (const c of cases) {
      try {
        c.run(k);
        out[c.name] = null;
      } catch (e) {
        out[c.name] = String(e && e.message);
      }
    }
    return out;
  });
  assert.deepEqual(page.problems, []);
});
after(() => env?.close());

for (const c of cases) {
  test(`in Chromium: ${c.name}`, () => {
    assert.ok(c.name in results, "the case ran");
    assert.equal(results[c.name], null);
  });
}
