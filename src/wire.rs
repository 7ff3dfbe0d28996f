//! What goes on the wire: the URL, the headers, the JSON body, and the same as a curl command.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::input::{Input, Seen, Value};
use crate::json_text::stringify;
use crate::normalize::normalize;
use crate::request::{is_http_url, DEFAULT_BASE_URL};
use crate::validate::{Code, Issue};

/// The path of the create-task endpoint under the base URL.
pub const CREATE_PATH: &str = "/videos/generations";
/// Where `toCurl` puts the key when it redacts it: the shell fills it from the environment.
pub const KEY_PLACEHOLDER: &str = "$KLING_API_KEY";

/// An HTTP request ready to send with `fetch`: `fetch(r.url, r)` works as is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct BuiltRequest {
    pub method: String,
    pub url: String,
    /// Header names and values, in order.
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, string>"))]
    #[serde(serialize_with = "headers_as_object", deserialize_with = "headers_from_object")]
    pub headers: Vec<(String, String)>,
    /// The JSON text of the body.
    #[cfg_attr(feature = "ts", tsify(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

fn headers_as_object<S: serde::Serializer>(headers: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(headers.len()))?;
    for (k, v) in headers {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

fn headers_from_object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    let map = serde_json::Map::<String, Value>::deserialize(d)?;
    map.into_iter()
        .map(|(name, value)| match value {
            Value::String(s) => Ok((name, s)),
            other => Err(serde::de::Error::custom(format!(
                "header {name} must be a string, got {}",
                crate::input::kind(&other)
            ))),
        })
        .collect()
}

/// Where and how to send: both optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuildOptions {
    /// The API key (`aio_...`); without it no `Authorization` header is set (a same-origin
    /// proxy adds it).
    pub api_key: Option<String>,
    /// Default `https://apiin.one/api/v1`; a path such as `/api/v1` for a same-origin proxy.
    pub base_url: Option<String>,
}

impl BuildOptions {
    /// Reads `{ apiKey?, baseUrl? }`; `undefined`/`null` is no options.
    ///
    /// ```
    /// use kling3_wasm::{input::Input, wire::BuildOptions};
    /// let opts = BuildOptions::from_input(&Input::from(serde_json::json!({"apiKey": "aio_k"}))).unwrap();
    /// assert_eq!(opts.api_key.as_deref(), Some("aio_k"));
    /// ```
    pub fn from_input(input: &Input) -> Result<BuildOptions, Error> {
        let mut problems = Vec::new();
        let opts = BuildOptions::read(input, &mut problems);
        if problems.is_empty() {
            Ok(opts)
        } else {
            Err(Error::invalid(problems))
        }
    }

    /// [`BuildOptions::from_input`] that adds its problems to `problems` and gives what it could
    /// read, so a caller can report them with others.
    pub fn read(input: &Input, problems: &mut Vec<Issue>) -> BuildOptions {
        let mut opts = BuildOptions::default();
        match input.seen("", &input.value) {
            Seen::Json(Value::Null) | Seen::Hole(crate::input::Unsendable::Undefined) => {}
            Seen::Json(Value::Object(_)) => {
                opts.api_key = optional_text(input, "apiKey", problems);
                opts.base_url = optional_text(input, "baseUrl", problems);
            }
            _ => problems.push(issue(
                "",
                Code::InvalidType,
                format!("options must be an object, got {}", input.kind_at("", &input.value)),
            )),
        }
        opts
    }
}

fn issue(path: &str, code: Code, message: String) -> Issue {
    Issue { path: path.to_string(), code, message }
}

/// A string option; `null`/absent/empty is `None`. The value is never put in a message,
/// since it may be a key.
fn optional_text(input: &Input, key: &str, problems: &mut Vec<Issue>) -> Option<String> {
    let v = input.get(key)?;
    match input.seen(key, v) {
        Seen::Json(Value::Null) => None,
        Seen::Json(Value::String(s)) if s.is_empty() => None,
        Seen::Json(Value::String(s)) => Some(s.clone()),
        _ => {
            problems.push(issue(
                key,
                Code::InvalidType,
                format!("{key} must be a string, got {}", input.kind_at(key, v)),
            ));
            None
        }
    }
}

