// The proxy's store on Redis, for several processes or serverless instances sharing one budget.
// Each operation is one atomic step on the server: `reserve`, `refund` and `claim` are Lua
// scripts (Redis runs a script alone, so no other command runs between its check and its
// write); ownership and records are a SET with an expiry and a GET. The client is the npm
// package `redis` (node-redis), loaded only when a Redis store is made, so that the proxy needs
// nothing more without one.

import { fitsAfterMs } from "./proxy-store.js";

/**
 * How much longer than its last entry Redis keeps a window key (and an ownership record):
 * entries are timed by the proxies' clocks, the keys' expiry by Redis's, and this covers a
 * difference between them. Expired entries never count; this only bounds the memory.
 */
const SLACK_MS = 60_000;

/**
 * One script per reservation. KEYS: the window keys, then the entry counter. ARGV: now, then
 * amount, limit and windowMs per window. Each window is a sorted set of "id:amount" members
 * scored by the time they leave it. Drops what has left each window, checks every window, and
 * adds to all of them or to none. Answers {1, id}, or {0, refused index, its live entries as
 * ZRANGE WITHSCORES gives them}: the proxy reads when the amount would fit from those, by the
 * one rule every store uses (fitsAfterMs), not a copy of it here.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local windows = #KEYS - 1
for i = 1, windows do
  local amount = tonumber(ARGV[3 * i - 1])
  local limit = tonumber(ARGV[3 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  local entries = redis.call('ZRANGE', KEYS[i], 0, -1, 'WITHSCORES')
  local spent = 0
  for j = 1, #entries, 2 do
    spent = spent + tonumber(string.match(entries[j], ':(%d+)$'))
  end
  if spent + amount > limit then
    return {0, i - 1, entries}
  end
end
local id = redis.call('INCR', KEYS[#KEYS])
for i = 1, windows do
  local amount = ARGV[3 * i - 1]
  local untilMs = now + tonumber(ARGV[3 * i + 1])
  redis.call('ZADD', KEYS[i], untilMs, id .. ':' .. amount)
  local last = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[i], math.max(1, tonumber(last[2]) - now) + ${SLACK_MS})
end
return {1, id}
`;

/** One script per refund. KEYS: the window keys. ARGV: the entry id. Removes its member from each. */
const REFUND = `
local prefix = ARGV[1] .. ':'
for i = 1, #KEYS do
  for _, member in ipairs(redis.call('ZRANGE', KEYS[i], 0, -1)) do
    if string.sub(member, 1, #prefix) == prefix then
      redis.call('ZREM', KEYS[i], member)
      break
    end
  end
end
return 0
`;

/**
 * One script per claim. KEYS: the claim's key. ARGV: now, ttlMs, slack. A claim's value is the
 * time it ends by the proxies' clock: held while that is later than now, else taken anew.
 * Answers 1 when this call took it, 0 when it was held.
 */
const CLAIM = `
local now = tonumber(ARGV[1])
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > now then return 0 end
redis.call('SET', KEYS[1], now + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]) + tonumber(ARGV[3]))
return 1
`;

