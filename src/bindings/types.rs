//! The TypeScript declarations that no Rust type gives: the loose input type the functions
//! take, the normalized body, and a task's `raw`. The option and result types come from the
//! Rust types themselves (tsify, `cargo run --example typescript --features ts`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_EXTRA: &'static str = r#"
/** A request body as `normalizeRequest` returns it: every default explicit, unknown fields kept. */
export type NormalizedRequest = KlingRequest &
  Required<Pick<KlingRequest, "model" | "mode" | "duration" | "aspect_ratio" | "sound">> & { [field: string]: unknown };
export interface Task {
  /** The response body the task was read from. */
  raw: unknown;
}
/**
 * What the functions take: a request as the API documents it, typed loosely enough that a body
 * copied from the docs, or built in a variable, type-checks as it is (the documented values are
 * suggested, any string is accepted, and the package checks every value), with unknown fields
 * passed through. `KlingRequest` is the strict type, for code that wants the values checked.
 */
export type RequestInput =
  | KlingRequest
  | ({ [F in keyof KlingRequest]?: KlingRequest[F] | (NonNullable<KlingRequest[F]> extends string ? string & {} : never) } & {
      [field: string]: unknown;
    });
/** Options of `buildRequest`. */
export interface BuildOptions {
  /** The API key (`aio_...`); without it no Authorization header is set (a proxy adds it). */
  apiKey?: string;
  /** Default `https://apiin.one/api/v1`; a path such as `/api/v1` for a same-origin proxy. */
  baseUrl?: string;
}
/** Options of `new KlingClient()`. */
export interface ClientOptions {
  /** The API key (`aio_...`). Leave it out when a same-origin proxy adds it. */
  apiKey?: string;
  /** Default `https://apiin.one/api/v1`; a path such as `/api/v1` for a same-origin proxy. */
  baseUrl?: string;
  /**
   * Replaces the global fetch (edge runtimes, tests). It is called as the global one is,
   * `fetch(input, init)`: `input` a `Request` (whose text is its URL), or the URL itself for a
   * path such as `/api/v1` outside a page; `init` the same method, headers (a plain object),
   * body, signal and redirect mode. It must resolve to a `Response`, or to an object shaped
   * like one, as test doubles often are.
   */
  fetch?(input: Request | string, init: RequestInit & { headers: Record<string, string> }): Promise<Response | ResponseLike>;
  /** Tries after the first for a GET that met a network error, 429 or 5xx (default 2). */
  maxRetries?: number;
  /** Time limit of each HTTP request in ms (default 30000). */
  timeoutMs?: number;
}
/** What a test double of fetch may resolve to instead of a `Response`: read as one. */
export type ResponseLike = {
  /** From 200 to 599; 200 when left out, unless `ok` is false (then it is refused). */
  status?: number;
  ok?: boolean;
  /** `Retry-After` and `retry-after-ms` are read from it. */
  headers?: { get(name: string): string | null } | Record<string, string>;
} & ({ text(): Promise<string> | string } | { json(): Promise<unknown> | unknown });
/** Options of `getTask`. */
export interface RequestOptions {
  signal?: AbortSignal;
}
/** Options of `createTask`. */
export interface CreateTaskOptions extends RequestOptions {
  /** Sent as `callback_url`: the provider POSTs the finished task there. */
  callbackUrl?: string;
  /**
   * Sent as the `Idempotency-Key` header (1 to 255 printable ASCII characters, a UUID say):
   * the sandbox and servers that honour it create one task per key however often the POST
   * arrives. The real API does not document it; the client still never re-sends a POST itself.
   */
  idempotencyKey?: string;
}
/** What `onProgress` gets after each poll. */
export interface Progress {
  taskId: string;
  status: Status;
  elapsedMs: number;
  polls: number;
  task: Task;
}
/** Options of `waitForTask`. */
export interface WaitOptions extends RequestOptions {
  /** Give up waiting after this many ms (default 15 minutes) with a `TimeoutError`. */
  timeoutMs?: number;
  /** Poll at this fixed interval instead of the adaptive schedule. */
  pollIntervalMs?: number;
  onProgress?: (progress: Progress) => void;
}
/** Options of `generate`. */
export interface GenerateOptions extends WaitOptions {
  callbackUrl?: string;
  idempotencyKey?: string;
}
/** Options of `toCurl`. */
export interface CurlOptions {
  /** Write `$KLING_API_KEY` instead of the key (default true). */
  redactKey?: boolean;
}
/** A language `toSnippet` writes: curl, the package's client, plain `fetch`, or Python `requests`. */
export type SnippetLanguage = "curl" | "js" | "fetch" | "python";
/** Options of `toSnippet`. */
export interface SnippetOptions {
  language: SnippetLanguage;
  /** Read the key from the environment variable `KLING_API_KEY` instead of writing it (default true). */
  redactKey?: boolean;
}
"#;
