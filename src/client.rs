//! The HTTP client: creates tasks and waits for them, over `fetch`.
//!
//! Requests go through `fetch(url, init)`, and answers are read through gloo-net's `Response`
//! and `Headers`; aborting uses web-sys' `AbortController`/`AbortSignal`; waits are gloo-timers futures, raced
//! with futures' `select`; the futures become JS Promises in the binding layer through
//! wasm-bindgen-futures. Every decision (what is valid, where a request goes, what an attempt
//! came to and whether and when to try again, what a failure means for the caller, when to
//! poll) is the core's ([`crate::calls`], [`crate::attempt`], [`crate::wait`]); this module only
//! sends, waits, listens and applies the core's verdicts.
//!
//! No JS exception may unwind through the module, so every call into user-reachable JS goes
//! through an import that catches (`crate::interop::js`), and answers are only read from a
//! genuine `Response`.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
use std::task::{Poll, Waker};

use futures_util::future::{select, Either};
use gloo_net::http::Response;
use gloo_timers::future::TimeoutFuture;
use js_sys::{Date, Function, Object};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, AddEventListenerOptions};

use crate::attempt::{self, settle, Answer, Attempt, NoAnswer, Verdict};
use crate::calls::{create_request, task_url, CallOptions, Settings, REQUEST_CACHE};
use crate::error::Error;
use crate::input::{Input, Value};
use crate::interop::js::{call1, call_fetch, follow, genuine_response, global_fetch, reflect_get, set, to_promise};
use crate::interop::to_js::{attempt_failure_to_js, progress_to_js, task_to_js};
use crate::schedule::{wait_asked, Method, PollSchedule, LAST_POLL_GRACE_MS};
use crate::task::Task;
use crate::text::redact_key;
use crate::wait::{after_failed_poll, after_poll, task_failed, wait_timeout, AfterPoll};

/// Whether the runtime refuses a `cache` field, once known: 0 not yet, 1 no, 2 yes.
static CACHE_REFUSED: AtomicU8 = AtomicU8::new(0);

/// Whether the runtime refuses a fetch's `cache` field: workerd with a compatibility date before
/// 2024-11-11 throws on any ("The 'cache' field on 'RequestInitializerDict' is not
/// implemented"). Asked once, of a `Request` made with one and without: when only the one
/// without can be made, every request is sent without, in that runtime only (better a request a
/// cache might answer than none at all).
fn cache_refused() -> bool {
    match CACHE_REFUSED.load(Relaxed) {
        1 => false,
        2 => true,
        _ => {
            let probe = |cache: bool| {
                let init = web_sys::RequestInit::new();
                if cache {
                    init.set_cache(web_sys::RequestCache::NoStore);
                }
                web_sys::Request::new_with_str_and_init("https://cache.probe.invalid/", &init).is_ok()
            };
            let refused = !probe(true) && probe(false);
            CACHE_REFUSED.store(if refused { 2 } else { 1 }, Relaxed);
            refused
        }
    }
}

/// What a client is: its checked settings, and the fetch it calls (the global one when `None`).
pub struct Client {
    settings: Settings,
    fetch: Option<Function>,
    /// Whether a server was found at the base URL by any call of this client (a task read, or a
    /// 429 or 5xx): a wait rides out an outage then, not a wrong host.
    reached: Cell<bool>,
}

/// One call's options: the checked numbers, the caller's signal, and its progress callback.
pub struct Call {
    pub options: CallOptions,
    pub signal: Option<AbortSignal>,
    pub on_progress: Option<Function>,
    /// Called with each failed poll's error that the wait rides out.
    pub on_poll_error: Option<Function>,
    /// `generate`'s: called with the created task before the wait.
    pub on_created: Option<Function>,
}

/// A task, and the text of the answer it was read from (the caller gets it as `raw`).
pub struct Answered {
    pub task: Task,
    pub text: String,
}

/// Why a call failed; the binding layer turns each into the package's JS error classes.
pub enum Failure {
    /// Nothing was sent: the input, an option or the task id is not valid.
    Invalid(Error),
    /// The core's verdict: the API refused, no answer came, the task failed... with every fact
    /// the caller acts on.
    Failed(Box<attempt::Failure>),
    /// The caller's signal aborted: its reason.
    Aborted(JsValue),
    /// The caller's `onProgress` threw this.
    Callback(JsValue),
}