/** How long an operation waits for the first connection before it fails (and the proxy answers 503). */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A store on Redis at `url` (such as `redis://localhost:6379` or `rediss://user:pass@host`),
 * its keys under `prefix` (default "kling3:"; on Redis Cluster use a hash tag such as
 * "{kling3}:", so that a script's keys share one slot). Needs the npm package `redis`. The
 * connection opens at the first operation; `close()` ends it.
 */
export function redisStore({ url, prefix = "kling3:" } = {}) {
  if (typeof url !== "string" || url === "") throw new TypeError('redisStore: url must be a Redis URL such as "redis://localhost:6379"');
  if (typeof prefix !== "string") throw new TypeError('redisStore: prefix must be a string such as "kling3:"');
  let connecting = null;
  let closed = false;
  const hashes = new Map(); // script → its SHA1 once loaded

  const connect = async () => {
    let createClient;
    try {
      // A name in a variable, so that bundlers of the proxy for other runtimes leave it alone.
      const name = "redis";
      ({ createClient } = await import(/* webpackIgnore: true */ /* @vite-ignore */ name));
    } catch (error) {
      throw new Error("redisStore needs the npm package redis: run `npm install redis`", { cause: error });
    }
    // Commands are refused while the connection is down, instead of waiting in memory: the
    // proxy then answers 503 at once. A first connection that fails is not retried here (the
    // next operation tries again); one that drops after it opened is, as node-redis does.
    let opened = false;
    const reconnectStrategy = (retries, cause) => (opened ? Math.min(retries * 50, 500) : cause ?? new Error("redisStore could not connect to Redis"));
    const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy } });
    // Without a listener, a dropped connection would end the process; node-redis reconnects.
    client.on("error", () => {});
    const connected = client.connect();
    connected.catch(() => {}); // awaited below; this only keeps a late failure from going unhandled
    let timer;
    try {
      await Promise.race([
        connected,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`redisStore could not connect to Redis within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
        }),
      ]);
      opened = true;
    } catch (error) {
      Promise.resolve().then(() => (typeof client.destroy === "function" ? client.destroy() : client.disconnect())).catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return client;
  };
  const client = async () => {
    if (closed) throw new Error("redisStore is closed");
    connecting ??= connect().catch((error) => {
      connecting = null; // the next operation tries again
      throw error;
    });
    return connecting;
  };
  // EVALSHA; when Redis does not know the script (first use, or after a restart), SCRIPT LOAD first.
  const run = async (script, keys, args) => {
    const redis = await client();
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    const sha = hashes.get(script);
    if (sha !== undefined) {
      try {
        return await redis.sendCommand(["EVALSHA", sha, ...tail]);
      } catch (error) {
        if (!String(error?.message).startsWith("NOSCRIPT")) throw error;
      }
    }
    hashes.set(script, await redis.sendCommand(["SCRIPT", "LOAD", script]));
    return redis.sendCommand(["EVALSHA", hashes.get(script), ...tail]);
  };
  const windowKey = (key) => `${prefix}window:${key}`;
  const ownerKey = (taskId) => `${prefix}owner:${taskId}`;
  const recordKey = (key) => `${prefix}record:${key}`;
  // An owner or a record is kept as its end by the proxy's clock, then its value: "end value".
  // That end is what counts; Redis's expiry only frees the memory.
  const setTimed = async (key, value, ttlMs, now) => {
    const redis = await client();
    await redis.sendCommand(["SET", key, `${now + ttlMs} ${value}`, "PX", String(ttlMs + SLACK_MS)]);
  };
  const getTimed = async (key, now) => {
    const redis = await client();
    const record = await redis.sendCommand(["GET", key]);
    if (record === null || record === undefined) return null;
    const text = String(record);
    const space = text.indexOf(" ");
    return Number(text.slice(0, space)) > now ? text.slice(space + 1) : null;
  };

  return {
    async reserve(counts, now) {
      const keys = [...counts.map((c) => windowKey(c.key)), `${prefix}entries`];
      const args = [now, ...counts.flatMap((c) => [c.amount, c.limit, c.windowMs])];
      const [ok, ...rest] = await run(RESERVE, keys, args);
      if (Number(ok) === 1) return { ok: true, entry: String(rest[0]) };
      const [refused, flat] = rest;
      const entries = [];
      let spent = 0;
      for (let j = 0; j < flat.length; j += 2) {
        const member = String(flat[j]); // "id:amount"
        const amount = Number(member.slice(member.indexOf(":") + 1));
        entries.push({ until: Number(flat[j + 1]), amount });
        spent += amount;
      }
      const { amount, limit } = counts[Number(refused)];
      return { ok: false, refused: Number(refused), spent, retryAfterMs: fitsAfterMs(entries, spent, amount, limit, now) };
    },
    async refund(keys, entry) {
      if (keys.length > 0) await run(REFUND, keys.map(windowKey), [entry]);
    },
    setOwner: (taskId, principalId, ttlMs, now) => setTimed(ownerKey(taskId), principalId, ttlMs, now),
    owner: (taskId, now) => getTimed(ownerKey(taskId), now),
    put: (key, value, ttlMs, now) => setTimed(recordKey(key), value, ttlMs, now),
    get: (key, now) => getTimed(recordKey(key), now),
    async claim(key, ttlMs, now) {
      return Number(await run(CLAIM, [recordKey(`claim:${key}`)], [now, ttlMs, SLACK_MS])) === 1;
    },
    /** Ends the connection (waiting for the commands sent); later operations are refused. */
    async close() {
      closed = true;
      const pending = connecting;
      connecting = null;
      if (pending === null) return;
      const redis = await pending.catch(() => null);
      if (redis === null) return;
      await (typeof redis.close === "function" ? redis.close() : redis.quit());
    },
  };
}
