//! Property tests: no input makes any public function panic (a panic would trap the wasm
//! module), and the invariants users rely on hold for every input.
//!
//! `npm test` runs `PROPTEST_CASES=100000 cargo test --profile proptest --test properties`. A
//! failure prints its shrunk input and saves its seed (a `cc` line) in
//! `tests/properties.proptest-regressions`, which every later run replays first.
#![cfg(not(target_arch = "wasm32"))]

use kling3_wasm::calls::{call_options, create_request, read_answer, settings, task_id_of, task_url, Refusal, Runtime};
use kling3_wasm::error::Error;
use kling3_wasm::input::{join, Hole, Input, Map, Unsendable, Value};
use kling3_wasm::json_text::stringify;
use kling3_wasm::normalize::normalize;
use kling3_wasm::pricing::{estimate, rate, PRICE_FIELDS};
use kling3_wasm::response::{envelope_error, read_error};
use kling3_wasm::schedule::{
    next_retry_delay, parse_http_date, parse_retry_after, parse_retry_after_ms, Method, Outcome, PollSchedule,
};
use kling3_wasm::task::parse_task;
use kling3_wasm::validate::validate;
use kling3_wasm::wire::{build_request, to_curl, BuildOptions, BuiltRequest};
use proptest::prelude::*;

/// A value as a JS caller could pass it: JSON, or something JSON cannot carry.
#[derive(Clone, Debug)]
enum Node {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Hole(Unsendable),
    Array(Vec<Node>),
    /// Keys as given; a later duplicate replaces the earlier value in place, as in JS.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// Sets `key` on an object as JS does: the value takes the key's first place, and a repeated
    /// key (which would otherwise win, as the last) goes.
    fn insert(&mut self, key: &str, value: Node) {
        if let Node::Object(entries) = self {
            match entries.iter().position(|(k, _)| k == key) {
                Some(first) => {
                    entries[first].1 = value;
                    let mut i = 0;
                    entries.retain(|(k, _)| {
                        i += 1;
                        i - 1 == first || k != key
                    });
                }
                None => entries.push((key.to_string(), value)),
            }
        }
    }

    /// The [`Input`] a binding would read this as: `null` and a hole where JSON cannot carry
    /// the value, in the order a walk meets them.
    fn input(&self) -> Input {
        let mut holes = Vec::new();
        let value = self.read("", &mut holes);
        Input { value, holes }
    }

    /// This value with only the fields named in `names`, at every level (arrays whole): what
    /// `JSON.stringify(v, names)` keeps, and what the binding reads for a function that needs
    /// no other field.
    fn only(&self, names: &[&str]) -> Node {
        match self {
            Node::Array(items) => Node::Array(items.iter().map(|item| item.only(names)).collect()),
            Node::Object(entries) => Node::Object(
                entries
                    .iter()
                    .filter(|(k, _)| names.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.only(names)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The JSON part alone, as for a response body.
    fn json(&self) -> Value {
        self.input().value
    }

    fn read(&self, path: &str, holes: &mut Vec<Hole>) -> Value {
        let mut hole = |what| {
            holes.push(Hole { path: path.to_string(), what });
            Value::Null
        };
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) if n.is_finite() => Value::from(*n),
            Node::Number(n) => hole(Unsendable::NotFinite(*n)),
            Node::String(s) => Value::String(s.clone()),
            Node::Hole(what) => hole(*what),
            Node::Array(items) => Value::Array(
                items.iter().enumerate().map(|(i, item)| item.read(&format!("{path}[{i}]"), holes)).collect(),
            ),
            Node::Object(entries) => {
                // The last value of a repeated key, at the place of the first.
                let mut fields: Vec<(&String, &Node)> = Vec::new();
                for (k, v) in entries {
                    match fields.iter_mut().find(|(key, _)| *key == k) {
                        Some(slot) => slot.1 = v,
                        None => fields.push((k, v)),
                    }
                }
                let mut map = Map::new();
                for (k, v) in fields {
                    let child = join(path, k);
                    map.insert(k.clone(), v.read(&child, holes));
                }
                Value::Object(map)
            }
        }
    }
}

/// Object keys the generator favours: the request's fields, and a few of elements and responses.
fn field_names() -> Vec<&'static str> {
    let mut names = kling3_wasm::request::FIELDS.to_vec();
    names.extend(["name", "element_input_urls", "data", "status", "video_url"]);
    names
}

/// Strings that hit the rules: allowed values, URLs, and any text at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("kling-3".to_string()),
        Just("std".to_string()),
        Just("pro".to_string()),
        Just("16:9".to_string()),
        Just("9:16".to_string()),
        Just("https://example.com/a.png".to_string()),
        Just("@cat".to_string()),
        Just("COMPLETED".to_string()),
        "[a-z@ ]{0,12}",
        any::<String>(),
        "\\PC{0,40}",
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..20).prop_map(f64::from),
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        Just(1e300),
    ]
}

