//! What one attempt at a request came to: the task, the wait before trying again, or a failure
//! with the facts a caller acts on (whether a create may have made the task, whether the same
//! call may well succeed later, what to do). One pure function of the answer (or of why none
//! came), the method, the retry count and a random number: the client applies its verdict, and
//! the proxy and the page read the same verdict (`attemptVerdict`) instead of working it out
//! again.

use crate::calls::read_answer;
use crate::calls::Refusal;
use crate::response::ApiFailure;
use crate::schedule::{is_retryable, next_retry_delay, Method, Outcome, LONGEST_MEANT_RETRY_AFTER_MS};
use crate::task::Task;

/// What came back from one attempt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Answer<'a> {
    /// An HTTP answer: its status, the wait its `Retry-After` or `retry-after-ms` header asked
    /// for (read by [`crate::schedule`]), and its body's text.
    Http { status: u16, retry_after_ms: Option<u64>, text: &'a str },
    /// No answer came.
    None(NoAnswer<'a>),
}

/// Why no answer came.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NoAnswer<'a> {
    /// The fetch threw or rejected (DNS, a refused connection, CORS...): what it said.
    Network(&'a str),
    /// The fetch resolved to something that is not a `Response`.
    NotAResponse,
    /// The answer's body could not be read: what the stream said.
    BodyUnreadable(&'a str),
    /// The runtime has no fetch to call.
    NoFetch,
    /// The runtime has no `AbortController`, which every request needs.
    NoAbortController,
    /// No answer within the request's time limit, in ms.
    TimedOut(u64),
    /// The caller's signal aborted.
    Aborted,
}

/// The request an attempt was for, and where its tries stand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attempt<'a> {
    pub method: Method,
    /// The request's URL (messages show its path only).
    pub url: &'a str,
    /// The task asked for; `None` for a create.
    pub task_id: Option<&'a str>,
    /// The retries already made.
    pub retries: u32,
    /// The most retries allowed (`maxRetries`).
    pub max_retries: u32,
    /// A random number in `[0, 1)`, for the backoff's jitter.
    pub random: f64,
}

/// What the client does after an attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// The answer is the task.
    Task(Task),
    /// Send the same request again after this many ms.
    Retry { delay_ms: u64 },
    /// The call fails with this.
    Failure(Box<Failure>),
    /// The caller's signal aborted: the call rejects with its reason.
    Aborted,
}

/// The kind of a failure: its stable code, and the JS class it becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The API answered with an error (`ApiError`).
    Api,
    /// A successful answer whose body is empty or not JSON.
    InvalidJson,
    /// A successful answer that is not a task.
    InvalidResponse,
    /// No answer came.
    Network,
    /// No answer in time, or the task did not finish within the wait (`TimeoutError`).
    Timeout,
    /// The task ended in failure (`TaskFailedError`).
    TaskFailed,
}

impl Kind {
    /// The error's `code` (an `ApiError`'s own `code` is then the body's).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Api => "api_error",
            Kind::InvalidJson => "invalid_json",
            Kind::InvalidResponse => "invalid_response",
            Kind::Network => "network_error",
            Kind::Timeout => "timeout",
            Kind::TaskFailed => "task_failed",
        }
    }
}

/// What a caller can do about a failure; [`Hint::text`] says it to a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// A create may have reached the API: the task may exist, and be charged.
    LookBeforeSendingAgain,
    /// The wait ended, not the task: waiting again for this id may see it finish.
    WaitAgain(String),
    /// The same call may well succeed later (the server asked for this wait, when it did).
    TryAgainLater(Option<u64>),
}

impl Hint {
    /// The sentence a page shows.
    ///
    /// ```
    /// use kling3_wasm::attempt::Hint;
    /// assert_eq!(Hint::WaitAgain("t_1".into()).text(), "The task may still finish: call waitForTask(\"t_1\") again.");
    /// ```
    pub fn text(&self) -> String {
        match self {
            Hint::LookBeforeSendingAgain => "The task may have been created (and charged): look for it (the dashboard, or your callback_url) before sending the request again.".into(),
            Hint::WaitAgain(id) => format!("The task may still finish: call waitForTask(\"{id}\") again."),
            Hint::TryAgainLater(Some(ms)) => format!("The same call may well succeed later: try it again in {} s, as the server asked.", ms.div_ceil(1000)),
            Hint::TryAgainLater(None) => "The same call may well succeed later: try it again in a moment.".into(),
        }
    }
}

