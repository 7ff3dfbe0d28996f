//! What goes on the wire: the URL, the headers, the JSON body, and the same as a curl command.

#[allow(unused_imports)]
use crate::prelude::*;

use serde::Serialize;

use crate::error::Error;
use crate::normalize::normalize;
use crate::request::{is_http_url, DEFAULT_BASE_URL};
use crate::validate::{Code, Issue};
use crate::value::Value;

/// The path of the create-task endpoint under the base URL.
pub const CREATE_PATH: &str = "/videos/generations";
/// Where `toCurl` puts the key when it redacts it: the shell fills it from the environment.
pub const KEY_PLACEHOLDER: &str = "$KLING_API_KEY";

/// An HTTP request ready to send with `fetch`: `fetch(r.url, r)` works as is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct BuiltRequest {
    pub method: String,
    pub url: String,
    /// Header names and values, in order.
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, string>"))]
    #[serde(serialize_with = "headers_as_object")]
    pub headers: Vec<(String, String)>,
    /// The JSON text of the body.
    #[cfg_attr(feature = "ts", tsify(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
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
    pub fn from_value(v: &Value) -> Result<BuildOptions, Error> {
        let mut problems = Vec::new();
        let mut opts = BuildOptions::default();
        match v {
            Value::Null => {}
            Value::Object(_) => {
                opts.api_key = optional_text(v, "apiKey", &mut problems);
                opts.base_url = optional_text(v, "baseUrl", &mut problems);
            }
            other => problems.push(issue("", Code::InvalidType, cat!("options must be an object, got ", other.kind()))),
        }
        if problems.is_empty() {
            Ok(opts)
        } else {
            Err(Error::invalid(problems))
        }
    }
}

fn issue(path: &str, code: Code, message: String) -> Issue {
    Issue { path: path.to_string(), code, message }
}

/// A string option; `null`/absent/empty is `None`. The value is never put in a message,
/// since it may be a key.
fn optional_text(v: &Value, key: &str, problems: &mut Vec<Issue>) -> Option<String> {
    match v.get(key)? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => {
            problems.push(issue(key, Code::InvalidType, cat!(key, " must be a string, got ", other.kind())));
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
/// ```
pub fn base_url(raw: &str) -> Result<&str, Issue> {
    let trimmed = raw.trim_end_matches('/');
    let is_path = raw.starts_with('/') && !raw.starts_with("//");
    let clean = !raw.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#');
    if (is_http_url(raw) || is_path) && clean {
        Ok(trimmed)
    } else {
        Err(issue(
            "baseUrl",
            Code::InvalidUrl,
            "baseUrl must be an http(s) URL such as https://apiin.one/api/v1, or a path such as /api/v1, without ? or #"
                .to_string(),
        ))
    }
}

/// The create-task request for `input`: validated, normalized, with its URL and headers.
///
/// ```
/// use kling3_wasm::{wire::{build_request, BuildOptions}, value::Value};
/// let input = Value::Object(vec![("prompt".into(), Value::String("a cat".into()))]);
/// let opts = BuildOptions { api_key: Some("aio_k".into()), base_url: Some("/api/v1/".into()) };
/// let r = build_request(&input, &opts).unwrap();
/// assert_eq!(r.url, "/api/v1/videos/generations");
/// assert_eq!(r.headers[1], ("Authorization".to_string(), "Bearer aio_k".to_string()));
/// ```
pub fn build_request(input: &Value, opts: &BuildOptions) -> Result<BuiltRequest, Error> {
    let mut problems = Vec::new();
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
            None => headers.push(("Authorization".to_string(), cat!("Bearer ", key))),
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
            url: cat!(base, CREATE_PATH),
            headers,
            body: Some(body.to_json()),
        }),
        _ => Err(Error::invalid(problems)),
    }
}

impl BuiltRequest {
    /// Reads a request object (as `buildRequest` returns it, or written by hand) for `toCurl`.
    pub fn from_value(v: &Value) -> Result<BuiltRequest, Error> {
        let mut problems = Vec::new();
        let Value::Object(_) = v else {
            return Err(Error::invalid(vec![issue(
                "",
                Code::InvalidType,
                cat!("the request must be an object {method, url, headers, body}, got ", v.kind()),
            )]));
        };
        let method = match v.get("method") {
            None | Some(Value::Null) => "POST".to_string(),
            Some(Value::String(m)) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic()) => {
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
        let url = match v.get("url") {
            Some(Value::String(u)) if is_http_url(u) || base_url(u).is_ok() => u.clone(),
            Some(Value::String(_)) => {
                problems.push(issue(
                    "url",
                    Code::InvalidUrl,
                    "url must be an http(s) URL without spaces or line breaks".to_string(),
                ));
                String::new()
            }
            Some(other) => {
                problems.push(issue("url", Code::InvalidType, cat!("url must be a string, got ", other.kind())));
                String::new()
            }
            None => {
                problems.push(issue("url", Code::Required, "url is required".to_string()));
                String::new()
            }
        };
        let mut headers = Vec::new();
        match v.get("headers") {
            None | Some(Value::Null) => {}
            Some(Value::Object(entries)) => {
                for (name, value) in entries {
                    let path = cat!("headers.", name);
                    let name_ok = !name.is_empty()
                        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                    match value {
                        Value::String(s) if name_ok && !s.contains(['\r', '\n', '\0']) => {
                            headers.push((name.clone(), s.clone()))
                        }
                        Value::String(_) => problems.push(issue(
                            &path,
                            Code::InvalidValue,
                            "header names must be tokens, and values must not hold line breaks".to_string(),
                        )),
                        other => problems.push(issue(
                            &path,
                            Code::InvalidType,
                            cat!(path, " must be a string, got ", other.kind()),
                        )),
                    }
                }
            }
            Some(other) => problems.push(issue(
                "headers",
                Code::InvalidType,
                cat!("headers must be an object, got ", other.kind()),
            )),
        }
        let body = match v.get("body") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                problems.push(issue(
                    "body",
                    Code::InvalidType,
                    cat!("body must be a string (JSON text), got ", other.kind()),
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
    let mut lines = vec![cat!("curl -X ", request.method, " ", shell_quote(&request.url))];
    let mut has_auth = false;
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("authorization") {
            has_auth = true;
            if redact_key {
                lines.push(cat!("  -H \"", name, ": Bearer ", KEY_PLACEHOLDER, "\""));
                continue;
            }
        }
        lines.push(cat!("  -H ", shell_quote(&cat!(name, ": ", value))));
    }
    if redact_key && !has_auth {
        lines.push(cat!("  -H \"Authorization: Bearer ", KEY_PLACEHOLDER, "\""));
    }
    if let Some(body) = &request.body {
        lines.push(cat!("  --data-raw ", shell_quote(body)));
    }
    lines.join(" \\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::tests::json;

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
            let mut input = Value::Object(vec![]);
            input.insert("prompt", Value::String(prompt.to_string()));
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
            BuiltRequest::from_value(&json(r#"{"method":"post","url":"https://x/y","headers":{"A":"b"},"body":"{}"}"#))
                .unwrap();
        assert_eq!((ok.method.as_str(), ok.headers.len()), ("POST", 1));
        let Error::Validation(r) =
            BuiltRequest::from_value(&json(r#"{"method":"P OST","url":"x y","headers":{"A":"b\nc","B":1},"body":5}"#))
                .unwrap_err()
        else {
            panic!()
        };
        let paths: Vec<&str> = r.errors.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["method", "url", "headers.A", "headers.B", "body"]);
    }
}