/// The problem with an API key that cannot go in a header as is (it must be printable ASCII
/// without spaces), or `None`. The message never repeats the key.
pub fn check_api_key(key: &str) -> Option<Issue> {
    let safe = !key.is_empty() && key.bytes().all(|b| (0x21..=0x7e).contains(&b));
    (!safe).then(|| {
        issue(
            "apiKey",
            Code::InvalidValue,
            "apiKey must be printable ASCII without spaces or line breaks (check for a stray space or quote)"
                .to_string(),
        )
    })
}

/// Checks a base URL and drops its trailing slashes: an absolute http(s) URL, or a path
/// from the site's root (`/api/v1`) for a same-origin proxy.
///
/// ```
/// use kling3_wasm::wire::base_url;
/// assert_eq!(base_url("https://apiin.one/api/v1/").unwrap(), "https://apiin.one/api/v1");
/// assert_eq!(base_url("/api/v1").unwrap(), "/api/v1");
/// assert!(base_url("apiin.one").is_err());
/// assert!(base_url("https://user:pw@apiin.one/api/v1").is_err());
/// ```
pub fn base_url(raw: &str) -> Result<&str, Issue> {
    let trimmed = raw.trim_end_matches('/');
    let is_path = raw.starts_with('/') && !raw.starts_with("//");
    let clean = !raw.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#');
    // A user name or password in the URL would be repeated in every message that names the
    // URL, and fetch refuses such URLs anyway: `@` may only come after the host.
    // (Our own search, not `split_once`: core's string searcher costs 4.4 KB of page, see
    // `crate::text`.)
    let after_scheme = crate::text::occurrences(raw, "://").first().map_or("", |&at| raw.get(at + 3..).unwrap_or(""));
    let authority = after_scheme.split('/').next().unwrap_or("");
    if (is_http_url(raw) || is_path) && clean && !authority.as_bytes().contains(&b'@') {
        Ok(trimmed)
    } else {
        Err(issue(
            "baseUrl",
            Code::InvalidUrl,
            "baseUrl must be an http(s) URL such as https://apiin.one/api/v1, or a path such as /api/v1, without ?, # or a user name"
                .to_string(),
        ))
    }
}

/// The create-task request for `input`: validated, normalized, with its URL and headers.
///
/// ```
/// use kling3_wasm::{input::Input, wire::{build_request, BuildOptions}};
/// let input = Input::from(serde_json::json!({"prompt": "a cat"}));
/// let opts = BuildOptions { api_key: Some("aio_k".into()), base_url: Some("/api/v1/".into()) };
/// let r = build_request(&input, &opts).unwrap();
/// assert_eq!(r.url, "/api/v1/videos/generations");
/// assert_eq!(r.headers[1], ("Authorization".to_string(), "Bearer aio_k".to_string()));
/// ```
pub fn build_request(input: &Input, opts: &BuildOptions) -> Result<BuiltRequest, Error> {
    build(input, opts, Vec::new())
}

/// [`build_request`] with its options as the caller gave them: every problem at once, the
/// request's and the options' (a `baseUrl` that is not a string too).
///
/// ```
/// use kling3_wasm::{input::Input, wire::build_request_with};
/// let input = Input::from(serde_json::json!({"prompt": "", "duration": 99}));
/// let options = Input::from(serde_json::json!({"baseUrl": 5}));
/// let paths: Vec<String> = match build_request_with(&input, &options) {
///     Err(kling3_wasm::error::Error::Validation(report)) => report.errors.into_iter().map(|i| i.path).collect(),
///     _ => unreachable!(),
/// };
/// assert_eq!(paths, ["prompt", "duration", "baseUrl"]);
/// ```
pub fn build_request_with(input: &Input, options: &Input) -> Result<BuiltRequest, Error> {
    let mut problems = Vec::new();
    let opts = BuildOptions::read(options, &mut problems);
    build(input, &opts, problems)
}

fn build(input: &Input, opts: &BuildOptions, mut problems: Vec<Issue>) -> Result<BuiltRequest, Error> {
    let base = match base_url(opts.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL)) {
        Ok(b) => Some(b),
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    if let Some(key) = &opts.api_key {
        match check_api_key(key) {
            None => headers.push(("Authorization".to_string(), format!("Bearer {key}"))),
            Some(problem) => problems.push(problem),
        }
    }
    let body = match normalize(input) {
        Ok(body) => Some(body),
        Err(report) => {
            problems.splice(0..0, report.errors);
            None
        }
    };
    match (base, body) {
        (Some(base), Some(body)) if problems.is_empty() => Ok(BuiltRequest {
            method: "POST".to_string(),
            url: format!("{base}{CREATE_PATH}"),
            headers,
            body: Some(stringify(&body)),
        }),
        _ => Err(Error::invalid(problems)),
    }
}

