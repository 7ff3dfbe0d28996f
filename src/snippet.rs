//! Copy as code: a built request as a snippet in curl, JavaScript (the package's client or
//! plain `fetch`) or Python (`requests`), ready to run unchanged.
//!
//! Every string goes into a literal with explicit escapes, so quotes, backslashes, line breaks,
//! `${}`, `$()`, backticks and invisible characters in a prompt reach the API exactly as
//! `buildRequest` wrote them. A redacted snippet reads the key from the environment variable
//! `KLING_API_KEY` and never contains it.

use crate::error::Error;
use crate::input::{Input, Seen, Unsendable, Value};
use crate::json_text::stringify;
use crate::request::DEFAULT_BASE_URL;
use crate::validate::{Code, Issue};
use crate::wire::{check_api_key, to_curl, BuiltRequest, CREATE_PATH};

/// The environment variable a redacted snippet reads the key from, in every language.
pub const KEY_VARIABLE: &str = "KLING_API_KEY";

/// A language `toSnippet` writes: curl, the package's client, plain `fetch`, or Python `requests`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify, serde::Serialize))]
#[cfg_attr(feature = "ts", serde(rename_all = "lowercase"))]
pub enum SnippetLanguage {
    /// A curl command for a POSIX shell, as `toCurl` writes it.
    Curl,
    /// An ES module with the package's client: `new KlingClient(...).generate(...)`.
    Js,
    /// An ES module with the global `fetch`.
    Fetch,
    /// Python 3 with `requests`.
    Python,
}

impl SnippetLanguage {
    /// Every language, in the order the docs list them.
    pub const ALL: [SnippetLanguage; 4] =
        [SnippetLanguage::Curl, SnippetLanguage::Js, SnippetLanguage::Fetch, SnippetLanguage::Python];

    /// The name JS passes as `language`.
    pub fn as_str(self) -> &'static str {
        match self {
            SnippetLanguage::Curl => "curl",
            SnippetLanguage::Js => "js",
            SnippetLanguage::Fetch => "fetch",
            SnippetLanguage::Python => "python",
        }
    }

    /// The language named `name` (exactly, as `as_str` writes it).
    ///
    /// ```
    /// use kling3_wasm::snippet::SnippetLanguage;
    /// assert_eq!(SnippetLanguage::from_name("python"), Some(SnippetLanguage::Python));
    /// assert_eq!(SnippetLanguage::from_name("Python"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<SnippetLanguage> {
        SnippetLanguage::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

/// Options of `toSnippet`: the language (required) and whether to redact the key (default yes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnippetOptions {
    pub language: SnippetLanguage,
    pub redact_key: bool,
}

impl SnippetOptions {
    /// Reads `{ language, redactKey? }`, naming every bad field.
    ///
    /// ```
    /// use kling3_wasm::{input::Input, snippet::{SnippetLanguage, SnippetOptions}};
    /// let opts = SnippetOptions::from_input(&Input::from(serde_json::json!({"language": "fetch"}))).unwrap();
    /// assert_eq!(opts, SnippetOptions { language: SnippetLanguage::Fetch, redact_key: true });
    /// let bad = SnippetOptions::from_input(&Input::from(serde_json::json!({"language": "ruby"})));
    /// assert_eq!(bad.unwrap_err().message(), r#"Invalid request: language must be one of "curl", "js", "fetch", "python", got "ruby""#);
    /// ```
    pub fn from_input(input: &Input) -> Result<SnippetOptions, Error> {
        let mut problems = Vec::new();
        match read_options(input, &mut problems) {
            Some(options) if problems.is_empty() => Ok(options),
            _ => Err(Error::invalid(problems)),
        }
    }
}

fn issue(path: &str, code: Code, message: String) -> Issue {
    Issue { path: path.to_string(), code, message }
}

/// The languages as a message lists them.
const LANGUAGES: &str = r#""curl", "js", "fetch", "python""#;

/// The value at `path`, unless it is absent, `null` or `undefined`.
fn given<'v>(input: &Input, path: &str, v: Option<&'v Value>) -> Option<&'v Value> {
    v.filter(|v| !matches!(input.seen(path, v), Seen::Json(Value::Null) | Seen::Hole(Unsendable::Undefined)))
}