/// Why a call failed, with every fact a caller acts on. The message says what happened; what
/// to do is in the fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
    /// The answer's HTTP status, when one came.
    pub status: Option<u16>,
    /// The error body's code and type (an API failure).
    pub api: Option<ApiFailure>,
    /// The answer's text (an API failure's body, a failed task's answer).
    pub body: Option<String>,
    /// The start of a body that could not be read as JSON.
    pub cause: Option<String>,
    /// A create that may have reached the API: the task may exist, and be charged.
    pub may_have_created: bool,
    /// The same call may well succeed later (what the client's own retries were for).
    pub retryable: bool,
    pub hint: Option<Hint>,
    /// The task the call was about, when known.
    pub task_id: Option<String>,
    /// The wait the server asked for.
    pub retry_after_ms: Option<u64>,
    /// The task as last read (a failed task).
    pub task: Option<Task>,
}

impl Failure {
    /// A failure of `kind` with `message` and no other fact.
    pub fn new(kind: Kind, message: String) -> Failure {
        Failure {
            kind,
            message,
            status: None,
            api: None,
            body: None,
            cause: None,
            may_have_created: false,
            retryable: false,
            hint: None,
            task_id: None,
            retry_after_ms: None,
            task: None,
        }
    }
}

/// How many characters of an unreadable body a failure keeps as its `cause`.
const CAUSE_CHARS: usize = 200;

/// The method's name, as HTTP writes it.
pub fn verb(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
    }
}

