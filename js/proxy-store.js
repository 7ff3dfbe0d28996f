// Where the proxy keeps what it counts and records: the credits and creates in sliding windows,
// which user created each task, and (with callbacks) what it knows of each task. Every operation is one atomic step on the store's data, so
// a store shared by several processes or isolates (a Redis script, a Durable Object method)
// gives them one budget that concurrent requests cannot overshoot together. `memoryStore()` is
// the default: it holds one process's (or isolate's) counts.

/** How often, at most, the memory store drops expired window entries and ownership records. */
const SWEEP_EVERY_MS = 60_000;

/** The operations a store has; `createProxyHandler` refuses a `store` missing one. */
export const STORE_OPERATIONS = ["reserve", "refund", "setOwner", "owner"];

/** The operations callbacks need besides: records with an expiry, and a claim taken once. */
export const CALLBACK_OPERATIONS = ["put", "get", "claim"];

/**
 * In how long enough of a full window will have left it for `amount` to fit: the window's live
 * `entries` (`{ until, amount }`, in order of `until`) hold `spent`. Null (never) when the
 * amount exceeds the limit itself. Every store's rule: the Redis store reads it from the entries
 * its script answers a refusal with.
 */
export function fitsAfterMs(entries, spent, amount, limit, now) {
  if (amount > limit) return null;
  let left = spent;
  for (const e of entries) {
    left -= e.amount;
    if (left + amount <= limit) return e.until - now;
  }
  return null;
}

/**
 * A store in this process's memory. It holds the entries of each sliding window (time, amount,
 * id), dropped when they leave their window, and each task's owner until its `ttlMs` is over.
 * No timer runs: at most once a minute an operation sweeps out everything expired, so memory
 * holds what is live plus at most a minute of expired entries.
 */
export function memoryStore() {
  // key → { entries: [{ id, until, amount }] in order of expiry, spent: the sum of their
  // amounts }: kept as entries come and go, so a create costs the same however full the window.
  const windows = new Map();
  const owners = new Map(); // taskId → { principalId, until }
  const records = new Map(); // key → { value, until }: put's records and claims
  let nextId = 0;
  let sweptAt = -Infinity;
  const EMPTY = { entries: [], spent: 0 };

  const live = (key, now) => {
    const window = windows.get(key);
    if (window === undefined) return EMPTY;
    const { entries } = window;
    while (entries.length > 0 && entries[0].until <= now) window.spent -= entries.shift().amount;
    if (entries.length === 0) windows.delete(key);
    return window;
  };
  const sweep = (now) => {
    if (now - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = now;
    for (const key of [...windows.keys()]) live(key, now);
    for (const [taskId, record] of owners) if (record.until <= now) owners.delete(taskId);
    for (const [key, record] of records) if (record.until <= now) records.delete(key);
  };
  const record = (key, now) => {
    const found = records.get(key);
    return found !== undefined && found.until > now ? found.value : null;
  };

  return {
    async reserve(counts, now) {
      sweep(now);
      for (let i = 0; i < counts.length; i++) {
        const { key, amount, limit } = counts[i];
        const { entries, spent } = live(key, now);
        if (spent + amount <= limit) continue;
        return { ok: false, refused: i, spent, retryAfterMs: fitsAfterMs(entries, spent, amount, limit, now) };
      }
      const entry = String(nextId++);
      for (const { key, amount, windowMs } of counts) {
        let window = windows.get(key);
        if (window === undefined) windows.set(key, (window = { entries: [], spent: 0 }));
        const { entries } = window;
        entries.push({ id: entry, until: now + windowMs, amount });
        window.spent += amount;
        // Kept in order of expiry, as `live` and the retry time read them.
        for (let j = entries.length - 1; j > 0 && entries[j - 1].until > entries[j].until; j--) {
          [entries[j - 1], entries[j]] = [entries[j], entries[j - 1]];
        }
      }
      return { ok: true, entry };
    },
    async refund(keys, entry) {
      for (const key of keys) {
        const window = windows.get(key);
        if (window === undefined) continue;
        // The newest entry is the likeliest: a create is refunded as soon as the API refuses it.
        const i = window.entries.findLastIndex((e) => e.id === entry);
        if (i >= 0) window.spent -= window.entries.splice(i, 1)[0].amount;
        if (window.entries.length === 0) windows.delete(key);
      }
    },
    async setOwner(taskId, principalId, ttlMs, now) {
      sweep(now);
      owners.set(taskId, { principalId, until: now + ttlMs });
    },
    async owner(taskId, now) {
      sweep(now);
      const record = owners.get(taskId);
      return record !== undefined && record.until > now ? record.principalId : null;
    },
    async put(key, value, ttlMs, now) {
      sweep(now);
      records.set(key, { value, until: now + ttlMs });
    },
    async get(key, now) {
      sweep(now);
      return record(key, now);
    },
    async claim(key, ttlMs, now) {
      sweep(now);
      if (record(key, now) !== null) return false;
      records.set(key, { value: "", until: now + ttlMs });
      return true;
    },
    /** What the store holds: the keys with live windows, their entries, ownership records, and put's records and claims. */
    size() {
      let entries = 0;
      for (const window of windows.values()) entries += window.entries.length;
      return { windows: windows.size, entries, owners: owners.size, records: records.size };
    },
  };
}
