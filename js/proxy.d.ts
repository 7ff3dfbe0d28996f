/** Options of `createProxyHandler`. */
export interface ProxyOptions {
  /** The API key (`aio_...`); it stays on the server. */
  apiKey: string;
  /** The API's base URL (default `https://apiin.one/api/v1`). */
  upstream?: string;
  /** Refuse (HTTP 403, type `credit_cap`) tasks that cost more credits than this. */
  maxCreditsPerTask?: number;
  /** Browser origins that may call the proxy, or `["*"]`; default: the proxy's own origin only. */
  allowedOrigins?: string[];
  /** Replaces the global fetch used to reach the API. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * A fetch handler (Request → Response) that forwards `POST …/videos/generations` and
 * `GET …/tasks/{id}` to the API with the key added, after validating and pricing new tasks.
 */
export declare function createProxyHandler(options: ProxyOptions): (request: Request) => Promise<Response>;