/// The options in `input`, each problem pushed to `problems`.
fn read_options(input: &Input, problems: &mut Vec<Issue>) -> Option<SnippetOptions> {
    let type_error = |path: &str, v: &Value, wanted: &str| {
        let name = if path.is_empty() { "options" } else { path };
        issue(path, Code::InvalidType, format!("{name} must be {wanted}, got {}", input.kind_at(path, v)))
    };
    if given(input, "", Some(&input.value)).is_some_and(|v| !v.is_object()) {
        problems.push(type_error("", &input.value, "an object { language, redactKey }"));
        return None;
    }
    let language = match given(input, "language", input.get("language")) {
        None => {
            problems.push(issue("language", Code::Required, format!("language is required: one of {LANGUAGES}")));
            None
        }
        Some(Value::String(name)) => {
            let found = SnippetLanguage::from_name(name);
            if found.is_none() {
                let shown: String = name.chars().take(40).collect();
                problems.push(issue(
                    "language",
                    Code::InvalidValue,
                    format!("language must be one of {LANGUAGES}, got {}", crate::json_text::quote(&shown)),
                ));
            }
            found
        }
        Some(v) => {
            problems.push(type_error("language", v, "a string"));
            None
        }
    };
    let redact_key = match given(input, "redactKey", input.get("redactKey")) {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(v) => {
            problems.push(type_error("redactKey", v, "true or false"));
            true
        }
    };
    language.map(|language| SnippetOptions { language, redact_key })
}

/// The snippet for a request object and options as a caller gave them: both read, every
/// problem of either listed at once.
pub fn snippet_for(request: &Input, options: &Input) -> Result<String, Error> {
    let mut problems = Vec::new();
    let request = match BuiltRequest::from_input(request) {
        Ok(request) => Some(request),
        Err(Error::Validation(report)) => {
            problems = report.errors;
            None
        }
        Err(other) => return Err(other),
    };
    match (request, read_options(options, &mut problems)) {
        (Some(request), Some(options)) if problems.is_empty() => to_snippet(&request, options),
        _ => Err(Error::invalid(problems)),
    }
}

/// `request` as code in `options.language`.
///
/// Only the `js` snippet can fail: the client sends a POST of a JSON object to
/// `{baseUrl}/videos/generations` with no headers but its own, so a request it cannot send is
/// refused with the fields that stand in the way (`fetch` sends anything).
///
/// ```
/// use kling3_wasm::{input::Input, snippet::{to_snippet, SnippetLanguage, SnippetOptions}, wire::{build_request, BuildOptions}};
/// let opts = BuildOptions { api_key: Some("aio_secret".into()), base_url: None };
/// let built = build_request(&Input::from(serde_json::json!({"prompt": "a \"cat\""})), &opts).unwrap();
/// let python = to_snippet(&built, SnippetOptions { language: SnippetLanguage::Python, redact_key: true }).unwrap();
/// assert!(python.contains(r#""Authorization": "Bearer " + os.environ["KLING_API_KEY"]"#));
/// assert!(python.contains(r#"data='{"model":"kling-3","prompt":"a \\"cat\\"","#));
/// assert!(!python.contains("aio_secret"));
/// ```
pub fn to_snippet(request: &BuiltRequest, options: SnippetOptions) -> Result<String, Error> {
    let redact = options.redact_key;
    match options.language {
        SnippetLanguage::Curl => Ok(to_curl(request, redact)),
        SnippetLanguage::Fetch => Ok(http_snippet(request, redact, false)),
        SnippetLanguage::Python => Ok(http_snippet(request, redact, true)),
        SnippetLanguage::Js => js_snippet(request, redact),
    }
}

/// Appends each part, then a line break.
fn line(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
    out.push('\n');
}

