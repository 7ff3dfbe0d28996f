// What two proxy instances sharing one store do, whatever keeps it: one budget under 200
// concurrent creates, each user's budget with it, and one record of owners. Run by the Redis
// store's tests (two Node processes) and the Durable Object's (two workers in workerd).
// `start({ tag, users, options })` starts two instances (each a proxy with `options`, and with
// `users`, bearer token → principal, as its authorize) on one new store, and resolves to
// `{ urls: [a, b], log() }`; `upstream()` is the fake API (tests/node/servers.mjs) both forward to.
import { test } from "node:test";
import assert from "node:assert/strict";
import { estimateCost } from "kling3-wasm";

const TASK = { prompt: "a cat" }; // 300 credits

export const create = (url, token, body = TASK) => fetch(`${url}/api/v1/videos/generations`, {
  method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
});
export const read = (url, token, taskId) => fetch(`${url}/api/v1/tasks/${taskId}`, { headers: { Authorization: `Bearer ${token}` } });
const refusalsOf = (answers) => Promise.all(answers.filter((r) => r.status !== 200).map(async (r) => `${r.status} ${(await r.json()).error.type}`));

export function sharedStoreContract(name, { start, upstream }) {
  const posts = () => upstream().seen.filter((r) => r.method === "POST");
  const gets = () => upstream().seen.filter((r) => r.method === "GET");

  test(`200 concurrent creates through two instances sharing ${name} forward exactly the budget, and refuse the rest with budget_exceeded`, { timeout: 60_000 }, async () => {
    upstream().seen.length = 0;
    assert.equal(estimateCost(TASK).credits, 300);
    const { urls: [a, b], log } = await start({ tag: "stampede", options: { maxCreditsPerWindow: 3000 } });
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => create(i % 2 ? a : b)));
    const ms = performance.now() - started;
    const refusals = await refusalsOf(answers);
    const credits = posts().reduce((sum, r) => sum + estimateCost(JSON.parse(r.body)).credits, 0);
    console.log(`${name} stampede: ${posts().length} creates forwarded (${credits} of 3000 credits), ${refusals.length} refused, in ${Math.round(ms)} ms`);
    assert.equal(credits, 3000, `the budget, and not a credit more: ${log()}`);
    assert.equal(posts().length, 10);
    assert.equal(answers.filter((r) => r.status === 200).length, 10);
    assert.deepEqual([...new Set(refusals)], ["403 budget_exceeded"]);
    assert.equal(refusals.length, 190);
  });

  test(`with signed-in users, two instances sharing ${name} hold each user's budget and the global one under 200 concurrent creates`, { timeout: 60_000 }, async () => {
    upstream().seen.length = 0;
    const users = { a: { id: "alice" }, b: { id: "bob" }, c: { id: "carol" } };
    // Each user may spend 1200 (4 tasks), all together 3000 (10 tasks): 12 wanted, 10 fit.
    const { urls: [p, q] } = await start({ tag: "users", users, options: { maxUserCreditsPerWindow: 1200, maxCreditsPerWindow: 3000 } });
    const tokens = Object.keys(users);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => create(i % 2 ? p : q, tokens[i % 3], { prompt: tokens[i % 3] })));
    const spent = {};
    for (const r of posts()) {
      const body = JSON.parse(r.body);
      spent[body.prompt] = (spent[body.prompt] ?? 0) + estimateCost(body).credits;
    }
    for (const token of tokens) assert.ok((spent[token] ?? 0) <= 1200, `${token} spent ${spent[token]}`);
    assert.equal(Object.values(spent).reduce((x, y) => x + y, 0), 3000);
    assert.equal(posts().length, 10);
    assert.equal(answers.filter((r) => r.status === 200).length, 10);
    const types = await refusalsOf(answers);
    assert.equal(types.length, 190);
    for (const type of types) assert.ok(["403 user_budget_exceeded", "403 budget_exceeded"].includes(type), type);
  });

  test(`a task created through one instance sharing ${name} is read by its creator through the other, and is a 404 to anyone else`, { timeout: 60_000 }, async () => {
    upstream().seen.length = 0;
    const { urls: [a, b] } = await start({ tag: "owners", users: { a: { id: "alice" }, b: { id: "bob" } }, options: {} });
    const created = await create(a, "a");
    assert.equal(created.status, 200);
    const { data } = await created.json();
    const mine = await read(b, "a", data.task_id);
    assert.equal(mine.status, 200);
    assert.equal((await mine.json()).data.task_id, data.task_id);
    assert.equal(gets().length, 1);
    for (const [url, token, taskId] of [[b, "b", data.task_id], [a, "b", data.task_id], [b, "a", "t-never-made-here"]]) {
      const response = await read(url, token, taskId);
      assert.equal(response.status, 404);
      assert.equal((await response.json()).error.type, "task_not_found");
    }
    assert.equal(gets().length, 1, "nothing more was forwarded");
  });
}