impl From<attempt::Failure> for Failure {
    fn from(failure: attempt::Failure) -> Failure {
        Failure::Failed(Box::new(failure))
    }
}

/// Why an attempt got no answer (owned: [`NoAnswer`] borrows its text).
enum Unanswered {
    Network(String),
    NotAResponse,
    BodyUnreadable(String),
    NoFetch,
    NoAbortController,
    TimedOut,
    Aborted,
}

/// What a POST carries: its JSON text, and the caller's idempotency key if any.
#[derive(Clone, Copy)]
struct Body<'a> {
    text: Option<&'a str>,
    idempotency_key: Option<&'a str>,
}

/// An HTTP answer: its status, body text and the wait it asked for.
struct Http {
    status: u16,
    text: String,
    retry_after_ms: Option<u64>,
}

impl Client {
    pub fn new(settings: Settings, fetch: Option<Function>) -> Client {
        Client { settings, fetch, reached: Cell::new(false) }
    }

    /// Validates `input` (sending nothing when it is invalid), then creates the task.
    pub async fn create_task(&self, input: &Input, call: &Call) -> Result<Answered, Failure> {
        let watch = Watch::new(call.signal.clone());
        self.create(input, call, &watch).await
    }

    /// Reads a task once (a GET is tried again on network errors, 429 and 5xx).
    pub async fn get_task(&self, task_id: &Value, call: &Call) -> Result<Answered, Failure> {
        let (url, id) = self.task_url(task_id)?;
        let watch = Watch::new(call.signal.clone());
        self.exchange(Method::Get, &url, None, Some(&id), &watch).await
    }

    /// Polls until the task succeeds.
    pub async fn wait_for_task(&self, task_id: &Value, call: &Call) -> Result<Answered, Failure> {
        let (url, id) = self.task_url(task_id)?;
        let watch = Watch::new(call.signal.clone());
        self.wait(&url, &id, call, &watch, Date::now()).await
    }

    /// Creates the task, then waits for it, with the same signal.
    pub async fn generate(&self, input: &Input, call: &Call) -> Result<Answered, Failure> {
        let watch = Watch::new(call.signal.clone());
        let created = self.create(input, call, &watch).await?;
        // A create answer always has an id (`read_answer` refuses one without).
        let id = created.task.task_id.clone().unwrap_or_default();
        // The wait's timeoutMs counts from here, onCreated's time included.
        let started = Date::now();
        // Told before anything else can fail or be aborted, so the task is never lost; a
        // promise it returns is waited for, within the wait's timeoutMs.
        if let Some(on_created) = &call.on_created {
            let returned = call1(on_created, &task_to_js(&created.task, &created.text)).map_err(Failure::Callback)?;
            if !settled_in_time(returned, &watch, call.options.timeout_ms).await? {
                let state = created.task.raw_status.as_deref();
                return Err(wait_timeout(&id, state, call.options.timeout_ms).into());
            }
        }
        let (url, id) = self.task_url(&Value::String(id))?;
        self.wait(&url, &id, call, &watch, started).await
    }

    /// The create-task POST (nothing is sent when `input` is invalid).
    async fn create(&self, input: &Input, call: &Call, watch: &Watch) -> Result<Answered, Failure> {
        let request = create_request(input, &self.settings.base_url, call.options.callback_url.as_deref())
            .map_err(Failure::Invalid)?;
        let body = Body { text: request.body.as_deref(), idempotency_key: call.options.idempotency_key.as_deref() };
        self.exchange(Method::Post, &request.url, Some(body), None, watch).await
    }

    fn task_url(&self, task_id: &Value) -> Result<(String, String), Failure> {
        let url = task_url(&self.settings.base_url, task_id).map_err(Failure::Invalid)?;
        let id = task_id.as_str().unwrap_or_default().to_string();
        Ok((url, id))
    }