/// The `fetch` or the Python `requests` call: the request's own method, URL, headers and body
/// text, with the key read from the environment when redacting (and added when the request
/// had none, as `toCurl` does).
fn http_snippet(request: &BuiltRequest, redact: bool, python: bool) -> String {
    let string = |s: &str| literal(s, python);
    let from_env =
        if python { r#""Bearer " + os.environ["KLING_API_KEY"]"# } else { "`Bearer ${process.env.KLING_API_KEY}`" };
    let mut out = String::new();
    let (indent, close) = if python {
        if redact {
            out.push_str("import os\n\n");
        }
        out.push_str("import requests\n\nresponse = requests.");
        if request.method == "POST" {
            line(&mut out, &["post("]);
        } else {
            line(&mut out, &["request(\n    ", &string(&request.method), ","]);
        }
        line(&mut out, &["    ", &string(&request.url), ",\n    headers={"]);
        ("        ", "    },")
    } else {
        line(&mut out, &["const response = await fetch(", &string(&request.url), ", {"]);
        line(&mut out, &["  method: ", &string(&request.method), ",\n  headers: {"]);
        ("    ", "  },")
    };
    let mut has_auth = false;
    for (name, value) in &request.headers {
        let auth = name.eq_ignore_ascii_case("authorization");
        has_auth |= auth;
        let name = if python { string(name) } else { js_key(name) };
        let value = if auth && redact { from_env.to_string() } else { string(value) };
        line(&mut out, &[indent, &name, ": ", &value, ","]);
    }
    if redact && !has_auth {
        let name = if python { "\"Authorization\"" } else { "Authorization" };
        line(&mut out, &[indent, name, ": ", from_env, ","]);
    }
    line(&mut out, &[close]);
    match (&request.body, python) {
        // Bytes: with urllib3 1.x, `requests` sends a `str` body as Latin-1 and fails on other text.
        (Some(body), true) => line(&mut out, &["    data=", &string(body), ".encode(\"utf-8\"),"]),
        (Some(body), false) => line(&mut out, &["  body: ", &string(body), ","]),
        (None, _) => {}
    }
    out.push_str(if python {
        ")\nprint(response.status_code, response.text)\n"
    } else {
        "});\nconsole.log(response.status, await response.text());\n"
    });
    out
}

fn js_snippet(request: &BuiltRequest, redact: bool) -> Result<String, Error> {
    let call = client_call(request, redact)?;
    let mut out = String::from("import { KlingClient } from \"kling3-wasm\";\n\nconst client = new KlingClient({");
    if !call.client.is_empty() {
        out.push('\n');
        for (name, value) in &call.client {
            line(&mut out, &["  ", name, ": ", value, ","]);
        }
    }
    out.push_str("});\nconst task = await client.generate(");
    js_value(&mut out, &call.body, 0);
    if let Some(key) = call.idempotency_key {
        out.push_str(", { idempotencyKey: ");
        out.push_str(&js_string(key));
        out.push_str(" }");
    }
    out.push_str(");\nconsole.log(task.videoUrl);\n");
    Ok(out)
}

/// The client's options (`apiKey`, `baseUrl`, as JS expressions) and what `client.generate`
/// is called with.
struct ClientCall<'a> {
    client: Vec<(&'static str, String)>,
    body: Value,
    idempotency_key: Option<&'a str>,
}

/// Why the client cannot send a field of a request, and which snippet can.
const CLIENT_SENDS: &str = "KlingClient.generate sends only a POST of a JSON object to {baseUrl}/videos/generations, \
     with Content-Type: application/json, Authorization: Bearer <key> and Idempotency-Key; \
     the \"fetch\" snippet sends any request";

/// How the client sends `request`, or the fields it cannot send.
fn client_call(request: &BuiltRequest, redact: bool) -> Result<ClientCall<'_>, Error> {
    let mut refused = Vec::new();
    let mut api_key = redact.then(|| "process.env.KLING_API_KEY".to_string());
    let mut idempotency_key = None;
    if request.method != "POST" {
        refused.push("method".to_string());
    }
    let base = request.url.strip_suffix(CREATE_PATH).filter(|base| !base.is_empty());
    if base.is_none() {
        refused.push("url".to_string());
    }
    for (name, value) in &request.headers {
        let sendable = match name.to_ascii_lowercase().as_str() {
            "content-type" => value.trim().eq_ignore_ascii_case("application/json"),
            "authorization" if redact => true,
            "authorization" => match value.strip_prefix("Bearer ") {
                Some(key) if check_api_key(key).is_none() => {
                    api_key = Some(js_string(key));
                    true
                }
                _ => false,
            },
            "idempotency-key" => {
                idempotency_key = Some(value.as_str());
                true
            }
            _ => false,
        };
        if !sendable {
            refused.push(String::from("headers.") + name);
        }
    }
    let body = request.body.as_deref().and_then(|text| crate::json_text::parse(text).ok());
    if !body.as_ref().is_some_and(Value::is_object) {
        refused.push("body".to_string());
    }
    match (base, body) {
        (Some(base), Some(body)) if refused.is_empty() => {
            let mut client: Vec<(&str, String)> = api_key.map(|key| ("apiKey", key)).into_iter().collect();
            if base != DEFAULT_BASE_URL {
                client.push(("baseUrl", js_string(base)));
            }
            Ok(ClientCall { client, body, idempotency_key })
        }
        _ => Err(Error::invalid(
            refused.into_iter().map(|path| issue(&path, Code::InvalidValue, CLIENT_SENDS.to_string())).collect(),
        )),
    }
}