/// What a JS value JSON cannot carry may be.
fn unsendable() -> impl Strategy<Value = Unsendable> {
    prop_oneof![
        Just(Unsendable::Undefined),
        Just(Unsendable::Function),
        Just(Unsendable::Symbol),
        Just(Unsendable::BigInt),
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)].prop_map(Unsendable::NotFinite),
        (0usize..10_000_000).prop_map(|units| Unsendable::LongString { units }),
        Just(Unsendable::BrokenText),
        Just(Unsendable::Cycle),
        Just(Unsendable::TooLarge),
        Just(Unsendable::Unreadable("a field whose getter threw")),
    ]
}

fn leaf() -> impl Strategy<Value = Node> {
    prop_oneof![
        Just(Node::Null),
        any::<bool>().prop_map(Node::Bool),
        number().prop_map(Node::Number),
        text().prop_map(Node::String),
        unsendable().prop_map(Node::Hole),
    ]
}

/// Any value, with object keys drawn mostly from the API's own field names.
fn node() -> impl Strategy<Value = Node> {
    leaf().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Node::Array),
            prop::collection::vec(
                (prop_oneof![prop::sample::select(field_names()).prop_map(str::to_string), text()], inner),
                0..8
            )
            .prop_map(Node::Object),
        ]
    })
}

fn value() -> impl Strategy<Value = Input> {
    node().prop_map(|n| n.input())
}

/// Requests close to valid ones, so the deeper rules run too.
fn request() -> impl Strategy<Value = Node> {
    (
        prop::option::of(prop_oneof![4 => text().prop_map(Node::String), 1 => unsendable().prop_map(Node::Hole)]),
        prop::option::of(prop_oneof![Just("std"), Just("pro"), Just("x")]),
        prop::option::of(number()),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::collection::vec((text(), 0u32..8), 0..8)),
        prop::option::of(prop::collection::vec((text(), prop::collection::vec(text(), 0..5)), 0..5)),
        prop::option::of(node()),
    )
        .prop_map(|(prompt, mode, duration, sound, multi, shots, elements, extra)| {
            let mut v = Node::Object(vec![]);
            if let Some(p) = prompt {
                v.insert("prompt", p);
            }
            if let Some(m) = mode {
                v.insert("mode", Node::String(m.to_string()));
            }
            if let Some(d) = duration {
                v.insert("duration", Node::Number(d));
            }
            if let Some(s) = sound {
                v.insert("sound", Node::Bool(s));
            }
            if let Some(m) = multi {
                v.insert("multi_shots", Node::Bool(m));
            }
            if let Some(shots) = shots {
                let items = shots
                    .into_iter()
                    .map(|(p, d)| {
                        Node::Object(vec![
                            ("prompt".into(), Node::String(p)),
                            ("duration".into(), Node::Number(f64::from(d))),
                        ])
                    })
                    .collect();
                v.insert("multi_prompt", Node::Array(items));
            }
            if let Some(elements) = elements {
                let items = elements
                    .into_iter()
                    .map(|(name, urls)| {
                        Node::Object(vec![
                            ("name".into(), Node::String(name)),
                            ("element_input_urls".into(), Node::Array(urls.into_iter().map(Node::String).collect())),
                        ])
                    })
                    .collect();
                v.insert("kling_elements", Node::Array(items));
            }
            if let Some(extra) = extra {
                v.insert("extra", extra);
            }
            v
        })
}

