// What every proxy store does, whatever keeps its data: run by the memory store's tests and by
// the Redis store's against a real redis-server. `make()` gives a new, empty store.
import { test } from "node:test";
import assert from "node:assert/strict";

export function storeContract(name, make) {
  test(`${name} reserves all or nothing, and says when a refused amount fits`, async () => {
    const store = await make();
    const counts = (amount) => [{ key: "x", amount, limit: 10, windowMs: 1000 }, { key: "y", amount, limit: 5, windowMs: 2000 }];
    const first = await store.reserve(counts(4), 0);
    assert.equal(first.ok, true);
    assert.equal(typeof first.entry, "string");
    assert.deepEqual(await store.reserve(counts(3), 500), { ok: false, refused: 1, spent: 4, retryAfterMs: 1500 });
    assert.equal((await store.reserve([{ key: "x", amount: 6, limit: 10, windowMs: 1000 }], 500)).ok, true, "the refused reservation took nothing from x");
    assert.deepEqual(await store.reserve(counts(6), 600), { ok: false, refused: 0, spent: 10, retryAfterMs: 900 }, "first refusing window");
    assert.equal((await store.reserve([{ key: "y", amount: 6, limit: 5, windowMs: 2000 }], 600)).retryAfterMs, null, "never fits");
    await store.refund(["y"], first.entry);
    assert.equal((await store.reserve([{ key: "y", amount: 5, limit: 5, windowMs: 2000 }], 700)).ok, true, "refunded");
  });

  test(`${name} counts an amount until now + windowMs, and not from then on`, async () => {
    const store = await make();
    const take = (amount, now) => store.reserve([{ key: "w", amount, limit: 10, windowMs: 1000 }], now);
    assert.equal((await take(7, 0)).ok, true);
    assert.equal((await take(3, 400)).ok, true);
    assert.deepEqual(await take(1, 999), { ok: false, refused: 0, spent: 10, retryAfterMs: 1 });
    assert.deepEqual(await take(8, 1000), { ok: false, refused: 0, spent: 3, retryAfterMs: 400 }, "the 7 has left, the 3 has not");
    assert.equal((await take(7, 1000)).ok, true);
    assert.deepEqual(await take(10, 1000), { ok: false, refused: 0, spent: 10, retryAfterMs: 1000 }, "fits once both have left");
  });

  test(`${name} refunds only the entry named, only in the windows named, and ignores what is gone`, async () => {
    const store = await make();
    const both = (amount) => [{ key: "a", amount, limit: 10, windowMs: 1000 }, { key: "b", amount, limit: 10, windowMs: 1000 }];
    const one = await store.reserve(both(4), 0);
    const two = await store.reserve(both(5), 0);
    await store.refund(["a"], one.entry);
    await store.refund(["a", "b", "never-used"], "no-such-entry");
    assert.deepEqual(await store.reserve(both(2), 10), { ok: false, refused: 1, spent: 9, retryAfterMs: 990 }, "b still holds both");
    assert.equal((await store.reserve([{ key: "a", amount: 5, limit: 10, windowMs: 1000 }], 10)).ok, true, "a holds only the 5");
    await store.refund(["a", "b"], two.entry);
    await store.refund(["a", "b"], two.entry);
    assert.deepEqual(await store.reserve(both(6), 20), { ok: false, refused: 0, spent: 5, retryAfterMs: 990 });
  });

  test(`${name} names a task's owner until now + ttlMs, and no one for an unknown task`, async () => {
    const store = await make();
    await store.setOwner("t1", "alice", 1000, 0);
    await store.setOwner("t:2", "bob smith:b", 5000, 0);
    assert.equal(await store.owner("t1", 999), "alice");
    assert.equal(await store.owner("t1", 1000), null, "expired");
    assert.equal(await store.owner("t:2", 1000), "bob smith:b", "any principal id comes back as it was");
    assert.equal(await store.owner("t3", 0), null);
    await store.setOwner("t1", "carol", 1000, 2000);
    assert.equal(await store.owner("t1", 2500), "carol", "recorded again");
  });

  test(`${name} takes concurrent reservations one at a time: never over the limit, none lost`, async () => {
    const store = await make();
    const results = await Promise.all(Array.from({ length: 60 }, () => store.reserve([{ key: "c", amount: 3, limit: 100, windowMs: 60_000 }, { key: "d", amount: 1, limit: 40, windowMs: 60_000 }], 0)));
    assert.equal(results.filter((r) => r.ok).length, 33, "100 / 3");
    assert.equal(new Set(results.filter((r) => r.ok).map((r) => r.entry)).size, 33, "each entry its own");
    for (const r of results.filter((r) => !r.ok)) assert.deepEqual([r.refused, r.spent], [0, 99]);
  });

  test(`${name} keeps a record until now + ttlMs, any string as it was, and none for an unknown key`, async () => {
    const store = await make();
    const text = JSON.stringify({ state: "done", note: "a b:c \u00e9 \n" });
    await store.put("task:1", text, 1000, 0);
    await store.put("task:2", "", 5000, 0);
    assert.equal(await store.get("task:1", 999), text);
    assert.equal(await store.get("task:1", 1000), null, "expired");
    assert.equal(await store.get("task:2", 1000), "", "an empty string is a record");
    assert.equal(await store.get("task:3", 0), null);
    await store.put("task:1", "again", 1000, 2000);
    assert.equal(await store.get("task:1", 2500), "again", "put again");
  });

  test(`${name} gives a claim once until it expires, to one of many concurrent claimers`, async () => {
    const store = await make();
    const claims = await Promise.all(Array.from({ length: 40 }, () => store.claim("once:t1", 1000, 0)));
    assert.equal(claims.filter((c) => c === true).length, 1, "exactly one claimer wins");
    assert.equal(await store.claim("once:t1", 1000, 999), false, "still held");
    assert.equal(await store.claim("once:t2", 1000, 999), true, "another key is its own");
    assert.equal(await store.claim("once:t1", 1000, 1000), true, "free again once expired");
    assert.equal(await store.claim("once:t1", 1000, 1500), false);
  });
}
