// The proxy's store in a Cloudflare Durable Object, for every isolate of a worker (and every
// worker bound to the same namespace) sharing one budget. `KlingProxyStore` is the object: one
// instance, by name, holds all the counts and records in its transactional storage and answers
// a small JSON protocol. `durableObjectStore(namespace)` is the store the proxy calls, each
// operation one request to that instance. The file imports only the stores' shared rule from
// ./proxy-store.js (not `cloudflare:workers`), so the proxy still loads in Node, Bun, Deno and
// Next.js.
//
// What the object keeps, each value an array with its end (by the proxies' clock) first:
//   n                                  the next reservation's id
//   w:{length of key}:{key}:{id}       [until, amount]: a window's entry (the length keeps
//                                      one window's keys from being a prefix of another's)
//   o:{taskId}                         [until, principalId]
//   r:{key}                            [until, value]: put's records
//   c:{key}                            [until]: claims
//   x:{until, 16 digits}:{storage key} 0: the index of what expires when, read by the sweep
// A name (a window's key, a task id, a record's key) longer than 1024 bytes is kept as "#" and
// its SHA-256, so that any principal id fits storage's 2048 bytes a key.

import { fitsAfterMs } from "./proxy-store.js";

/** How often, at most, the object drops what has expired (at most SWEEP_BATCH at a time). */
const SWEEP_EVERY_MS = 60_000;
/** Storage takes at most 128 keys in one get, put or delete. */
const SWEEP_BATCH = 128;
/** The most windows one reservation or refund may name (each takes two keys of one put). */
const MAX_WINDOWS = 32;
/** The largest `now`, `ttlMs` or `windowMs`: their sums stay within the index's 16 digits. */
const MAX_TIME = 1e15;
/** The operations and what each takes. */
const OPERATIONS = {
  reserve: ["counts", "now"],
  refund: ["keys", "entry"],
  setOwner: ["taskId", "principalId", "ttlMs", "now"],
  owner: ["taskId", "now"],
  put: ["key", "value", "ttlMs", "now"],
  get: ["key", "now"],
  claim: ["key", "ttlMs", "now"],
  size: [],
};

/**
 * Storage keys may be at most 2048 bytes: a name (a window's, a task's, a record's) longer than
 * LONG_NAME bytes, or one starting with "#", is kept under "#" and its SHA-256 in hex instead.
 */
