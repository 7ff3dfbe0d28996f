/** Options of `createProxyHandler`. */
export interface ProxyOptions {
  /**
   * The API key (`aio_...`); it stays on the server. Required: `undefined` (such as
   * `process.env.KLING_API_KEY` unset) throws when the handler is made, saying so.
   */
  apiKey: string | undefined;
  /** The API's base URL (default `https://apiin.one/api/v1`). */
  upstream?: string;
  /**
   * Where the handler is mounted (default `/api/v1`): it answers exactly
   * `POST {basePath}/videos/generations` and `GET {basePath}/tasks/{id}`; any other path is a
   * 404, another method a 405. `""` mounts it at the root.
   */
  basePath?: string;
  /** Refuse (HTTP 403, type `credit_cap`) tasks that cost more credits than this. */
  maxCreditsPerTask?: number;
  /**
   * A spend budget: refuse (HTTP 403, type `budget_exceeded`, with `Retry-After` when waiting
   * helps) a task that would take the credits forwarded within the last `windowMs` over this.
   * Priced with the package's `estimateCost`; a task the API refuses (4xx) is not counted, one
   * whose answer is lost is. Over all users together. Counted in the `store`: with the default
   * `memoryStore()`, per process (Node, Bun, Deno) or per isolate (Workers, where each isolate
   * has its own count); with `redisStore()`, over every instance sharing the Redis; with
   * `durableObjectStore()`, over every isolate and worker sharing the Durable Object.
   */
  maxCreditsPerWindow?: number;
  /** The budget's sliding window in ms (default 3 600 000: one hour). */
  windowMs?: number;
  /**
   * Browser origins that may call the proxy, or `["*"]`; default: the proxy's own origin only
   * (as the request's URL gives it). Behind a front server that ends TLS, the handler sees
   * `http://`: list your page's origin, such as `["https://app.example.com"]`.
   */
  allowedOrigins?: string[];
  /**
   * The host names the proxy answers to (any port); others get a 403 (type
   * `host_not_allowed`). Default: any. Set it to your domain (`["app.example.com"]`) wherever
   * the handler can be reached by address (a machine, a LAN, localhost), so a page whose name
   * is rebound to that address cannot pass as same-origin.
   */
  allowedHosts?: string[];
  /** The largest request body, in bytes, read before answering 413 (default 1 000 000). */
  maxBodyBytes?: number;
  /** How long a request body may take to arrive before a 408 (default 5000 ms). */
  bodyTimeoutMs?: number;
  /** How long the API may take to answer before a 504 (default the client's 30 000 ms). */
  upstreamTimeoutMs?: number;
  /** Replaces the global fetch used to reach the API. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /**
   * Who is asking, before any body is read: a principal, or null for a 401 (type
   * `unauthorized`; a thrown error is a 401 too, its message only in the server's log). What is
   * not a principal is a 500 (type `invalid_principal`), with the reason in the server's log.
   * Without it, the proxy is open to anyone who can reach it: every caller is one user.
   * A preflight (`OPTIONS`) is answered without it, and allows the `Authorization` header.
   */
  authorize?: (request: Request) => Promise<Principal | null> | Principal | null;
  /**
   * Each user's budget: refuse (HTTP 403, type `user_budget_exceeded`, with `Retry-After` when
   * waiting helps) a task that would take the credits this user had forwarded in the last
   * `windowMs` over this. A principal's own `maxCreditsPerWindow` replaces it.
   */
  maxUserCreditsPerWindow?: number;
  /**
   * Each user's creates in any minute: one more is a 429 (type `create_rate_exceeded`) with
   * `Retry-After` the seconds until one fits. Counts the creates forwarded, whatever the API
   * answered. A principal's own `maxCreatesPerMinute` replaces it.
   */
  maxCreatesPerMinute?: number;
  /**
   * How long the proxy remembers who created a task (default 604 800 000 ms: one week); past
   * it, a poll for the task is a 404 (type `task_not_found`), even to its creator.
   */
  ownershipTtlMs?: number;
  /** Where budgets, rate limits and owners are kept (default `memoryStore()`). */
  store?: ProxyStore;
  /**
   * Callbacks instead of polls. Each create's `callback_url` is set to a URL of the proxy's
   * own, `{publicUrl}/callbacks/{ref}/{token}`, where the token is an HMAC-SHA-256 of the
   * reference under `secret`; the handler answers `POST {basePath}/callbacks/…` (a URL it did
   * not make is a 404, unread). A callback's body is not believed: the proxy reads the task
   * again with one GET, keeps its final state in the `store` (which then needs `put`, `get`
   * and `claim`), takes a repeated callback once, and calls `onTaskDone`. Polls for the task
   * are answered from the store, with no request to the API: its final state once known, until
   * then the task as the create's answer gave it; the proxy itself asks the API at most once a
   * minute from the create (`clientDefaults().safetyPollMs`), in case a callback is lost. A
   * create that names its own `callback_url` is a 400: the proxy never sends a request to a URL
   * a user gave.
   */
  callbacks?: {
    /**
     * Where the API reaches the handler's `basePath`, such as `https://app.example.com/api/v1`
     * (http(s), no query, its path ending with `basePath`, its host one of `allowedHosts` when
     * given). Behind a front server, the public name, not the internal one.
     */
    publicUrl: string;
    /** At least 32 characters, kept on the server (such as 32 random bytes as hex). */
    secret: string;
  };
  /**
   * Called at most once per task (over every instance sharing the store) when a callback or
   * the proxy's own read finds it ended (or, if the instance that kept the end stopped before
   * the call, at the next callback or poll): the package's task (`status` `"succeeded"` or
   * `"failed"`, `videoUrl`, `raw`...) and the principal that created it, as `authorize` gave it
   * and the store kept it (JSON), or null without `authorize`. Awaited; what it throws goes to
   * the server's log, and it is not called again. Needs `callbacks`.
   */
  onTaskDone?: (task: import("./index.js").Task, principal: Principal | null) => void | Promise<void>;
  /**
   * Given each create's work (the API's answer read, a refused create's credits given back,
   * the task's owner recorded), so that it goes on after the browser hangs up, where the
   * runtime would otherwise end it: on Cloudflare Workers, `waitUntil` from
   * `"cloudflare:workers"`; on Vercel, `waitUntil` from `@vercel/functions`. Node, Deno and
   * Bun finish the work without it.
   */
  waitUntil?: (work: Promise<unknown>) => void;
}