    /// Polls until the task ends, within the wait's `timeoutMs`: a poll still in flight past the
    /// deadline (by more than [`LAST_POLL_GRACE_MS`]: a slow answer, a retry's wait) is given up,
    /// and so is an `onProgress` promise at the deadline; the wait rejects then. What each poll
    /// leads to is the core's ([`after_poll`]).
    /// `started`: when the wait's `timeoutMs` began (for `generate`, before `onCreated`).
    async fn wait(
        &self,
        url: &str,
        task_id: &str,
        call: &Call,
        watch: &Watch,
        started: f64,
    ) -> Result<Answered, Failure> {
        let schedule = match call.options.poll_interval_ms {
            Some(ms) => PollSchedule::Fixed(ms as u64),
            None => PollSchedule::Adaptive,
        };
        let elapsed = || Date::now() - started;
        let left = || call.options.timeout_ms - elapsed();
        let mut polls = 0u32;
        loop {
            watch.check()?;
            let poll = self.exchange(Method::Get, url, None, Some(task_id), watch);
            let answered = match select(pin!(poll), timer(left().max(LAST_POLL_GRACE_MS))).await {
                Either::Left((Ok(answered), _)) => answered,
                // With onPollError, a poll that failed in a way a later one may not (an
                // outage) is told to it, and is not the end (the core says when it is);
                // without, the wait ends with it, `maxRetries` bounding the tries.
                Either::Left((Err(Failure::Failed(failure)), _)) => {
                    let Some(on_poll_error) = &call.on_poll_error else {
                        return Err(Failure::Failed(failure));
                    };
                    let mut reached = self.reached.get();
                    let next = after_failed_poll(&failure, &mut reached, elapsed(), call.options.timeout_ms, schedule);
                    self.reached.set(reached);
                    let Some(ms) = next else {
                        return Err(Failure::Failed(failure));
                    };
                    let returned = call1(on_poll_error, &attempt_failure_to_js(&failure)).map_err(Failure::Callback)?;
                    if !settled_in_time(returned, watch, left()).await? {
                        return Err(Failure::Failed(failure));
                    }
                    // Within the deadline still, however long onPollError took.
                    watch.sleep((ms as f64).min(left().max(0.0))).await?;
                    continue;
                }
                Either::Left((Err(other), _)) => return Err(other),
                Either::Right(((), _)) => return Err(wait_timeout(task_id, None, elapsed()).into()),
            };
            polls += 1;
            if let Some(on_progress) = &call.on_progress {
                // A callback that returns a promise is waited for; its rejection, like a throw,
                // rejects the wait.
                let returned = self.progress(on_progress, task_id, &answered, started, polls)?;
                if !settled_in_time(returned, watch, left()).await? {
                    let state = answered.task.raw_status.as_deref();
                    return Err(wait_timeout(task_id, state, elapsed()).into());
                }
            }
            let elapsed = elapsed();
            match after_poll(answered.task.status, elapsed, call.options.timeout_ms, schedule) {
                AfterPoll::Succeeded => return Ok(answered),
                AfterPoll::Failed => return Err(task_failed(task_id, answered.task, &answered.text).into()),
                AfterPoll::TimedOut => {
                    return Err(wait_timeout(task_id, answered.task.raw_status.as_deref(), elapsed).into())
                }
                AfterPoll::PollIn(ms) => watch.sleep(ms as f64).await?,
            }
        }
    }

    /// Reports a poll to `onProgress`: `Err` with what it threw, else what it returned.
    #[inline(never)]
    fn progress(
        &self,
        on_progress: &Function,
        task_id: &str,
        answered: &Answered,
        started: f64,
        polls: u32,
    ) -> Result<JsValue, Failure> {
        let elapsed = (Date::now() - started).max(0.0);
        let progress = progress_to_js(task_id, &answered.task, &answered.text, elapsed.round(), polls);
        call1(on_progress, &progress).map_err(Failure::Callback)
    }