impl BuiltRequest {
    /// Reads a request object (as `buildRequest` returns it, or written by hand) for `toCurl`.
    pub fn from_input(input: &Input) -> Result<BuiltRequest, Error> {
        let mut problems = Vec::new();
        let Value::Object(_) = &input.value else {
            return Err(Error::invalid(vec![issue(
                "",
                Code::InvalidType,
                format!(
                    "the request must be an object {{method, url, headers, body}}, got {}",
                    input.kind_at("", &input.value)
                ),
            )]));
        };
        // Each field as a rule sees it: `None` when absent.
        let field = |key: &str| input.get(key).map(|v| input.seen(key, v));
        let method = match field("method") {
            None | Some(Seen::Json(Value::Null)) => "POST".to_string(),
            Some(Seen::Json(Value::String(m))) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic()) => {
                m.to_ascii_uppercase()
            }
            Some(_) => {
                problems.push(issue(
                    "method",
                    Code::InvalidValue,
                    "method must be an HTTP method such as \"POST\"".to_string(),
                ));
                String::new()
            }
        };
        let url = match (input.get("url"), field("url")) {
            (_, Some(Seen::Json(Value::String(u)))) if is_http_url(u) || base_url(u).is_ok() => u.clone(),
            (_, Some(Seen::Json(Value::String(_)))) => {
                problems.push(issue(
                    "url",
                    Code::InvalidUrl,
                    "url must be an http(s) URL without spaces or line breaks".to_string(),
                ));
                String::new()
            }
            (Some(v), Some(_)) => {
                problems.push(issue(
                    "url",
                    Code::InvalidType,
                    format!("url must be a string, got {}", input.kind_at("url", v)),
                ));
                String::new()
            }
            _ => {
                problems.push(issue("url", Code::Required, "url is required".to_string()));
                String::new()
            }
        };
        let mut headers = Vec::new();
        match (input.get("headers"), field("headers")) {
            (_, None | Some(Seen::Json(Value::Null))) => {}
            (_, Some(Seen::Json(Value::Object(entries)))) => {
                for (name, value) in entries {
                    let path = format!("headers.{name}");
                    let name_ok = !name.is_empty()
                        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                    match input.seen(&path, value) {
                        Seen::Json(Value::String(s)) if name_ok && !s.bytes().any(|b| b"\r\n\0".contains(&b)) => {
                            headers.push((name.clone(), s.clone()))
                        }
                        Seen::Json(Value::String(_)) => problems.push(issue(
                            &path,
                            Code::InvalidValue,
                            "header names must be tokens, and values must not hold line breaks".to_string(),
                        )),
                        _ => problems.push(issue(
                            &path,
                            Code::InvalidType,
                            format!("{path} must be a string, got {}", input.kind_at(&path, value)),
                        )),
                    }
                }
            }
            (v, Some(_)) => problems.push(issue(
                "headers",
                Code::InvalidType,
                format!("headers must be an object, got {}", input.kind_at("headers", v.unwrap_or(&Value::Null))),
            )),
        }
        let body = match (input.get("body"), field("body")) {
            (_, None | Some(Seen::Json(Value::Null))) => None,
            (_, Some(Seen::Json(Value::String(s)))) => Some(s.clone()),
            (v, Some(_)) => {
                problems.push(issue(
                    "body",
                    Code::InvalidType,
                    format!(
                        "body must be a string (JSON text), got {}",
                        input.kind_at("body", v.unwrap_or(&Value::Null))
                    ),
                ));
                None
            }
        };
        if problems.is_empty() {
            Ok(BuiltRequest { method, url, headers, body })
        } else {
            Err(Error::invalid(problems))
        }
    }
}