fn any_input() -> impl Strategy<Value = Input> {
    prop_oneof![request(), node()].prop_map(|n| n.input())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(4096)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn validation_never_panics_and_valid_means_no_errors(input in any_input()) {
        let (_, report) = validate(&input);
        prop_assert_eq!(report.valid, report.errors.is_empty());
        for issue in report.errors.iter().chain(&report.warnings) {
            prop_assert!(!issue.message.is_empty());
        }
    }

    #[test]
    fn every_hole_but_a_number_is_reported_at_its_path(input in any_input()) {
        let (_, report) = validate(&input);
        for hole in &input.holes {
            if !matches!(hole.what, Unsendable::NotFinite(_)) {
                prop_assert!(report.errors.iter().any(|e| e.path == hole.path), "{:?} is not reported", hole);
            }
        }
    }

    #[test]
    fn normalize_succeeds_exactly_when_valid_and_its_body_is_valid_json(input in any_input()) {
        let (_, report) = validate(&input);
        match normalize(&input) {
            Ok(body) => {
                prop_assert!(report.valid);
                let text = stringify(&body);
                let parsed: serde_json::Value = serde_json::from_str(&text).expect("the body is JSON");
                prop_assert_eq!(parsed["model"].as_str(), Some("kling-3"));
                // Normalizing the body again changes nothing.
                prop_assert_eq!(normalize(&Input::from(body)).map(|b| stringify(&b)).ok(), Some(text));
            }
            Err(r) => prop_assert_eq!(r, report),
        }
    }

    #[test]
    fn the_price_is_always_the_rate_times_the_seconds(input in any_input()) {
        if let Ok(cost) = estimate(&input) {
            prop_assert_eq!(cost.credits.0, rate(cost.mode, cost.sound) * cost.seconds.0);
            prop_assert!((3..=15).contains(&cost.seconds.0));
            prop_assert!((120..=1200).contains(&cost.credits.0));
        }
        // A request that can be sent can always be priced.
        if normalize(&input).is_ok() {
            prop_assert!(estimate(&input).is_ok());
        }
    }

    #[test]
    fn the_url_check_reads_bytes_as_the_character_rule_says(
        s in prop_oneof![
            any::<String>(),
            ("(?i)https?://", "[a-z0-9@:/?#. \t\u{7f}\u{85}\u{a0}\u{2028}é-]{0,12}").prop_map(|(a, b)| a + &b),
        ]
    ) {
        // The rule in characters, as written before the check read bytes.
        let rest = ["https://", "http://"].iter().find_map(|scheme| {
            s.get(..scheme.len()).filter(|p| p.eq_ignore_ascii_case(scheme)).and_then(|_| s.get(scheme.len()..))
        });
        let expected = rest.is_some_and(|rest| {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit('@').next().unwrap_or("");
            !host.is_empty() && !host.starts_with(':') && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        });
        prop_assert_eq!(kling3_wasm::request::is_http_url(&s), expected, "{:?}", s);
    }

    #[test]
    fn the_price_fields_alone_give_the_same_price_or_the_same_problems(node in prop_oneof![request(), node()]) {
        let whole = estimate(&node.input());
        let part = estimate(&node.only(&PRICE_FIELDS).input());
        prop_assert_eq!(part, whole);
    }

    #[test]
    fn building_and_curl_never_panic_and_never_leak_a_redacted_key(
        input in any_input(),
        key in prop::option::of("[ -~]{0,30}"),
        base in prop::option::of(text()),
    ) {
        let opts = BuildOptions { api_key: key.clone(), base_url: base };
        match build_request(&input, &opts) {
            Ok(request) => {
                let curl = to_curl(&request, true);
                if let Some(k) = key.filter(|k| k.len() > 3) {
                    let leaked = curl.contains(&format!("Bearer {}", k));
                    prop_assert!(!leaked, "the key is in the command");
                }
                prop_assert_eq!(shell_words(&curl), Some(curl_words(&request, true)), "{}", curl);
            }
            Err(Error::Validation(r)) => prop_assert!(!r.errors.is_empty()),
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }

    #[test]
    fn a_curl_command_gives_a_shell_exactly_the_request(input in prop_oneof![value(), request_object()], redact in any::<bool>()) {
        if let Ok(request) = BuiltRequest::from_input(&input) {
            let curl = to_curl(&request, redact);
            let words = shell_words(&curl);
            prop_assert_eq!(words, Some(curl_words(&request, redact)), "{}", curl);
        }
    }

    #[test]
    fn task_parsing_never_panics_and_only_gives_http_urls(body in prop_oneof![node().prop_map(|n| n.json()), task_body()]) {
        if let Ok(task) = parse_task(&body) {
            if let Some(url) = task.video_url {
                let lower = url.to_ascii_lowercase();
                prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"), "{url}");
                // The body's own URL, not one made up.
                prop_assert!(stringify(&body).contains(&stringify(&Value::String(url.clone()))), "{url}");
            }
        }
    }

    #[test]
    fn retry_headers_and_dates_never_panic_and_waits_stay_bounded(
        header in prop_oneof![any::<String>(), "[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT", "[0-9]{0,25}"],
        now in any::<f64>(),
        retries in 0u32..40,
        status in 0u16..1000,
        random in any::<f64>(),
    ) {
        let after = parse_retry_after(&header, now);
        let _ = parse_retry_after_ms(&header);
        let _ = parse_http_date(&header);
        for method in [Method::Get, Method::Post] {
            for outcome in [Outcome::NetworkError, Outcome::Status(status)] {
                if let Some(wait) = next_retry_delay(method, outcome, retries, 3, after, random) {
                    prop_assert!(wait <= 60_000);
                    prop_assert!(method == Method::Get || outcome == Outcome::Status(429), "a POST is retried only on 429");
                }
            }
        }
        let elapsed = now.abs() as u64;
        prop_assert!((1_000..=15_000).contains(&PollSchedule::Adaptive.next_delay_ms(elapsed)));
    }

    #[test]
    fn a_retry_after_date_or_number_means_the_wait_it_writes(
        at_s in 0u64..253_402_300_800,
        now_offset_ms in -100_000_000i64..100_000_000,
        seconds in any::<u32>(),
        ms in any::<u32>(),
        fraction in "[0-9]{1,3}",
    ) {
        // A date as a server writes it (IMF-fixdate), read back to the millisecond.
        let date = httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(at_s));
        let at_ms = at_s as i64 * 1000;
        prop_assert_eq!(parse_http_date(&date), Some(at_ms));
        let now = (at_ms - now_offset_ms) as f64;
        prop_assert_eq!(parse_retry_after(&date, now), Some(now_offset_ms.max(0) as u64), "{} at {}", date, now);
        prop_assert_eq!(parse_retry_after(&seconds.to_string(), now), Some(u64::from(seconds) * 1000));
        // Milliseconds, a fraction rounding up.
        prop_assert_eq!(parse_retry_after_ms(&ms.to_string()), Some(u64::from(ms)));
        let up = u64::from(fraction.bytes().any(|b| b != b'0'));
        prop_assert_eq!(parse_retry_after_ms(&format!("{ms}.{fraction}")), Some(u64::from(ms) + up));
    }

    #[test]
    fn error_bodies_of_any_shape_give_a_message(body in prop::option::of(node().prop_map(|n| n.json())), text in any::<String>(), status in 0u16..1000) {
        let failure = read_error(status, body.as_ref(), &text);
        prop_assert!(!failure.message.is_empty());
        prop_assert_eq!(failure.status, status);
        if let Some(b) = &body {
            if let Some(f) = envelope_error(b) {
                prop_assert!(f.status >= 400);
            }
        }
    }

    #[test]
    fn client_options_of_any_shape_give_settings_or_every_problem(
        options in prop_oneof![value(), client_options()],
        has_fetch in any::<bool>(),
        signal_ok in any::<bool>(),
        creates in any::<bool>(),
        waits in any::<bool>(),
    ) {
        match settings(&options, Runtime { global_fetch: has_fetch, page: true }) {
            Ok(s) => {
                prop_assert!(!s.base_url.ends_with('/'));
                prop_assert!(s.max_retries <= 10);
                prop_assert!((0.0..=3_600_000.0).contains(&s.timeout_ms));
            }
            Err(Error::Validation(r)) => {
                prop_assert!(!r.errors.is_empty());
                if let Some(Value::String(key)) = options.get("apiKey") {
                    // (A key that is a word of a message, such as "/api/v1", proves nothing.)
                    if key.starts_with("aio_") && key.len() > 4 {
                        prop_assert!(r.errors.iter().all(|e| !e.message.contains(key.as_str())), "the key is in a message");
                    }
                }
            }
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
        match call_options(&options, signal_ok, creates, waits) {
            Ok(o) => {
                prop_assert!(signal_ok);
                prop_assert!(o.timeout_ms >= 0.0 && o.poll_interval_ms.is_none_or(|ms| ms >= 0.0));
                prop_assert!(creates || o.callback_url.is_none());
            }
            Err(Error::Validation(r)) => prop_assert!(!r.errors.is_empty()),
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }

    #[test]
    fn a_task_url_holds_nothing_but_the_base_and_a_plain_id(id in prop_oneof![value(), text().prop_map(|t| Input::from(Value::String(t)))]) {
        prop_assert_eq!(task_id_of(&id).is_ok(), task_url("https://apiin.one/api/v1", &id.value).is_ok());
        if let Ok(url) = task_url("https://apiin.one/api/v1", &id.value) {
            let rest = url.strip_prefix("https://apiin.one/api/v1/tasks/").expect("the base and the path");
            prop_assert!(!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~:".contains(&b)));
            prop_assert_eq!(Some(rest), id.value.as_str());
        }
    }

    #[test]
    fn the_create_request_is_built_exactly_when_the_input_is_valid(
        node in prop_oneof![request(), node()],
        callback in prop::option::of(text()),
    ) {
        let input = node.input();
        let mut with_callback = node.clone();
        if let Some(url) = &callback {
            with_callback.insert("callback_url", Node::String(url.clone()));
        }
        let with_callback = with_callback.input();
        let (_, report) = validate(&with_callback);
        match create_request(&input, "/api/v1", callback.as_deref()) {
            Ok(request) => {
                prop_assert!(report.valid);
                let body: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap_or("")).expect("JSON");
                // The given callback, else the input's own callback_url, is what is sent.
                let expected = with_callback.value.get("callback_url").and_then(|v| v.as_str());
                prop_assert_eq!(body.get("callback_url").and_then(|v| v.as_str()), expected);
            }
            Err(_) => prop_assert!(!report.valid),
        }
    }

    #[test]
    fn any_answer_is_a_task_with_an_id_or_a_refusal(
        status in prop_oneof![200u16..300, 0u16..1000],
        body in prop::option::of(prop_oneof![node().prop_map(|n| n.json()), task_body()]),
        text in any::<String>(),
        asked in prop::option::of("[a-z0-9_]{1,12}"),
    ) {
        match read_answer(status, body.as_ref(), &text, asked.as_deref()) {
            Ok(task) => {
                prop_assert!((200..300).contains(&status));
                prop_assert!(task.task_id.is_some(), "a task always has an id");
            }
            Err(refusal) => {
                // What a poll tries again is never a plain refusal such as 401 or 404.
                if let Refusal::Api(failure) = &refusal {
                    prop_assert!(!failure.message.is_empty());
                    prop_assert_eq!(refusal.retryable_for_poll(), failure.status == 429 || failure.status >= 500);
                } else {
                    prop_assert!(refusal.retryable_for_poll());
                }
                match refusal {
                    Refusal::NotJson(message) => prop_assert!(body.is_none() && message.starts_with("HTTP ")),
                    Refusal::Invalid(error) => prop_assert!(!error.message().is_empty()),
                    Refusal::Api(_) => {}
                }
            }
        }
    }
}

/// Client options near the real ones: right names, values of every kind.
fn client_options() -> impl Strategy<Value = Input> {
    let name = prop::sample::select(vec![
        "apiKey",
        "baseUrl",
        "fetch",
        "maxRetries",
        "timeoutMs",
        "pollIntervalMs",
        "onProgress",
        "callbackUrl",
    ]);
    let field = prop_oneof![
        leaf(),
        "aio_[ -~]{0,12}".prop_map(Node::String),
        prop::sample::select(vec!["https://apiin.one/api/v1/", "/api/v1", "apiin.one", "//x", "http://h/a?b"])
            .prop_map(|s| Node::String(s.into())),
        Just(Node::Hole(Unsendable::Function)),
    ];
    prop::collection::vec((name, field), 0..6)
        .prop_map(|fields| Node::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).input())
}

/// Task responses near the API's shapes.
fn task_body() -> impl Strategy<Value = Value> {
    let status = prop::sample::select(vec!["COMPLETED", "IN_PROGRESS", "FAILED", "queued", "weird"]);
    (prop::option::of("[a-z0-9]{1,8}"), status, prop::option::of(text()), prop::option::of(400.0f64..600.0)).prop_map(
        |(id, status, url, code)| {
            let mut data = Map::new();
            data.insert("status".into(), Value::from(status));
            if let Some(id) = id {
                data.insert("task_id".into(), Value::String(id));
            }
            if let Some(url) = url {
                data.insert("video_url".into(), Value::String(url));
            }
            let mut top = Map::new();
            top.insert("data".into(), Value::Object(data));
            if let Some(code) = code {
                top.insert("code".into(), Value::from(code.floor()));
            }
            Value::Object(top)
        },
    )
}

/// Request objects as `toCurl` takes them: mostly readable (a method, an http(s) URL, headers,
/// a body of any text), so the command itself is checked, not only the refusal.
fn request_object() -> impl Strategy<Value = Input> {
    let method = prop_oneof![Just("POST".to_string()), Just("get".to_string()), "[A-Za-z]{1,8}", text()];
    let url = prop_oneof![
        Just("https://apiin.one/api/v1/videos/generations".to_string()),
        ("https?://[a-z0-9.-]{1,12}(:[0-9]{1,5})?/", any::<String>()).prop_map(|(a, b)| a + &b),
        text(),
    ];
    let name = prop_oneof![
        Just("Authorization".to_string()),
        Just("authorization".to_string()),
        Just("Content-Type".to_string()),
        "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}",
        text(),
    ];
    let header_value = prop_oneof![Just("Bearer aio_secret_key".to_string()), any::<String>(), "[ -~]{0,20}"];
    (
        prop::option::of(method),
        url,
        prop::option::of(prop::collection::vec((name, header_value), 0..5)),
        prop::option::of(prop_oneof![any::<String>(), "[ -~\n\r\t]{0,40}"]),
    )
        .prop_map(|(method, url, headers, body)| {
            let mut v = Node::Object(vec![]);
            if let Some(m) = method {
                v.insert("method", Node::String(m));
            }
            v.insert("url", Node::String(url));
            if let Some(headers) = headers {
                let mut object = Node::Object(vec![]);
                for (name, value) in headers {
                    object.insert(&name, Node::String(value));
                }
                v.insert("headers", object);
            }
            if let Some(body) = body {
                v.insert("body", Node::String(body));
            }
            v.input()
        })
}

/// The words the curl command must hand a shell, from the request's own fields: `curl -X`, the
/// method, the URL, `-H "name: value"` for each header, and `--data-raw` with the body. Redacted,
/// the key is `$KLING_API_KEY` from the shell, in the request's Authorization header or, when it
/// has none, in one added after the others.
fn curl_words(request: &BuiltRequest, redact: bool) -> Vec<String> {
    let mut words = vec!["curl".to_string(), "-X".to_string(), request.method.clone(), request.url.clone()];
    let mut has_auth = false;
    for (name, value) in &request.headers {
        let auth = name.eq_ignore_ascii_case("authorization");
        has_auth |= auth;
        let value = if auth && redact { "Bearer $KLING_API_KEY" } else { value.as_str() };
        words.extend(["-H".to_string(), format!("{name}: {value}")]);
    }
    if redact && !has_auth {
        words.extend(["-H".to_string(), "Authorization: Bearer $KLING_API_KEY".to_string()]);
    }
    if let Some(body) = &request.body {
        words.extend(["--data-raw".to_string(), body.clone()]);
    }
    words
}

/// The words a POSIX shell reads from `command`, or `None` when the shell would do more than read
/// words: run or expand anything, or end the command early. Read as `sh` does: blanks between
/// words, a backslash-newline joins lines, nothing is special inside single quotes, and inside
/// double quotes only `$KLING_API_KEY` (kept as written, for the shell to fill in) and the
/// backslash escapes. Unquoted, only characters that mean nothing to a shell are taken.
fn shell_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(word.take()),
            '\\' => match chars.next()? {
                '\n' => {}
                escaped => word.get_or_insert_with(String::new).push(escaped),
            },
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('$' | '`' | '"' | '\\') => w.push(c),
                            '\n' => {}
                            c => w.extend(['\\', c]),
                        },
                        '$' => {
                            let name: String = chars.by_ref().take("KLING_API_KEY".len()).collect();
                            let longer = chars.clone().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                            if name != "KLING_API_KEY" || longer {
                                return None;
                            }
                            w.push_str("$KLING_API_KEY");
                        }
                        '`' => return None,
                        c => w.push(c),
                    }
                }
            }
            c if c.is_ascii_alphanumeric() || "-_.,:/=+@%".contains(c) => word.get_or_insert_with(String::new).push(c),
            _ => return None,
        }
    }
    words.extend(word);
    Some(words)
}

#[test]
fn the_shell_reader_reads_words_as_sh_does() {
    let words = |s: &str| shell_words(s).map(|w| w.join("|"));
    assert_eq!(
        words("curl -X POST 'a b' \\\n  -H \"X: $KLING_API_KEY\"").as_deref(),
        Some("curl|-X|POST|a b|-H|X: $KLING_API_KEY")
    );
    assert_eq!(words("'it'\\''s' \"a\\\"b\"").as_deref(), Some("it's|a\"b"));
    for unsafe_command in
        ["a; b", "a $(b)", "a `b`", "\"$HOME\"", "\"$KLING_API_KEYS\"", "a\nb", "'open", "a | b", "a & b"]
    {
        assert_eq!(words(unsafe_command), None, "{unsafe_command:?}");
    }
}