    /// One request, tried again as the core's verdict says, and its answer read as a task.
    /// `task_id` is the task asked for; `None` for a create.
    ///
    /// Only the awaits are here; what each attempt came to is the core's ([`settle`]).
    async fn exchange(
        &self,
        method: Method,
        url: &str,
        body: Option<Body<'_>>,
        task_id: Option<&str>,
        watch: &Watch,
    ) -> Result<Answered, Failure> {
        if let Some(problem) = &self.settings.unsendable {
            return Err(Failure::Invalid(Error::invalid(vec![problem.clone()])));
        }
        let mut retries = 0u32;
        loop {
            watch.check()?;
            let result = self.attempt(method, url, body, watch).await;
            let attempt = Attempt {
                method,
                url,
                task_id,
                retries,
                max_retries: self.settings.max_retries,
                random: js_sys::Math::random(),
            };
            match settle(&attempt, self.answer_of(&result)) {
                Verdict::Task(task) => {
                    self.reached.set(true);
                    let text = result.map(|http| http.text).unwrap_or_default();
                    return Ok(Answered { task, text });
                }
                Verdict::Retry { delay_ms } => {
                    watch.sleep(delay_ms as f64).await?;
                    retries += 1;
                }
                Verdict::Failure(failure) => return Err(Failure::Failed(failure)),
                Verdict::Aborted => return Err(Failure::Aborted(watch.reason())),
            }
        }
    }