/// Writes a JSON value as a JS expression, objects and arrays one member a line.
fn js_value(out: &mut String, v: &Value, depth: usize) {
    let indent = |out: &mut String, d: usize| (0..d).for_each(|_| out.push_str("  "));
    let (open, close) = match v {
        Value::String(s) => return out.push_str(&js_string(s)),
        Value::Array(items) if !items.is_empty() => ('[', ']'),
        Value::Object(members) if !members.is_empty() => ('{', '}'),
        // `null`, booleans, numbers (as JS writes them), `[]` and `{}`: JSON text is JS.
        other => return out.push_str(&stringify(other)),
    };
    out.push(open);
    out.push('\n');
    let items = v.as_array().into_iter().flatten().map(|item| (None, item));
    let members = v.as_object().into_iter().flatten().map(|(key, value)| (Some(key), value));
    for (key, value) in items.chain(members) {
        indent(out, depth + 1);
        if let Some(key) = key {
            out.push_str(&js_key(key));
            out.push_str(": ");
        }
        js_value(out, value, depth + 1);
        out.push_str(",\n");
    }
    indent(out, depth);
    out.push(close);
}

/// An object literal's key: bare when it is a plain identifier, else a string. `__proto__`
/// is computed, since written plainly it would set the prototype instead of a field.
fn js_key(key: &str) -> String {
    let mut chars = key.chars();
    let identifier = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if key == "__proto__" {
        String::from("[\"__proto__\"]")
    } else if identifier {
        key.to_string()
    } else {
        js_string(key)
    }
}

/// Characters written as escapes in every language: controls, the Unicode line and paragraph
/// separators (line breaks to some parsers), and the invisible marks that reorder or hide
/// text (the byte order mark, bidirectional controls).
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200e}' | '\u{200f}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A JS string literal for `s`, in double quotes with JSON's escapes, plus `\u` escapes for
/// what would end a `<script>` (`<`) or open a template (`` ` ``, `${`), so the literal stays
/// the same text wherever the snippet is pasted.
///
/// ```
/// use kling3_wasm::snippet::js_string;
/// assert_eq!(js_string("a\"b\\c\n"), r#""a\"b\\c\n""#);
/// assert_eq!(js_string("</script> `${x}` $HOME"), r#""\u003c/script> \u0060\u0024{x}\u0060 $HOME""#);
/// ```
pub fn js_string(s: &str) -> String {
    literal(s, false)
}

/// A Python 3 string literal for `s`, with explicit escapes (no raw or triple-quoted text):
/// single quotes when the text holds double quotes and no single ones, as Python's `repr`
/// chooses, else double quotes.
///
/// ```
/// use kling3_wasm::snippet::python_string;
/// assert_eq!(python_string(r#"{"a":"it's"}"#), r#""{\"a\":\"it's\"}""#);
/// assert_eq!(python_string(r#"{"a":1}"#), r#"'{"a":1}'"#);
/// assert_eq!(python_string("tab\there\u{1}\u{2028}é"), r#""tab\there\x01\u2028é""#);
/// ```
pub fn python_string(s: &str) -> String {
    literal(s, true)
}