/// Quotes a word for a POSIX shell: inside single quotes nothing is special, and a single
/// quote itself is closed, escaped and reopened.
///
/// ```
/// use kling3_wasm::wire::shell_quote;
/// assert_eq!(shell_quote("it's $(here)"), r#"'it'\''s $(here)'"#);
/// ```
pub fn shell_quote(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('\'');
    for c in word.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// A curl command for `request`, safe to paste into a POSIX shell whatever the body holds.
///
/// With `redact_key` (the default in JS) the `Authorization` header reads
/// `Bearer $KLING_API_KEY`, which the shell fills from the environment; the key itself is
/// never written.
pub fn to_curl(request: &BuiltRequest, redact_key: bool) -> String {
    let mut lines = vec![format!("curl -X {} {}", request.method, shell_quote(&request.url))];
    let mut has_auth = false;
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("authorization") {
            has_auth = true;
            if redact_key {
                lines.push(format!("  -H \"{name}: Bearer {KEY_PLACEHOLDER}\""));
                continue;
            }
        }
        lines.push(format!("  -H {}", shell_quote(&format!("{name}: {value}"))));
    }
    if redact_key && !has_auth {
        lines.push(format!("  -H \"Authorization: Bearer {KEY_PLACEHOLDER}\""));
    }
    if let Some(body) = &request.body {
        lines.push(format!("  --data-raw {}", shell_quote(body)));
    }
    lines.join(" \\\n")
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use crate::input::tests::{json, with_holes};
    use crate::input::Unsendable;

    fn opts(key: Option<&str>, base: Option<&str>) -> BuildOptions {
        BuildOptions { api_key: key.map(str::to_string), base_url: base.map(str::to_string) }
    }

    #[test]
    fn urls_are_joined_without_a_double_slash() {
        let input = json(r#"{"prompt":"a"}"#);
        for (base, url) in [
            (None, "https://apiin.one/api/v1/videos/generations"),
            (Some("https://apiin.one/api/v1/"), "https://apiin.one/api/v1/videos/generations"),
            (Some("http://127.0.0.1:8080/api/v1//"), "http://127.0.0.1:8080/api/v1/videos/generations"),
            (Some("/api/v1"), "/api/v1/videos/generations"),
        ] {
            assert_eq!(build_request(&input, &opts(None, base)).unwrap().url, url);
        }
    }

    #[test]
    fn bad_base_urls_and_keys_are_refused_without_echoing_the_key() {
        let input = json(r#"{"prompt":"a"}"#);
        for base in ["apiin.one/api", "//evil.example", "ftp://x", "https://x/api?key=1", "https://x/a b"] {
            let Error::Validation(r) = build_request(&input, &opts(None, Some(base))).unwrap_err() else { panic!() };
            assert_eq!(r.errors[0].path, "baseUrl", "{base}");
        }
        let Error::Validation(r) = build_request(&input, &opts(Some("aio_secret\r\nX: y"), None)).unwrap_err() else {
            panic!()
        };
        assert_eq!((r.errors[0].path.as_str(), r.errors[0].code), ("apiKey", Code::InvalidValue));
        assert!(!r.errors[0].message.contains("aio_secret"));
    }

    #[test]
    fn headers_and_body_are_what_the_api_wants() {
        let r = build_request(&json(r#"{"prompt":"a","x":1}"#), &opts(Some("aio_k"), None)).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.headers,
            [
                ("Content-Type".to_string(), "application/json".to_string()),
                ("Authorization".to_string(), "Bearer aio_k".to_string())
            ]
        );
        assert_eq!(
            r.body.as_deref(),
            Some(
                r#"{"model":"kling-3","prompt":"a","mode":"std","duration":5,"aspect_ratio":"16:9","sound":true,"x":1}"#
            )
        );
        let no_key = build_request(&json(r#"{"prompt":"a"}"#), &opts(None, None)).unwrap();
        assert_eq!(no_key.headers.len(), 1);
    }

    #[test]
    fn an_invalid_request_lists_its_problems_and_the_options_problems_together() {
        let Error::Validation(r) = build_request(&json(r#"{"duration":20}"#), &opts(None, Some("nope"))).unwrap_err()
        else {
            panic!()
        };
        let paths: Vec<&str> = r.errors.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["prompt", "duration", "baseUrl"]);
    }

    #[test]
    fn curl_redacts_the_key_by_default_and_can_show_it() {
        let r = build_request(&json(r#"{"prompt":"a"}"#), &opts(Some("aio_secret"), None)).unwrap();
        let redacted = to_curl(&r, true);
        assert!(!redacted.contains("aio_secret"));
        assert!(redacted.contains("-H \"Authorization: Bearer $KLING_API_KEY\""));
        let shown = to_curl(&r, false);
        assert!(shown.contains("-H 'Authorization: Bearer aio_secret'"));
        assert!(shown.starts_with(
            "curl -X POST 'https://apiin.one/api/v1/videos/generations' \\\n  -H 'Content-Type: application/json'"
        ));
    }

    /// The command, run by a real shell with `curl` replaced by a function that prints its
    /// arguments, must hand curl exactly the body, whatever the prompt holds.
    #[test]
    fn curl_is_safe_in_a_posix_shell_whatever_the_prompt_holds() {
        let nasty = [
            "it's a \"test\"",
            "$(touch /tmp/kling3-pwned) and `touch /tmp/kling3-pwned`",
            "line one\nline two\r\n\ttab",
            "back\\slash \\' and '\\''",
            "$HOME ${PATH} !! * ? ~ # ; & | < > ( ) { }",
            "emoji 🎬 and \u{2028} separators",
        ];
        let _ = std::fs::remove_file("/tmp/kling3-pwned");
        for prompt in nasty {
            let input = Input::from(serde_json::json!({ "prompt": prompt }));
            let r = build_request(&input, &opts(Some("aio_k"), None)).unwrap();
            let script =
                format!("curl() {{ for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }}\n{}", to_curl(&r, false));
            let out = std::process::Command::new("sh").arg("-c").arg(&script).output().expect("sh runs");
            assert!(out.status.success(), "{prompt:?}");
            let args: Vec<String> = out
                .stdout
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            let data_at = args.iter().position(|a| a == "--data-raw").expect("body flag");
            assert_eq!(args.get(data_at + 1), r.body.as_ref(), "{prompt:?}");
            let back: serde_json::Value = serde_json::from_str(&args[data_at + 1]).unwrap();
            assert_eq!(back["prompt"], prompt);
        }
        assert!(!std::path::Path::new("/tmp/kling3-pwned").exists(), "no command ran");
    }

    #[test]
    fn a_request_object_is_read_back_with_its_problems() {
        let ok =
            BuiltRequest::from_input(&json(r#"{"method":"post","url":"https://x/y","headers":{"A":"b"},"body":"{}"}"#))
                .unwrap();
        assert_eq!((ok.method.as_str(), ok.headers.len()), ("POST", 1));
        let Error::Validation(r) =
            BuiltRequest::from_input(&json(r#"{"method":"P OST","url":"x y","headers":{"A":"b\nc","B":1},"body":5}"#))
                .unwrap_err()
        else {
            panic!()
        };
        let paths: Vec<&str> = r.errors.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["method", "url", "headers.A", "headers.B", "body"]);
    }

    #[test]
    fn functions_in_a_request_object_or_options_are_named_in_the_problems() {
        let request = with_holes(
            r#"{"method":null,"url":null,"headers":{"A":null},"body":null}"#,
            &[
                ("method", Unsendable::Function),
                ("url", Unsendable::Function),
                ("headers.A", Unsendable::Symbol),
                ("body", Unsendable::Function),
            ],
        );
        let Error::Validation(r) = BuiltRequest::from_input(&request).unwrap_err() else { panic!() };
        let messages: Vec<&str> = r.errors.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "method must be an HTTP method such as \"POST\"",
                "url must be a string, got a function",
                "headers.A must be a string, got a symbol",
                "body must be a string (JSON text), got a function"
            ]
        );
        let options = with_holes(r#"{"apiKey":null}"#, &[("apiKey", Unsendable::BigInt)]);
        assert_eq!(
            BuildOptions::from_input(&options).unwrap_err().message(),
            "Invalid request: apiKey must be a string, got a bigint"
        );
        assert_eq!(
            BuildOptions::from_input(&with_holes("null", &[("", Unsendable::Undefined)])),
            Ok(BuildOptions::default())
        );
        assert!(BuildOptions::from_input(&json("3")).is_err());
    }

    #[test]
    fn a_built_request_reads_back_from_its_json() {
        let r = build_request(&json(r#"{"prompt":"a"}"#), &opts(Some("aio_k"), None)).unwrap();
        let back: BuiltRequest = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