    /// An attempt's result as the core reads it.
    fn answer_of<'a>(&self, result: &'a Result<Http, Unanswered>) -> Answer<'a> {
        match result {
            Ok(http) => Answer::Http { status: http.status, retry_after_ms: http.retry_after_ms, text: &http.text },
            Err(why) => Answer::None(match why {
                Unanswered::Network(said) => NoAnswer::Network(said),
                Unanswered::NotAResponse => NoAnswer::NotAResponse,
                Unanswered::BodyUnreadable(said) => NoAnswer::BodyUnreadable(said),
                Unanswered::NoFetch => NoAnswer::NoFetch,
                Unanswered::NoAbortController => NoAnswer::NoAbortController,
                Unanswered::TimedOut => NoAnswer::TimedOut(self.settings.timeout_ms as u64),
                Unanswered::Aborted => NoAnswer::Aborted,
            }),
        }
    }

    /// One HTTP request and its whole answer, unless the signal aborts or `timeoutMs` passes.
    async fn attempt(
        &self,
        method: Method,
        url: &str,
        body: Option<Body<'_>>,
        watch: &Watch,
    ) -> Result<Http, Unanswered> {
        let controller = AbortController::new().map_err(|_| Unanswered::NoAbortController)?;
        let signal = controller.signal();
        // Stops the request however this attempt ends, given up by the wait's deadline too (a
        // fetch that honours its signal lets go at once; one that has answered is not touched).
        let mut stop = AbortOnDrop(Some(controller));
        let exchange = self.send(method, url, body, &signal);
        let timeout = async {
            let ms = self.settings.timeout_ms;
            if ms > 0.0 {
                TimeoutFuture::new(ms.min(f64::from(u32::MAX)) as u32).await
            } else {
                std::future::pending::<()>().await
            }
        };
        let (aborted, timeout) = (pin!(watch.aborted()), pin!(timeout));
        let result = match select(pin!(exchange), select(aborted, timeout)).await {
            Either::Left((result, _)) => {
                if result.is_ok() {
                    // Answered in full: nothing to stop (a fetch's own listeners see no abort).
                    stop.0 = None;
                }
                return result;
            }
            Either::Right((Either::Left(_), _)) => Unanswered::Aborted,
            Either::Right((Either::Right(_), _)) => Unanswered::TimedOut,
        };
        Err(result)
    }

    /// The headers of a request: JSON both ways, a create's idempotency key, and the key.
    fn headers(&self, body: Option<Body<'_>>) -> Vec<(&'static str, String)> {
        let mut headers = vec![("Accept", "application/json".to_string())];
        if let Some(body) = body {
            headers.push(("Content-Type", "application/json".into()));
            if let Some(key) = body.idempotency_key {
                headers.push(("Idempotency-Key", key.into()));
            }
        }
        if let Some(key) = &self.settings.api_key {
            headers.push(("Authorization", format!("Bearer {key}")));
        }
        headers
    }

    /// A request's `init`: method, headers, body, signal, no redirect for a create, and the
    /// cache mode [`REQUEST_CACHE`] unless the runtime refuses a `cache` field (see
    /// [`cache_refused`]). A plain object, headers too, as code written for fetch reads it.
    ///
    /// Not a Request built with gloo-net's `RequestBuilder`: that costs 2.7 KB gzip, which
    /// would take the page bundle over its 100 KB ceiling; gloo-net reads the answers.
    fn init(&self, method: Method, body: Option<Body<'_>>, signal: &AbortSignal) -> Object {
        let init = Object::new();
        let headers = Object::new();
        for (name, value) in self.headers(body) {
            set(&headers, name, &JsValue::from_str(&value));
        }
        set(&init, "method", &JsValue::from_str(attempt::verb(method)));
        set(&init, "headers", &headers);
        set(&init, "signal", signal);
        if method == Method::Post {
            set(&init, "redirect", &JsValue::from_str("manual"));
        }
        if !cache_refused() {
            set(&init, "cache", &JsValue::from_str(REQUEST_CACHE));
        }
        if let Some(text) = body.and_then(|b| b.text) {
            set(&init, "body", &JsValue::from_str(text));
        }
        init
    }

    /// Sends one request and reads the answer. The fetch, global or injected, is called as
    /// `fetch(url, init)`, the way code written for the global one calls it. A create is not
    /// redirected: a fetch that followed a 307 would send the POST a second time.
    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<Body<'_>>,
        signal: &AbortSignal,
    ) -> Result<Http, Unanswered> {
        // A page may have replaced the global fetch, and an injected fetch may give anything
        // (gloo-net's own `send` assumes a Response): the module calls either one itself,
        // through an import that catches, and keeps only a genuine Response.
        let fetch = match &self.fetch {
            Some(f) => f.clone(),
            None => global_fetch().ok_or(Unanswered::NoFetch)?,
        };
        let returned = call_fetch(&fetch, url, &self.init(method, body, signal))
            .map_err(|e| Unanswered::Network(self.scrub(&describe_thrown(&e))))?;
        let settled = JsFuture::from(to_promise(&returned))
            .await
            .map_err(|e| Unanswered::Network(self.scrub(&describe_thrown(&e))))?;
        let raw = genuine_response(&settled).map_err(|_| Unanswered::NotAResponse)?;
        let response = Response::from(Clone::clone(&raw));
        let headers = response.headers();
        let retry_after_ms =
            wait_asked(headers.get("retry-after-ms").as_deref(), headers.get("retry-after").as_deref(), Date::now());
        // The body through web-sys: gloo-net's `text` cannot be told that a stream may fail
        // with something that is not an Error.
        let text = match raw.text() {
            Ok(promise) => JsFuture::from(promise).await,
            Err(e) => Err(e),
        }
        .map_err(|e| Unanswered::BodyUnreadable(self.scrub(&describe_thrown(&e))))?;
        let text = self.scrub(&text.as_string().unwrap_or_default());
        Ok(Http { status: response.status(), text, retry_after_ms })
    }

    /// Removes the key from text that came back from a server, in case it echoed it: wherever
    /// it stands, however short (a very short key may take other text with it, but never shows),
    /// plainly or escaped, so that the JSON read from the text cannot show it either (see
    /// [`redact_key`]).
    fn scrub(&self, text: &str) -> String {
        match &self.settings.api_key {
            Some(key) => redact_key(text, key),
            None => text.to_string(),
        }
    }
}

/// What a thrown value says, as text, whatever it is: its `message` when it has a string one
/// (and its `cause`'s after it, in brackets), itself when it is a string. Read through imports
/// that catch (a getter may throw).
fn describe_thrown(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    let Some(said) = message_of(e) else {
        return "an error that cannot be shown".to_string();
    };
    // Node's fetch says only "fetch failed"; why (ECONNREFUSED, ENOTFOUND...) is its cause's.
    let Some(cause) = reflect_get(e, &JsValue::from_str("cause")).ok().filter(JsValue::is_object) else {
        return said;
    };
    // An AggregateError (both of localhost's addresses refused) has no message, but a code.
    let code = || reflect_get(&cause, &JsValue::from_str("code")).ok()?.as_string();
    match message_of(&cause).filter(|m| !m.is_empty()).or_else(code) {
        Some(why) if why != said => format!("{said} ({why})"),
        _ => said,
    }
}