/// The string literal of [`js_string`] or [`python_string`].
fn literal(s: &str, python: bool) -> String {
    let quote = if python && s.as_bytes().contains(&b'"') && !s.as_bytes().contains(&b'\'') { '\'' } else { '"' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let short = match c {
            '\\' => '\\',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            '\u{8}' => 'b',
            '\u{c}' => 'f',
            c if c == quote => c,
            '<' | '`' if !python => 'u',
            '$' if !python && chars.peek() == Some(&'{') => 'u',
            c if invisible(c) => 'u',
            c => {
                out.push(c);
                continue;
            }
        };
        out.push('\\');
        let code = u32::from(c);
        match short {
            // `\xNN` in Python for the first 256 characters, as `repr` writes them.
            'u' if python && code <= 0xff => hex(&mut out, 'x', code, 2),
            // Every character escaped here is in the Basic Multilingual Plane.
            'u' => hex(&mut out, 'u', code, 4),
            other => out.push(other),
        }
    }
    out.push(quote);
    out
}

/// Writes `prefix` and `code` as `digits` lowercase hex digits.
fn hex(out: &mut String, prefix: char, code: u32, digits: u32) {
    out.push(prefix);
    for shift in (0..digits).rev() {
        out.push(char::from(b"0123456789abcdef"[((code >> (shift * 4)) & 0xf) as usize]));
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use crate::input::tests::{json, with_holes};
    use crate::input::Unsendable;
    use crate::wire::{build_request, BuildOptions};

    const TRICKY: &str = "it's \"quoted\" \\ back\\slash\nnew line\r\n\ttab ${HOME} $(id) `id` 🎬 é \u{2028}\u{2029} \u{1}\u{7f}\u{85} </script> <!-- \u{202e}";

    fn built(prompt: &str, key: Option<&str>, base: Option<&str>) -> BuiltRequest {
        let opts = BuildOptions { api_key: key.map(str::to_string), base_url: base.map(str::to_string) };
        build_request(&Input::from(serde_json::json!({ "prompt": prompt })), &opts).unwrap()
    }

    fn snippet(request: &BuiltRequest, language: SnippetLanguage, redact_key: bool) -> String {
        to_snippet(request, SnippetOptions { language, redact_key }).unwrap()
    }

    /// Reads back a double- or single-quoted literal written by `js_string` or
    /// `python_string` the way the language would, for the escapes they write.
    fn unquote(literal: &str) -> String {
        let inner = &literal[1..literal.len() - 1];
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let hex = |chars: &mut std::str::Chars, n: usize| {
                let digits: String = chars.take(n).collect();
                char::from_u32(u32::from_str_radix(&digits, 16).unwrap()).unwrap()
            };
            match chars.next().unwrap() {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'x' => out.push(hex(&mut chars, 2)),
                'u' => out.push(hex(&mut chars, 4)),
                other => out.push(other),
            }
        }
        out
    }

    #[test]
    fn string_literals_read_back_as_the_exact_text_in_js_and_python() {
        for text in [TRICKY, "", "'", "\"", "'\"", "\\'", "${", "$", "{", "\u{0}", "\u{9f}\u{feff}\u{2066}"] {
            let js = js_string(text);
            let py = python_string(text);
            assert_eq!(unquote(&js), text, "js {js}");
            assert_eq!(unquote(&py), text, "python {py}");
            for literal in [&js, &py] {
                assert!(!literal.chars().any(invisible), "{literal:?} shows no invisible character");
            }
            assert!(!js.contains(['<', '`']) && !js.contains("${"), "{js}");
        }
    }

    #[test]
    fn each_language_has_its_shape() {
        let r = built("a cat", Some("aio_k"), Some("http://127.0.0.1:9/api/v1"));
        let js = snippet(&r, SnippetLanguage::Js, true);
        assert_eq!(
            js,
            "import { KlingClient } from \"kling3-wasm\";\n\nconst client = new KlingClient({\n  apiKey: process.env.KLING_API_KEY,\n  baseUrl: \"http://127.0.0.1:9/api/v1\",\n});\nconst task = await client.generate({\n  model: \"kling-3\",\n  prompt: \"a cat\",\n  mode: \"std\",\n  duration: 5,\n  aspect_ratio: \"16:9\",\n  sound: true,\n});\nconsole.log(task.videoUrl);\n"
        );
        let fetch = snippet(&r, SnippetLanguage::Fetch, true);
        assert!(fetch.starts_with("const response = await fetch(\"http://127.0.0.1:9/api/v1/videos/generations\", {\n  method: \"POST\",\n  headers: {\n    \"Content-Type\": \"application/json\",\n    Authorization: `Bearer ${process.env.KLING_API_KEY}`,\n  },\n  body: \"{\\\"model\\\":\\\"kling-3\\\""), "{fetch}");
        let python = snippet(&r, SnippetLanguage::Python, true);
        assert!(python.starts_with("import os\n\nimport requests\n\nresponse = requests.post(\n    \"http://127.0.0.1:9/api/v1/videos/generations\",\n    headers={\n        \"Content-Type\": \"application/json\",\n        \"Authorization\": \"Bearer \" + os.environ[\"KLING_API_KEY\"],\n    },\n    data='{\"model\":\"kling-3\","), "{python}");
        assert_eq!(snippet(&r, SnippetLanguage::Curl, true), to_curl(&r, true));
        assert_eq!(snippet(&r, SnippetLanguage::Curl, false), to_curl(&r, false));
    }

    #[test]
    fn a_redacted_snippet_reads_the_key_from_the_environment_in_every_language() {
        for key in [Some("aio_secret123"), None] {
            let r = built(TRICKY, key, None);
            for language in SnippetLanguage::ALL {
                let text = snippet(&r, language, true);
                assert!(!text.contains("aio_secret123"), "{language:?}");
                assert!(text.contains(KEY_VARIABLE), "{language:?} with key {key:?}");
            }
        }
    }

    #[test]
    fn an_unredacted_snippet_writes_the_key_and_a_keyless_one_sends_none() {
        let r = built("a", Some("aio_secret123"), None);
        for language in SnippetLanguage::ALL {
            let text = snippet(&r, language, false);
            assert!(text.contains("aio_secret123"), "{language:?}");
            assert!(!text.contains(KEY_VARIABLE), "{language:?}");
        }
        let keyless = built("a", None, Some("/api/v1"));
        for language in SnippetLanguage::ALL {
            assert!(!snippet(&keyless, language, false).contains("Authorization"), "{language:?}");
        }
        assert!(
            snippet(&keyless, SnippetLanguage::Js, false).contains("new KlingClient({\n  baseUrl: \"/api/v1\",\n})")
        );
        assert!(snippet(&built("a", None, None), SnippetLanguage::Js, false).contains("new KlingClient({});"));
    }

    #[test]
    fn the_js_snippet_writes_the_body_as_an_object_literal_with_the_same_values() {
        let body = serde_json::json!({
            "prompt": TRICKY, "multi_shot": true, "shot_type": "customize",
            "multi_prompt": [{"index": 1, "prompt": "a", "duration": 3}, {"index": 2, "prompt": "b", "duration": 2}],
            "kling_elements": [], "extra": {}, "__proto__": {"x": 1}, "not an id": 1e21, "n": -0.5,
        });
        let request = build_request(&Input::from(body), &BuildOptions::default()).unwrap();
        let js = snippet(&request, SnippetLanguage::Js, true);
        assert!(js.contains("\n  [\"__proto__\"]: {\n    x: 1,\n  },\n"), "{js}");
        assert!(js.contains("\n  \"not an id\": 1e+21,\n  n: -0.5,\n"), "{js}");
        assert!(js.contains("\n  kling_elements: [],\n") && js.contains("\n  extra: {},\n"), "{js}");
        assert!(js.contains("\n  multi_prompt: [\n    {\n      index: 1,\n"), "{js}");
        assert!(js.contains(&format!("prompt: {},", js_string(TRICKY))));
    }

    #[test]
    fn the_js_snippet_passes_an_idempotency_key_and_refuses_what_the_client_cannot_send() {
        let mut r = built("a", Some("aio_k"), None);
        r.headers.push(("Idempotency-Key".into(), "k-1".into()));
        assert!(snippet(&r, SnippetLanguage::Js, false).contains("}, { idempotencyKey: \"k-1\" });"));
        let mut odd = built("a", Some("aio_k"), None);
        odd.method = "PUT".into();
        odd.url = "https://x/other".into();
        odd.headers.push(("X-Trace".into(), "1".into()));
        odd.headers[0].1 = "text/plain".into();
        odd.headers[1].1 = "Basic abc".into();
        odd.body = Some("[1]".into());
        let Error::Validation(report) =
            to_snippet(&odd, SnippetOptions { language: SnippetLanguage::Js, redact_key: false }).unwrap_err()
        else {
            panic!()
        };
        let paths: Vec<&str> = report.errors.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            ["method", "url", "headers.Content-Type", "headers.Authorization", "headers.X-Trace", "body"]
        );
        assert!(report.errors.iter().all(|i| !i.message.contains("abc")));
        for language in [SnippetLanguage::Curl, SnippetLanguage::Fetch, SnippetLanguage::Python] {
            assert!(to_snippet(&odd, SnippetOptions { language, redact_key: false }).is_ok());
        }
        let python = snippet(&odd, SnippetLanguage::Python, false);
        assert!(python.contains("requests.request(\n    \"PUT\",\n    \"https://x/other\",\n"), "{python}");
    }

    #[test]
    fn options_name_every_bad_field() {
        let cases: [(Input, &[(&str, Code)]); 6] = [
            (
                json(r#"{"language":"ruby","redactKey":"no"}"#),
                &[("language", Code::InvalidValue), ("redactKey", Code::InvalidType)],
            ),
            (json(r#"{"language":3}"#), &[("language", Code::InvalidType)]),
            (json(r#"{}"#), &[("language", Code::Required)]),
            (json("null"), &[("language", Code::Required)]),
            (json(r#""js""#), &[("", Code::InvalidType)]),
            (
                with_holes(
                    r#"{"language":null,"redactKey":null}"#,
                    &[("language", Unsendable::Function), ("redactKey", Unsendable::Symbol)],
                ),
                &[("language", Code::InvalidType), ("redactKey", Code::InvalidType)],
            ),
        ];
        for (input, expected) in cases {
            let Error::Validation(report) = SnippetOptions::from_input(&input).unwrap_err() else { panic!() };
            let got: Vec<(&str, Code)> = report.errors.iter().map(|i| (i.path.as_str(), i.code)).collect();
            assert_eq!(got, expected, "{:?}", input.value);
        }
        let undefined = with_holes(r#"{"language":"curl","redactKey":null}"#, &[("redactKey", Unsendable::Undefined)]);
        assert_eq!(
            SnippetOptions::from_input(&undefined),
            Ok(SnippetOptions { language: SnippetLanguage::Curl, redact_key: true })
        );
    }

    #[test]
    fn a_bad_request_and_bad_options_are_reported_together() {
        let Error::Validation(report) = snippet_for(&json(r#"{"url":5}"#), &json(r#"{"language":"go"}"#)).unwrap_err()
        else {
            panic!()
        };
        let paths: Vec<&str> = report.errors.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["url", "language"]);
        let ok =
            snippet_for(&json(r#"{"url":"https://x/videos/generations","body":"{}"}"#), &json(r#"{"language":"js"}"#));
        assert!(ok.unwrap().contains("baseUrl: \"https://x\""));
    }

    /// Python itself reads each literal back to the exact text (skipped when no `python3`).
    #[test]
    fn python_reads_its_literal_back_to_the_exact_text() {
        let script = format!("import sys\nsys.stdout.buffer.write({}.encode('utf-8'))", python_string(TRICKY));
        let Ok(out) = std::process::Command::new("python3").arg("-c").arg(&script).output() else { return };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), TRICKY);
    }
}