/// A URL for messages: without its query string or fragment, which could carry anything private.
fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// What an attempt came to.
///
/// - An answer that reads as a task is the task.
/// - A request is tried again as [`crate::schedule`] says: a GET on no answer, 429 and the
///   transient 5xx; a POST only on 429, the one answer that says the server did not process
///   it. A GET whose successful answer cannot be read (cut short, an HTML page, an error
///   envelope saying 5xx) is tried again too: reading a task is safe to repeat.
/// - A failed create may have made the task unless the API refused it (a 4xx, also in an HTTP
///   200's envelope): no answer, a timeout, a 5xx, a redirect (a 303 after a POST often means
///   "made, see there"), an unreadable success.
/// - A failure the client's retries were for (no answer, 429, a transient 5xx, an unreadable
///   poll), once they ran out, is `retryable`, unless the call was a create that may have made
///   the task; a wait the server asked for (longer than the client sleeps through, say) is
///   `retry_after_ms`, and the hint names it.
///
/// ```
/// use kling3_wasm::attempt::{settle, Answer, Attempt, NoAnswer, Verdict};
/// use kling3_wasm::schedule::Method;
/// let post = Attempt { method: Method::Post, url: "/api/v1/videos/generations", task_id: None, retries: 0, max_retries: 2, random: 0.5 };
/// let Verdict::Failure(f) = settle(&post, Answer::None(NoAnswer::Network("fetch failed"))) else { panic!() };
/// assert!(f.may_have_created && !f.retryable);
/// assert_eq!(f.message, "POST /api/v1/videos/generations failed before an answer came: fetch failed");
/// ```
pub fn settle(attempt: &Attempt<'_>, answer: Answer<'_>) -> Verdict {
    let post = attempt.method == Method::Post;
    let what = || format!("{} {}", verb(attempt.method), without_query(attempt.url));
    let (mut failure, outcome) = match answer {
        Answer::None(NoAnswer::Aborted) => return Verdict::Aborted,
        Answer::None(NoAnswer::TimedOut(ms)) => {
            (Failure::new(Kind::Timeout, format!("{} got no answer within {ms} ms", what())), Outcome::NetworkError)
        }
        Answer::None(why) => {
            let why = match why {
                NoAnswer::Network(said) => said.to_string(),
                NoAnswer::NotAResponse => "fetch resolved to something that is not a Response (a test double must resolve to a `new Response(body, { status, headers })`)".into(),
                NoAnswer::BodyUnreadable(said) => format!("the answer's body could not be read: {said}"),
                NoAnswer::NoFetch => "this runtime has no fetch".into(),
                NoAnswer::NoAbortController => "this runtime has no AbortController".into(),
                NoAnswer::TimedOut(_) | NoAnswer::Aborted => String::new(),
            };
            (
                Failure::new(Kind::Network, format!("{} failed before an answer came: {why}", what())),
                Outcome::NetworkError,
            )
        }
        Answer::Http { status, retry_after_ms, text } => {
            let parsed = crate::json_text::parse(text).ok();
            match read_answer(status, parsed.as_ref(), text, attempt.task_id) {
                Ok(task) => return Verdict::Task(task),
                Err(refusal) => {
                    let success = (200..300).contains(&status);
                    let outcome = if success && !post && refusal.retryable_for_poll() {
                        Outcome::NetworkError
                    } else {
                        Outcome::Status(status)
                    };
                    (refused(refusal, status, text, retry_after_ms), outcome)
                }
            }
        }
    };
    failure.task_id = attempt.task_id.map(str::to_string);
    let success = matches!(outcome, Outcome::Status(s) if (200..300).contains(&s));
    if !success {
        let (method, retries, max) = (attempt.method, attempt.retries, attempt.max_retries);
        if let Some(ms) = next_retry_delay(method, outcome, retries, max, failure.retry_after_ms, attempt.random) {
            return Verdict::Retry { delay_ms: ms };
        }
    }
    let refused_by_api = matches!(&failure.api, Some(api) if (400..500).contains(&api.status));
    if post && !refused_by_api {
        failure.may_have_created = true;
        failure.hint = Some(Hint::LookBeforeSendingAgain);
    } else if !success && is_retryable(attempt.method, outcome) {
        failure.retryable = true;
        failure.hint = Some(Hint::TryAgainLater(failure.meant_retry_after_ms()));
    }
    Verdict::Failure(Box::new(failure))
}

/// The failure an answer that is not a task stands for.
fn refused(refusal: Refusal, status: u16, text: &str, retry_after_ms: Option<u64>) -> Failure {
    match refusal {
        Refusal::Api(api) => Failure {
            status: Some(status),
            body: Some(text.to_string()),
            retry_after_ms,
            ..Failure::new(Kind::Api, api.message.clone()).with_api(*api)
        },
        Refusal::NotJson(message) => Failure {
            status: Some(status),
            cause: Some(text.chars().take(CAUSE_CHARS).collect()),
            ..Failure::new(Kind::InvalidJson, message)
        },
        Refusal::Invalid(error) => Failure {
            status: Some(status),
            ..Failure::new(
                if error.code() == Kind::InvalidJson.code() { Kind::InvalidJson } else { Kind::InvalidResponse },
                error.message(),
            )
        },
    }
}

impl Failure {
    fn with_api(mut self, api: ApiFailure) -> Failure {
        self.api = Some(api);
        self
    }

    /// The wait the server asked for, when it can be meant (up to
    /// [`LONGEST_MEANT_RETRY_AFTER_MS`]: one of years is the server's mistake).
    pub fn meant_retry_after_ms(&self) -> Option<u64> {
        self.retry_after_ms.filter(|&ms| ms <= LONGEST_MEANT_RETRY_AFTER_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATE: &str = "https://api.test/api/v1/videos/generations";
    const POLL: &str = "https://api.test/api/v1/tasks/t_1?x=1";

    fn post(retries: u32) -> Attempt<'static> {
        Attempt { method: Method::Post, url: CREATE, task_id: None, retries, max_retries: 2, random: 0.5 }
    }

    fn get(retries: u32) -> Attempt<'static> {
        Attempt { method: Method::Get, url: POLL, task_id: Some("t_1"), retries, max_retries: 2, random: 0.5 }
    }

