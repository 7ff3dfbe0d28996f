//! The shapes of the options the package's functions and client take, and of what `onProgress`
//! and `attemptVerdict` get, as TypeScript declarations (built with the `ts` feature only: tsify
//! writes them from these types). The rules that read the options are the core's
//! ([`crate::calls`], [`crate::wire`], [`crate::snippet`], [`crate::verdict`]); their default
//! numbers are `clientDefaults()`'s, named here, never written again.

use serde_json::Value;
use tsify::Tsify;

use crate::task::{Status, Task};

/// Options of `new KlingClient()`.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ClientOptions {
    /// The API key (`aio_...`). Leave it out when a same-origin proxy adds it.
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// Where requests go (default `clientDefaults().baseUrl`); a path such as `/api/v1` for a
    /// same-origin proxy.
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Replaces the global fetch (edge runtimes, tests). It is called as `fetch(url, init)`:
    /// `url` a string, `init` the method, headers (a plain object), body, signal, redirect and
    /// cache mode. It must resolve to a genuine `Response` (a test double: `new Response(body,
    /// { status, headers })`); anything else fails the request with a `network_error`.
    #[tsify(
        optional,
        type = "(url: string, init: RequestInit & { headers: Record<string, string> }) => Promise<Response>"
    )]
    pub fetch: Option<Value>,
    /// Tries after the first for a GET that met a network error, 429 or 5xx, and for a create
    /// answered 429 (default `clientDefaults().maxRetries`).
    #[tsify(optional)]
    pub max_retries: Option<u32>,
    /// Time limit of each HTTP request in ms (default `clientDefaults().requestTimeoutMs`).
    #[tsify(optional)]
    pub timeout_ms: Option<u32>,
}

/// Options of `buildRequest`.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct BuildOptions {
    /// The API key (`aio_...`); without it no Authorization header is set (a proxy adds it).
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// Default `clientDefaults().baseUrl`; a path such as `/api/v1` for a same-origin proxy.
    #[tsify(optional)]
    pub base_url: Option<String>,
}

/// Options of `getTask`.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RequestOptions {
    /// Aborting it rejects the call at once, with its reason.
    #[tsify(optional, type = "AbortSignal")]
    pub signal: Option<Value>,
}

/// What a create sends besides the request.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CreateOptions {
    /// Sent as `callback_url`: the provider POSTs the finished task there.
    #[tsify(optional)]
    pub callback_url: Option<String>,
    /// Sent as the `Idempotency-Key` header (1 to 255 printable ASCII characters, a UUID say):
    /// the sandbox and servers that honour it create one task per key however often the POST
    /// arrives. The real API does not document it; the client still never re-sends a POST itself.
    #[tsify(optional)]
    pub idempotency_key: Option<String>,
}

/// Options of `createTask`.
#[derive(Tsify)]
pub struct CreateTaskOptions {
    #[serde(flatten)]
    pub request: RequestOptions,
    #[serde(flatten)]
    pub create: CreateOptions,
}

/// Options of `waitForTask`.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct WaitOptions {
    #[serde(flatten)]
    pub request: RequestOptions,
    /// Give up waiting after this many ms (default `clientDefaults().waitTimeoutMs`) with a
    /// `TimeoutError`.
    #[tsify(optional)]
    pub timeout_ms: Option<u32>,
    /// Poll at this fixed interval (at least `clientDefaults().minPollIntervalMs`) instead of the
    /// adaptive schedule.
    #[tsify(optional)]
    pub poll_interval_ms: Option<u32>,
    /// Called after each poll; a promise it returns is waited for, and a rejection (or a throw)
    /// rejects the wait.
    #[tsify(optional, type = "(progress: Progress) => void | Promise<unknown>")]
    pub on_progress: Option<Value>,
    /// Given, a poll that failed (its own retries spent) in a way a later one may not
    /// (`retryable`) does not end the wait: it is told here, and the wait goes on until
    /// `timeoutMs` (once the client has reached a server). Without it, such a poll ends the
    /// wait. A promise it returns is waited for; a rejection (or a throw) rejects the wait.
    #[tsify(optional, type = "(error: KlingError) => void | Promise<unknown>")]
    pub on_poll_error: Option<Value>,
}

/// Options of `generate`.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct GenerateOptions {
    #[serde(flatten)]
    pub wait: WaitOptions,
    #[serde(flatten)]
    pub create: CreateOptions,
    /// Called with the created task (as `createTask` resolves it) before the wait, so that its
    /// id is kept whatever happens next (an abort rejects with the signal's reason, which has
    /// none). A promise it returns is waited for, within `timeoutMs`; a rejection (or a throw)
    /// rejects `generate`.
    #[tsify(optional, type = "(task: Task) => void | Promise<unknown>")]
    pub on_created: Option<Value>,
}

/// What `onProgress` gets after each poll.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub task_id: String,
    pub status: Status,
    /// Since the wait began.
    pub elapsed_ms: f64,
    /// The polls so far, this one included.
    pub polls: u32,
    pub task: Task,
}

/// Options of `toCurl`.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CurlOptions {
    /// Write `$KLING_API_KEY` instead of the key (default true).
    #[tsify(optional)]
    pub redact_key: Option<bool>,
}

/// Options of `toSnippet`.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SnippetOptions {
    pub language: crate::snippet::SnippetLanguage,
    /// Read the key from the environment variable `KLING_API_KEY` instead of writing it
    /// (default true).
    #[tsify(optional)]
    pub redact_key: Option<bool>,
}

/// What `attemptVerdict` takes: an answer a server got, and where the client's tries stand.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AttemptAnswer {
    /// The request's method: a create is `"POST"`, reading a task `"GET"`.
    #[tsify(type = "\"GET\" | \"POST\"")]
    pub method: String,
    /// The answer's HTTP status (0 for a redirect a browser does not show).
    pub status: u16,
    /// The answer's headers: `Retry-After` and `retry-after-ms` are read.
    #[tsify(optional, type = "Headers | Record<string, string>")]
    pub headers: Option<Value>,
    /// The answer's body.
    pub text: String,
    /// The retries already made (default 0).
    #[tsify(optional)]
    pub retries: Option<u32>,
    /// The most retries (default `clientDefaults().maxRetries`).
    #[tsify(optional)]
    pub max_retries: Option<u32>,
    /// The task asked for, for a GET.
    #[tsify(optional)]
    pub task_id: Option<String>,
    /// The backoff's random number in `[0, 1)` (default `Math.random()`).
    #[tsify(optional)]
    pub random: Option<f64>,
}
