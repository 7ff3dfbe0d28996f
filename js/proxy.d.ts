/** Options of `createProxyHandler`. */
export interface ProxyOptions {
  /** The API key (`aio_...`); it stays on the server. */
  apiKey: string;
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
   * whose answer is lost is. Counted in memory by this handler alone: per process (Node, Bun,
   * Deno) or per isolate (Workers, where each isolate has its own count).
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
}

/**
 * A fetch handler (Request → Response) that forwards `POST …/videos/generations` and
 * `GET …/tasks/{id}` to the API with the key added, after validating and pricing new tasks.
 * A create's `Idempotency-Key` header (1–255 printable ASCII characters) is passed on as is;
 * the sandbox honours it, the real API is not documented to.
 */
export declare function createProxyHandler(options: ProxyOptions): (request: Request) => Promise<Response>;