/** A signed-in user, as `authorize` names them; the limits replace the handler's for this user. */
export interface Principal {
  /** Who this is (a user id, an email): budgets, limits and tasks are counted by it. */
  id: string;
  /** This user's budget over `windowMs`, in place of `maxUserCreditsPerWindow`. */
  maxCreditsPerWindow?: number;
  /** This user's credit cap per task, in place of the handler's `maxCreditsPerTask`. */
  maxCreditsPerTask?: number;
  /** This user's creates in any minute, in place of the handler's `maxCreatesPerMinute`. */
  maxCreatesPerMinute?: number;
}

/** One sliding window that a reservation adds `amount` to, if it stays within `limit`. */
export interface WindowCount {
  /**
   * The window's name: `"credits"` (everyone), `"credits:user:{id}"`, `"creates:user:{id}"`
   * (without `authorize`, `"credits:anyone"`, `"creates:anyone"`).
   */
  key: string;
  amount: number;
  limit: number;
  /** How long the amount counts, from `now`. */
  windowMs: number;
}

/** A reservation's result: `entry` names it for `refund`; a refusal names the first full window. */
export type Reservation =
  | { ok: true; entry: string }
  | {
    ok: false;
    /** The index in `counts` of the first window that would go over its limit. */
    refused: number;
    /** What that window holds now. */
    spent: number;
    /** In how long enough will have left that window for the amount to fit; null if never. */
    retryAfterMs: number | null;
  };

/**
 * Where the proxy keeps its counts and records. Each operation is one atomic step on the
 * store's data (a Redis Lua script, a Durable Object method), so instances sharing a store
 * share one budget that concurrent creates cannot overshoot. `now` is the caller's clock in ms.
 */
export interface ProxyStore {
  /**
   * All or nothing: unless some window would go over its limit, adds each `amount` at `now`
   * to its window (where it counts until `now + windowMs`). Entries that have left their
   * window no longer count and may be dropped.
   */
  reserve(counts: WindowCount[], now: number): Promise<Reservation>;
  /** Takes a reservation's amounts back out of the windows `keys` (no-op if gone). */
  refund(keys: string[], entry: string): Promise<void>;
  /** Records who created a task, until `now + ttlMs`. */
  setOwner(taskId: string, principalId: string, ttlMs: number, now: number): Promise<void>;
  /** Who created a task, or null when unknown or expired. */
  owner(taskId: string, now: number): Promise<string | null>;
  /**
   * Keeps `value` under `key` until `now + ttlMs`, in place of what was there. Needed with
   * `callbacks` (what the proxy knows of each task), as are `get` and `claim`.
   */
  put?(key: string, value: string, ttlMs: number, now: number): Promise<void>;
  /** What `put` kept under `key`, or null when nothing is, or it expired. */
  get?(key: string, now: number): Promise<string | null>;
  /**
   * Takes the claim `key` until `now + ttlMs` and resolves true, unless it is already held
   * (then false): of concurrent claimers, exactly one wins. Claims and `put`'s records may
   * share a store but not keys.
   */
  claim?(key: string, ttlMs: number, now: number): Promise<boolean>;
}