const LONG_NAME = 1024;
const encoder = new TextEncoder();
async function storedName(name) {
  const bytes = encoder.encode(name);
  if (bytes.length <= LONG_NAME && !name.startsWith("#")) return name;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `#${[...digest].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The operation's arguments with each name it keeps under as storage will take it. */
async function storedNames(op, args) {
  if (op === "reserve") return [await Promise.all(args[0].map(async (c) => ({ ...c, key: await storedName(c.key) }))), args[1]];
  if (op === "refund") return [await Promise.all(args[0].map(storedName)), args[1]];
  if (op === "size") return args;
  return [await storedName(args[0]), ...args.slice(1)];
}

const windowPrefix = (key) => `w:${key.length}:${key}:`;
// Rounded up, so that an entry is never swept before its end.
const indexKey = (until, key) => `x:${String(Math.ceil(until)).padStart(16, "0")}:${key}`;
const INDEX_HEAD = "x:0000000000000000:".length;

const isTime = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= MAX_TIME;
const isAmount = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isKeys = (v) => Array.isArray(v) && v.length <= MAX_WINDOWS && v.every((k) => typeof k === "string");

/** Why `args` are not what the operation `op` takes, or null when they are. */
function badArguments(op, args) {
  if (!Array.isArray(args) || args.length !== OPERATIONS[op].length) return `${op} takes (${OPERATIONS[op].join(", ")})`;
  const named = Object.fromEntries(OPERATIONS[op].map((name, i) => [name, args[i]]));
  for (const [name, value] of Object.entries(named)) {
    if (["now", "ttlMs"].includes(name) && !isTime(value)) return `${op}: ${name} must be a number of ms from 0 to ${MAX_TIME}`;
    if (["taskId", "principalId", "key", "value", "entry"].includes(name) && typeof value !== "string") return `${op}: ${name} must be a string`;
    if (name === "keys" && !isKeys(value)) return `${op}: keys must be a list of at most ${MAX_WINDOWS} window names`;
  }
  if (op === "reserve") {
    const { counts } = named;
    if (!Array.isArray(counts) || counts.length > MAX_WINDOWS) return `reserve: counts must be a list of at most ${MAX_WINDOWS} windows`;
    const seen = new Set();
    for (const c of counts) {
      if (c === null || typeof c !== "object" || typeof c.key !== "string" || !isAmount(c.amount) || !isAmount(c.limit) || !isTime(c.windowMs) || c.windowMs === 0) {
        return "reserve: each count must be { key: string, amount: number >= 0, limit: number >= 0, windowMs: number > 0 }";
      }
      if (seen.has(c.key)) return `reserve: counts name the window ${JSON.stringify(c.key.slice(0, 100))} twice`;
      seen.add(c.key);
    }
  }
  return null;
}

const answer = (status, value) => new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json" } });
const failure = (status, message) => answer(status, { error: { message } });

/**
 * The Durable Object holding the proxy's store: export it from the worker (`export {
 * KlingProxyStore } from "kling3-wasm/proxy"`), bind it as a Durable Object namespace, and give
 * the proxy `durableObjectStore(env.BINDING)`. It answers `POST` requests whose body is `{ op,
 * args }` (an operation of the store and its arguments, `now` the caller's clock in ms) with
 * the operation's result as JSON; a request it cannot take is a 400 or 405, a failing storage a
 * 500, each `{ error: { message } }`.
 *
 * Why each operation is one atomic step: between its first read and its last write, an
 * operation awaits nothing but `state.storage`. While a storage operation is in flight the
 * object's input gate is closed, so no other request's code runs in the object until the
 * operation's code that awaited it has run on; the whole operation thus runs with no other one
 * between its check and its write, as a Redis script does. (Other requests may run while a
 * request's body is read and its long names hashed, before its operation begins, which is
 * harmless.) The output gate holds each answer until its writes are stored.
 */
export class KlingProxyStore {
  constructor(state, env) {
    this.storage = state.storage;
    this.sweptAt = -Infinity;
  }

  async fetch(request) {
    if (request.method !== "POST") return failure(405, "KlingProxyStore takes POST requests of { op, args }");
    let body;
    try {
      body = await request.json();
    } catch {
      return failure(400, "KlingProxyStore takes a JSON body { op, args }");
    }
    const op = body?.op;
    if (typeof op !== "string" || !Object.hasOwn(OPERATIONS, op)) return failure(400, `KlingProxyStore has no operation ${JSON.stringify(String(op).slice(0, 100))}; it has ${Object.keys(OPERATIONS).join(", ")}`);
    const bad = badArguments(op, body.args);
    if (bad !== null) return failure(400, `KlingProxyStore: ${bad}`);
    // Before the operation begins: hashing awaits more than storage.
    const args = await storedNames(op, body.args);
    try {
      return answer(200, (await this[op](...args)) ?? null);
    } catch (error) {
      return failure(500, `KlingProxyStore: the storage failed in ${op}: ${error?.message ?? error}`);
    }
  }

  /** At most once a minute, drops up to SWEEP_BATCH expired entries and records (and again at the next operation while more are due). */
  async sweep(now) {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    const due = [...(await this.storage.list({ prefix: "x:", end: indexKey(Math.floor(now) + 1, ""), limit: SWEEP_BATCH })).keys()];
    if (due.length < SWEEP_BATCH) this.sweptAt = now;
    if (due.length === 0) return;
    const targets = [...new Set(due.map((k) => k.slice(INDEX_HEAD)))];
    const found = await this.storage.get(targets);
    // A key written again since has a later end, and an index entry of its own: it stays.
    const expired = targets.filter((k) => found.has(k) && found.get(k)[0] <= now);
    await this.storage.delete(due);
    if (expired.length > 0) await this.storage.delete(expired);
  }

  /** Keeps `value` under `key` until `until`, with its index entry for the sweep. */
  async keep(key, value, until) {
    await this.storage.put({ [key]: [until, ...value], [indexKey(until, key)]: 0 });
  }

  async reserve(counts, now) {
    await this.sweep(now);
    for (let i = 0; i < counts.length; i++) {
      const { key, amount, limit } = counts[i];
      const live = [];
      for (const [, [until, entryAmount]] of await this.storage.list({ prefix: windowPrefix(key) })) {
        if (until > now) live.push({ until, amount: entryAmount });
      }
      const spent = live.reduce((sum, e) => sum + e.amount, 0);
      if (spent + amount <= limit) continue;
      live.sort((a, b) => a.until - b.until);
      return { ok: false, refused: i, spent, retryAfterMs: fitsAfterMs(live, spent, amount, limit, now) };
    }
    const id = (await this.storage.get("n")) ?? 0;
    const writes = { n: id + 1 };
    for (const { key, amount, windowMs } of counts) {
      const entryKey = `${windowPrefix(key)}${id}`;
      writes[entryKey] = [now + windowMs, amount];
      writes[indexKey(now + windowMs, entryKey)] = 0;
    }
    await this.storage.put(writes);
    return { ok: true, entry: String(id) };
  }

  async refund(keys, entry) {
    if (keys.length > 0) await this.storage.delete(keys.map((key) => `${windowPrefix(key)}${entry}`));
  }

  async setOwner(taskId, principalId, ttlMs, now) {
    await this.sweep(now);
    await this.keep(`o:${taskId}`, [principalId], now + ttlMs);
  }

  /** What is kept under `key` (its end first) while it has not ended, else null. */
  async unexpired(key, now) {
    await this.sweep(now);
    const found = await this.storage.get(key);
    return found !== undefined && found[0] > now ? found : null;
  }

  async owner(taskId, now) {
    return (await this.unexpired(`o:${taskId}`, now))?.[1] ?? null;
  }

  async put(key, value, ttlMs, now) {
    await this.sweep(now);
    await this.keep(`r:${key}`, [value], now + ttlMs);
  }

  async get(key, now) {
    return (await this.unexpired(`r:${key}`, now))?.[1] ?? null;
  }

  async claim(key, ttlMs, now) {
    if ((await this.unexpired(`c:${key}`, now)) !== null) return false;
    await this.keep(`c:${key}`, [], now + ttlMs);
    return true;
  }

  /** What the object holds (reading every key): windows with entries, their entries, owners, records and claims, and index entries. */
  async size() {
    const windows = new Set();
    const held = { windows: 0, entries: 0, owners: 0, records: 0, expiring: 0 };
    for (const key of (await this.storage.list()).keys()) {
      if (key.startsWith("w:")) {
        held.entries++;
        windows.add(key.slice(0, key.lastIndexOf(":")));
      } else if (key.startsWith("o:")) held.owners++;
      else if (key.startsWith("r:") || key.startsWith("c:")) held.records++;
      else if (key.startsWith("x:")) held.expiring++;
    }
    held.windows = windows.size;
    return held;
  }
}

/**
 * A store in the Durable Object `KlingProxyStore`, reached through `namespace` (the worker's
 * binding of that class, such as `env.KLING_STORE`): every operation is one request to the
 * object named `name` (default "kling3"), so every isolate and every worker bound to the
 * namespace shares one budget, one set of rate limits and one record of owners. An operation
 * whose request fails, or that the object refuses, rejects (and the proxy answers 503).
 */
export function durableObjectStore(namespace, { name = "kling3" } = {}) {
  if (namespace === null || typeof namespace !== "object" || typeof namespace.get !== "function" || typeof namespace.idFromName !== "function") {
    throw new TypeError("durableObjectStore: namespace must be a Durable Object namespace binding of the class KlingProxyStore, such as env.KLING_STORE");
  }
  if (typeof name !== "string" || name === "") throw new TypeError('durableObjectStore: name must be a non-empty string such as "kling3"');
  const call = async (op, args) => {
    // A stub for each call: one that has failed may stay broken, and a new one costs nothing.
    let response;
    try {
      const stub = namespace.get(namespace.idFromName(name));
      response = await stub.fetch(`https://store/${op}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ op, args }) });
    } catch (error) {
      throw new Error(`durableObjectStore: the store object could not be reached in ${op}: ${error?.message ?? error}`, { cause: error });
    }
    const text = await response.text();
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!response.ok) {
      const message = typeof value?.error?.message === "string" ? value.error.message : text.slice(0, 200);
      throw new Error(`durableObjectStore: the store object answered ${response.status} to ${op}: ${message}`);
    }
    if (value === undefined) throw new Error(`durableObjectStore: the store object's answer to ${op} is not JSON`);
    return value;
  };
  return {
    reserve: (counts, now) => call("reserve", [counts, now]),
    refund: async (keys, entry) => void (await call("refund", [keys, entry])),
    setOwner: async (taskId, principalId, ttlMs, now) => void (await call("setOwner", [taskId, principalId, ttlMs, now])),
    owner: (taskId, now) => call("owner", [taskId, now]),
    put: async (key, value, ttlMs, now) => void (await call("put", [key, value, ttlMs, now])),
    get: (key, now) => call("get", [key, now]),
    claim: (key, ttlMs, now) => call("claim", [key, ttlMs, now]),
    /** What the object holds (it reads every key, so mind a large store): as `memoryStore().size()`, with the index entries the sweep reads as `expiring`. */
    size: () => call("size", []),
  };
}