    fn http(status: u16, text: &str) -> Answer<'_> {
        Answer::Http { status, retry_after_ms: None, text }
    }

    fn waiting(status: u16, ms: u64, text: &str) -> Answer<'_> {
        Answer::Http { status, retry_after_ms: Some(ms), text }
    }

    fn failure(verdict: Verdict) -> Failure {
        match verdict {
            Verdict::Failure(f) => *f,
            other => panic!("not a failure: {other:?}"),
        }
    }

    const TASK: &str = r#"{"code":200,"data":{"task_id":"t_1","status":"IN_PROGRESS"}}"#;
    const HTML: &str = "<!DOCTYPE html><html>Bad Gateway</html>";
    const REFUSED: &str = r#"{"error":{"code":400,"message":"Invalid parameters","type":"invalid_request"}}"#;

    /// What a verdict says, in a few words: "task", "retry after N", or the failure's
    /// `code may_have_created retryable`.
    fn said(verdict: Verdict) -> String {
        match verdict {
            Verdict::Task(_) => "task".into(),
            Verdict::Retry { delay_ms } => format!("retry after {delay_ms}"),
            Verdict::Aborted => "aborted".into(),
            Verdict::Failure(f) => {
                let mut words = vec![f.kind.code()];
                if f.may_have_created {
                    words.push("may have created");
                }
                if f.retryable {
                    words.push("retryable");
                }
                words.join(", ")
            }
        }
    }

    #[test]
    fn each_rule_of_an_attempt() {
        let network = Answer::None(NoAnswer::Network("fetch failed"));
        let timed_out = Answer::None(NoAnswer::TimedOut(100));
        let aborted = Answer::None(NoAnswer::Aborted);
        let rows: Vec<(&str, Attempt, Answer, &str)> = vec![
            ("a POST answered with a task is the task", post(0), http(200, TASK), "task"),
            ("a GET answered with a task is the task", get(0), http(200, TASK), "task"),
            (
                "a POST that got no answer may have created the task",
                post(0),
                network,
                "network_error, may have created",
            ),
            ("a POST that timed out may have created the task", post(0), timed_out, "timeout, may have created"),
            ("a POST met by a 500 may have created the task", post(0), http(500, "{}"), "api_error, may have created"),
            (
                "a POST met by a 502 HTML page may have created the task",
                post(0),
                http(502, HTML),
                "api_error, may have created",
            ),
            ("a 303 after a POST may have created it", post(0), http(303, ""), "api_error, may have created"),
            (
                "an opaque redirect (status 0) after a POST may have created it",
                post(0),
                http(0, ""),
                "api_error, may have created",
            ),
            (
                "an unreadable 200 on a POST may have created the task",
                post(0),
                http(200, "{\"code\":2"),
                "invalid_json, may have created",
            ),
            (
                "a 200 without a task id on a POST may have created the task",
                post(0),
                http(200, r#"{"data":{}}"#),
                "invalid_response, may have created",
            ),
            ("a 400 on a POST did not create the task", post(0), http(400, REFUSED), "api_error"),
            ("a 401 on a POST did not create the task", post(0), http(401, "{}"), "api_error"),
            (
                "a 402 in an HTTP 200's envelope did not create the task",
                post(0),
                http(200, r#"{"code":402,"message":"no credits"}"#),
                "api_error",
            ),
            (
                "a 500 in an HTTP 200's envelope on a POST may have created it",
                post(0),
                http(200, r#"{"code":500}"#),
                "api_error, may have created",
            ),
            ("a 429 on a POST is retried after Retry-After", post(0), waiting(429, 3000, "{}"), "retry after 3000"),
            (
                "a 429 on a POST without Retry-After is retried after the backoff",
                post(0),
                http(429, "{}"),
                "retry after 250",
            ),
            (
                "a 429 on a POST after the last retry is retryable and made nothing",
                post(2),
                waiting(429, 20, "{}"),
                "api_error, retryable",
            ),
            (
                "a 429 asking for more than 60 s is not slept through, and is retryable then",
                get(0),
                waiting(429, 60_001, "{}"),
                "api_error, retryable",
            ),
            ("a 429 asking for 60 s is slept through", get(0), waiting(429, 60_000, "{}"), "retry after 60000"),
            (
                "a 500 on a POST is not sent again, whatever Retry-After says",
                post(0),
                waiting(500, 10, "{}"),
                "api_error, may have created",
            ),
            ("a GET that got no answer is tried again", get(0), network, "retry after 250"),
            ("a GET that timed out is tried again", get(1), timed_out, "retry after 500"),
            ("a GET that got no answer after the last retry is retryable", get(2), network, "network_error, retryable"),
            ("a GET that timed out after the last retry is retryable", get(2), timed_out, "timeout, retryable"),
            ("a 502 on a GET is tried again", get(0), http(502, HTML), "retry after 250"),
            ("a 503 on a GET waits what Retry-After says", get(0), waiting(503, 1500, ""), "retry after 1500"),
            ("a 504 on a GET after the last retry is retryable", get(2), http(504, ""), "api_error, retryable"),
            ("a 501 on a GET is not tried again, nor retryable", get(0), http(501, "{}"), "api_error"),
            ("a 404 on a GET is not tried again", get(0), http(404, "{}"), "api_error"),
            ("a 401 on a GET is not tried again", get(0), http(401, "{}"), "api_error"),
            ("an unreadable 200 on a GET is tried again", get(0), http(200, "{\"code\":2"), "retry after 250"),
            ("an empty 200 on a GET is tried again", get(0), http(200, ""), "retry after 250"),
            (
                "an HTML 200 on a GET after the last retry is retryable",
                get(2),
                http(200, HTML),
                "invalid_json, retryable",
            ),
            ("a 200 that is not a task on a GET is tried again", get(0), http(200, "[1]"), "retry after 250"),
            (
                "a 500 in a 200's envelope on a GET is tried again",
                get(0),
                http(200, r#"{"code":500}"#),
                "retry after 250",
            ),
            (
                "a 404 in a 200's envelope on a GET is not tried again",
                get(0),
                http(200, r#"{"code":404}"#),
                "api_error",
            ),
            (
                "no retries when maxRetries is 0",
                Attempt { max_retries: 0, ..get(0) },
                http(503, ""),
                "api_error, retryable",
            ),
            ("an aborted attempt is aborted", get(0), aborted, "aborted"),
            ("an aborted create is aborted too (the caller's signal decides)", post(0), aborted, "aborted"),
        ];
        for (rule, attempt, answer, expected) in rows {
            assert_eq!(said(settle(&attempt, answer)), expected, "{rule}");
        }
    }

    #[test]
    fn the_backoff_doubles_and_jitters_with_the_random_number() {
        let lost = Answer::None(NoAnswer::Network("x"));
        let delays: Vec<String> =
            (0..3).map(|retries| said(settle(&Attempt { retries, random: 0.999, ..get(0) }, lost))).collect();
        assert_eq!(delays, ["retry after 499", "retry after 999", "network_error, retryable"]);
        assert_eq!(said(settle(&Attempt { random: 0.0, ..get(0) }, lost)), "retry after 0");
    }

    #[test]
    fn a_create_that_may_have_made_the_task_says_what_to_do_once_in_the_hint() {
        let f = failure(settle(&post(0), Answer::None(NoAnswer::Network("fetch failed"))));
        assert_eq!(
            f.message,
            "POST https://api.test/api/v1/videos/generations failed before an answer came: fetch failed"
        );
        assert_eq!(
            f.hint.map(|h| h.text()).as_deref(),
            Some("The task may have been created (and charged): look for it (the dashboard, or your callback_url) before sending the request again.")
        );
        let f = failure(settle(&post(0), Answer::None(NoAnswer::TimedOut(100))));
        assert_eq!(
            (f.kind, f.message.as_str()),
            (Kind::Timeout, "POST https://api.test/api/v1/videos/generations got no answer within 100 ms")
        );
        assert_eq!(f.hint, Some(Hint::LookBeforeSendingAgain));
        let f = failure(settle(&post(0), http(500, r#"{"error":{"code":500,"message":"Internal server error"}}"#)));
        assert_eq!((f.message.as_str(), f.status), ("Internal server error", Some(500)));
    }

    #[test]
    fn an_api_error_says_the_api_message_or_what_the_status_means_without_the_status() {
        let f = failure(settle(&post(0), http(400, REFUSED)));
        assert_eq!(
            (f.message.as_str(), f.status, f.may_have_created, f.retryable),
            ("Invalid parameters", Some(400), false, false)
        );
        assert_eq!(f.hint, None);
        let api = f.api.expect("an API failure");
        assert_eq!((api.code, api.error_type.as_deref()), (serde_json::json!(400), Some("invalid_request")));
        assert_eq!(f.body.as_deref(), Some(REFUSED));
        let html = failure(settle(&post(0), http(502, HTML)));
        assert_eq!(
            html.message,
            "a gateway in front of the API got a bad answer from it (an HTML page, not the API's JSON: a proxy or gateway answered)"
        );
        let redirect = failure(settle(&post(0), http(307, "")));
        assert_eq!(
            redirect.message,
            "the server answered with a redirect, which a create does not follow: check the base URL (empty response)"
        );
    }

    #[test]
    fn a_retryable_failure_names_the_task_and_the_wait_the_server_asked_for() {
        let f = failure(settle(
            &Attempt { retries: 2, ..get(0) },
            waiting(429, 7000, r#"{"error":{"code":429,"message":"slow down"}}"#),
        ));
        assert_eq!(
            (f.message.as_str(), f.retry_after_ms, f.task_id.as_deref()),
            ("slow down", Some(7000), Some("t_1"))
        );
        assert_eq!(
            f.hint.map(|h| h.text()).as_deref(),
            Some("The same call may well succeed later: try it again in 7 s, as the server asked.")
        );
        // Over a minute: not slept through, for the caller to do; over a day: not meant.
        let hour = failure(settle(&get(0), waiting(429, 3_600_000, "{}")));
        assert_eq!(
            (hour.retryable, hour.hint.map(|h| h.text()).as_deref()),
            (true, Some("The same call may well succeed later: try it again in 3600 s, as the server asked."))
        );
        let years = failure(settle(&get(0), waiting(429, 999_999_999_000, "{}")));
        assert_eq!(
            (years.retryable, years.retry_after_ms, years.hint.map(|h| h.text()).as_deref()),
            (true, Some(999_999_999_000), Some("The same call may well succeed later: try it again in a moment."))
        );
        let f = failure(settle(&get(2), Answer::None(NoAnswer::Network("refused"))));
        assert_eq!(
            f.message, "GET https://api.test/api/v1/tasks/t_1 failed before an answer came: refused",
            "no query string"
        );
        assert_eq!(
            f.hint.map(|h| h.text()).as_deref(),
            Some("The same call may well succeed later: try it again in a moment.")
        );
    }

    #[test]
    fn no_answer_says_why() {
        let message = |why| failure(settle(&Attempt { max_retries: 0, ..get(0) }, Answer::None(why))).message;
        assert_eq!(
            message(NoAnswer::NoFetch),
            "GET https://api.test/api/v1/tasks/t_1 failed before an answer came: this runtime has no fetch"
        );
        assert!(message(NoAnswer::NotAResponse).ends_with("fetch resolved to something that is not a Response (a test double must resolve to a `new Response(body, { status, headers })`)"));
        assert!(message(NoAnswer::BodyUnreadable("cut")).ends_with("the answer's body could not be read: cut"));
    }

    #[test]
    fn an_unreadable_body_keeps_its_start_as_the_cause() {
        let long = "x".repeat(500);
        let f = failure(settle(&post(0), http(200, &long)));
        assert_eq!((f.kind, f.message.as_str()), (Kind::InvalidJson, "HTTP 200 came with a body that is not JSON"));
        assert_eq!(f.cause.map(|c| c.len()), Some(200));
    }
}