/**
 * The default store, in this process's (or isolate's) memory. No timer runs: at most once a
 * minute an operation drops every expired window entry and ownership record.
 */
export declare function memoryStore(): ProxyStore & {
  /** What it holds: keys with live windows, their entries, ownership records, and records and claims. */
  size(): { windows: number; entries: number; owners: number; records: number };
};

/**
 * A store on Redis, shared by every process or instance that points at the same server: one
 * budget, one set of rate limits and owners for all of them. `reserve`, `refund` and `claim`
 * are Lua scripts, ownership and records a `SET … PX` and a `GET`, so each operation is one atomic step and
 * concurrent creates on several instances cannot overshoot together. Needs the npm package
 * `redis` (`npm install redis`), loaded at the first operation, which also opens the
 * connection; while Redis cannot be reached, creates and polls are refused with a 503.
 */
export declare function redisStore(options: {
  /** Such as `redis://localhost:6379` or `rediss://user:password@host:6380`. */
  url: string;
  /**
   * Put before every key (default `"kling3:"`). On Redis Cluster, use a hash tag such as
   * `"{kling3}:"`, so that the keys a script touches share one slot.
   */
  prefix?: string;
}): ProxyStore & {
  /** Ends the connection, once the commands sent are answered; later operations are refused. */
  close(): Promise<void>;
};

/**
 * What `durableObjectStore` needs of a Durable Object namespace binding (such as
 * `env.KLING_STORE`, bound to the class `KlingProxyStore`): Cloudflare's
 * `DurableObjectNamespace` has this shape, so no Workers types are needed.
 */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: any): { fetch(input: string, init: RequestInit): Promise<Response> };
}

/**
 * A store in the Durable Object `KlingProxyStore`, for a worker's isolates (and every worker
 * bound to the same namespace) sharing one budget, one set of rate limits and one record of
 * owners. Each operation is one request to the one object named `name`, where it is one atomic
 * step (it awaits only the object's storage, whose input gate lets no other request in between).
 * An operation whose request fails, or that the object refuses, rejects: the proxy then refuses
 * creates and polls with a 503 (type `store_unavailable`). Throws a TypeError when `namespace`
 * is not a namespace binding, or `name` not a non-empty string.
 */
export declare function durableObjectStore(
  namespace: DurableObjectNamespaceLike,
  options?: {
    /** The object's name (default `"kling3"`): stores of the same name share everything. */
    name?: string;
  },
): ProxyStore & {
  /**
   * What the object holds, as `memoryStore().size()`, and `expiring`: the entries of its
   * index of what ends when, which the sweep reads. It reads every key: for tests and checks.
   */
  size(): Promise<{ windows: number; entries: number; owners: number; records: number; expiring: number }>;
};

/**
 * The Durable Object that `durableObjectStore` calls: export it from the worker's entry (`export
 * { KlingProxyStore } from "kling3-wasm/proxy"`) and bind it as a Durable Object namespace
 * (a migration with `new_classes = ["KlingProxyStore"]`). It keeps the counts and records in
 * its storage and answers `POST` requests of `{ op, args }` (the store's operations) with the
 * result as JSON; a request it cannot take is a 400 or 405, a failing storage a 500. At most
 * once a minute an operation drops what has expired, so storage holds what is live plus at most
 * a minute of what has ended.
 */
export declare class KlingProxyStore {
  /** The runtime makes it, with the object's state (its `storage`) and the worker's env. */
  constructor(state: { storage: unknown }, env: unknown);
  fetch(request: Request): Promise<Response>;
}

/**
 * A fetch handler (Request → Response) that forwards `POST …/videos/generations` and
 * `GET …/tasks/{id}` to the API with the key added, after validating and pricing new tasks.
 * A create's `Idempotency-Key` header (1–255 printable ASCII characters) is passed on as is;
 * the sandbox honours it, the real API is not documented to.
 */
export declare function createProxyHandler(options: ProxyOptions): (request: Request) => Promise<Response>;

/** What the Node adapter reads of Node's (or Express's) request: `http.IncomingMessage` is one. */
export interface NodeRequest {
  method?: string;
  url?: string;
  /** Express's: the URL before a router took its mount path off `url`. */
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** What the Node adapter writes to: `http.ServerResponse` is one. */
export interface NodeResponse {
  on(event: string, listener: (...args: any[]) => void): unknown;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: Uint8Array): unknown;
}

/**
 * A fetch handler (such as `createProxyHandler`'s) as a Node request listener:
 * `http.createServer(toNodeHandler(handle)).listen(8080)`, or
 * `app.all("/api/v1/*", toNodeHandler(handle))` in Express. The request's signal aborts when
 * the client goes before its answer; a handler that throws is a 502 in the API's error shape.
 */
export declare function toNodeHandler(
  handler: (request: Request) => Response | Promise<Response>,
): (req: NodeRequest, res: NodeResponse) => Promise<void>;