/// An object's `message`, when it is a string.
fn message_of(e: &JsValue) -> Option<String> {
    if !e.is_object() {
        return None;
    }
    reflect_get(e, &JsValue::from_str("message")).ok()?.as_string()
}

/// Waits for what a caller's callback returned: `Ok(true)` at once for `undefined`, or when the
/// promise (any thenable, made a promise in JS, where a throwing getter cannot reach the module)
/// fulfils; `Ok(false)` when `ms` pass first; `Err` with its reason when it rejects, or with the
/// signal's when that aborts.
async fn settled_in_time(returned: JsValue, watch: &Watch, ms: f64) -> Result<bool, Failure> {
    if returned.is_undefined() {
        return Ok(true);
    }
    let aborted = pin!(watch.aborted());
    match select(JsFuture::from(to_promise(&returned)), select(aborted, timer(ms))).await {
        Either::Left((Err(reason), _)) => Err(Failure::Callback(reason)),
        Either::Left((Ok(_), _)) => Ok(true),
        Either::Right((Either::Left(_), _)) => Err(Failure::Aborted(watch.reason())),
        Either::Right((Either::Right(_), _)) => Ok(false),
    }
}

/// Listens to a call's signal: one listener per call, on a signal derived with
/// `AbortSignal.any` where the runtime has it, so that sharing one signal across many calls
/// adds no listener to it (Node warns past ten).
struct Watch {
    signal: Option<AbortSignal>,
    listening: Option<(AbortSignal, Closure<dyn FnMut()>)>,
    state: Rc<RefCell<WatchState>>,
}

#[derive(Default)]
struct WatchState {
    fired: bool,
    waker: Option<Waker>,
}

impl Watch {
    fn new(signal: Option<AbortSignal>) -> Watch {
        let state = Rc::new(RefCell::new(WatchState::default()));
        let listening = signal.as_ref().and_then(|signal| {
            let target = follow(signal);
            let shared = state.clone();
            let listener = Closure::<dyn FnMut()>::new(move || {
                if let Ok(mut s) = shared.try_borrow_mut() {
                    s.fired = true;
                    if let Some(waker) = s.waker.take() {
                        waker.wake();
                    }
                }
            });
            let options = AddEventListenerOptions::new();
            options.set_once(true);
            target
                .add_event_listener_with_callback_and_add_event_listener_options(
                    "abort",
                    listener.as_ref().unchecked_ref(),
                    &options,
                )
                .ok()?;
            Some((target, listener))
        });
        Watch { signal, listening, state }
    }

    fn is_aborted(&self) -> bool {
        self.state.borrow().fired || self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }

    /// The signal's reason (an `AbortError` DOMException unless the caller gave one).
    fn reason(&self) -> JsValue {
        self.signal.as_ref().map_or(JsValue::UNDEFINED, AbortSignal::reason)
    }

    /// `Err` with the reason once the signal has aborted.
    fn check(&self) -> Result<(), Failure> {
        if self.is_aborted() {
            Err(Failure::Aborted(self.reason()))
        } else {
            Ok(())
        }
    }

    /// Resolves when the signal aborts (never, without a signal).
    fn aborted(&self) -> impl Future<Output = ()> + '_ {
        poll_fn(move |cx| {
            if self.is_aborted() {
                return Poll::Ready(());
            }
            self.state.borrow_mut().waker = Some(cx.waker().clone());
            Poll::Pending
        })
    }

    /// Waits `ms`, or rejects at once with the reason when the signal aborts.
    async fn sleep(&self, ms: f64) -> Result<(), Failure> {
        match select(timer(ms), pin!(self.aborted())).await {
            Either::Left(_) => Ok(()),
            Either::Right(_) => Err(Failure::Aborted(self.reason())),
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some((target, listener)) = &self.listening {
            let _ = target.remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        }
    }
}

/// Aborts its controller when dropped, unless disarmed (the request has answered).
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

/// A timer of `ms` (clamped to what a JS timer takes).
fn timer(ms: f64) -> TimeoutFuture {
    TimeoutFuture::new(ms.clamp(0.0, f64::from(i32::MAX as u32)) as u32)
}
