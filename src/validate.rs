//! Validation: every problem of a request at once, each with the field's path, a stable code
//! and a message a person understands.
//!
//! Errors are what would make the API refuse the task (or make the package send something
//! else than the user meant); warnings are what the API will ignore or may not accept.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::input::{join, kind, Input, Map, Seen, Unsendable, Value};
use crate::json_text::{number_text, quote};
use crate::request::{
    is_http_url, AspectRatio, Element, KlingRequest, Mode, Seconds, Shot, ELEMENT_VIDEOS, MAX_ELEMENTS,
    MAX_ELEMENT_IMAGES, MAX_PROMPT_CHARS, MAX_SECONDS, MAX_SHOTS, MAX_SHOT_PROMPT_CHARS, MIN_ELEMENT_IMAGES,
    MIN_SECONDS, MIN_SHOT_SECONDS, MODEL,
};
use crate::text::occurrences;

/// What kind of problem an [`Issue`] is: stable, for programs to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A field that must be there is missing or empty.
    Required,
    /// The value has the wrong JSON type (a number where a string is needed...).
    InvalidType,
    /// The value is not one of the allowed values.
    InvalidValue,
    /// A number outside its bounds.
    OutOfRange,
    /// A text or a list longer than allowed.
    TooLong,
    /// Not an absolute http(s) URL.
    InvalidUrl,
    /// `duration` and the shots' total disagree.
    DurationMismatch,
    /// Two elements share a name.
    Duplicate,
    /// The input is nested too deeply or is too big to check.
    TooLarge,
    /// A field the API does not document (warning; the field is sent as is).
    UnknownField,
    /// A field the API will ignore in this request (warning).
    Ignored,
    /// An element the prompt never refers to as `@name` (warning).
    Unreferenced,
}

impl Code {
    /// The code as JS sees it (the same word serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::InvalidType => "invalid_type",
            Code::InvalidValue => "invalid_value",
            Code::OutOfRange => "out_of_range",
            Code::TooLong => "too_long",
            Code::InvalidUrl => "invalid_url",
            Code::DurationMismatch => "duration_mismatch",
            Code::Duplicate => "duplicate",
            Code::TooLarge => "too_large",
            Code::UnknownField => "unknown_field",
            Code::Ignored => "ignored",
            Code::Unreferenced => "unreferenced",
        }
    }

    pub const ALL: [Code; 12] = [
        Code::Required,
        Code::InvalidType,
        Code::InvalidValue,
        Code::OutOfRange,
        Code::TooLong,
        Code::InvalidUrl,
        Code::DurationMismatch,
        Code::Duplicate,
        Code::TooLarge,
        Code::UnknownField,
        Code::Ignored,
        Code::Unreferenced,
    ];
}

/// One problem found in a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct Issue {
    /// The field, written the way a user would: `""` for the whole input, `"prompt"`,
    /// `"multi_prompt[1].duration"`.
    pub path: String,
    pub code: Code,
    pub message: String,
}

/// The outcome of [`validate`].
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct Validation {
    /// `errors.length === 0`.
    pub valid: bool,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

/// Checks a request and returns every problem, plus the request as far as it could be read.
///
/// ```
/// use kling3_wasm::{input::Input, validate::validate};
/// let input = Input::from(serde_json::json!({"duration": 20}));
/// let (_, report) = validate(&input);
/// assert!(!report.valid);
/// assert_eq!(report.errors.len(), 2); // the prompt is missing, the duration out of range
/// ```
pub fn validate(input: &Input) -> (KlingRequest, Validation) {
    let mut c = Checker::new(input);
    let mut req = KlingRequest::default();
    match &input.value {
        Value::Object(entries) => check_request(entries, &mut req, &mut c),
        other => c.wrong_type(At::Path(""), "an object", other),
    }
    if !c.holes.is_empty() {
        // The fields a rule already reported, looked up once per hole (a list would make an
        // input of many holes take time by the square of their number). A map of the holes'
        // kind, the values unused: one map type in the module rather than two. A hash map, as
        // the JSON objects' maps link the hashing in already: smaller code than a B-tree.
        let rules = std::mem::take(&mut c.errors);
        let mut reported: HashMap<&str, Unsendable> = HashMap::new();
        for issue in &rules {
            reported.entry(issue.path.as_str()).or_insert(Unsendable::Undefined);
        }
        check_sendable(&input.value, "", &reported, &mut c);
        let holes = std::mem::replace(&mut c.errors, rules);
        c.errors.extend(holes);
    }
    let report = Validation { valid: c.errors.is_empty(), errors: c.errors, warnings: c.warnings };
    (req, report)
}

struct Checker<'i> {
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    /// The input's holes by path. Were two recorded at one path, the first that must be
    /// reported would stand for both (paths quote keys that read as path syntax, so two places
    /// never share one).
    holes: HashMap<&'i str, Unsendable>,
}

/// A place in the request, written out as a path only when a message or a hole needs it: a
/// valid request is checked without building a single path.
#[derive(Clone, Copy)]
enum At<'a> {
    /// A path written already.
    Path(&'a str),
    /// `parent.key` (see [`join`]).
    Key(&'a At<'a>, &'a str),
    /// `parent[i]`.
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    fn write(&self, out: &mut String) {
        match self {
            At::Path(p) => out.push_str(p),
            At::Key(parent, key) => {
                parent.write(out);
                crate::input::push_key(out, key);
            }
            At::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }

    fn text(&self) -> String {
        match self {
            At::Path(p) => p.to_string(),
            _ => {
                let mut out = String::new();
                self.write(&mut out);
                out
            }
        }
    }
}

impl<'a> From<&'a str> for At<'a> {
    fn from(path: &'a str) -> At<'a> {
        At::Path(path)
    }
}

impl<'a> From<&'a String> for At<'a> {
    fn from(path: &'a String) -> At<'a> {
        At::Path(path)
    }
}

impl<'i> Checker<'i> {
    fn new(input: &'i Input) -> Checker<'i> {
        let mut holes = HashMap::new();
        for hole in &input.holes {
            holes
                .entry(hole.path.as_str())
                .and_modify(|what| {
                    if matches!(what, Unsendable::NotFinite(_)) {
                        *what = hole.what;
                    }
                })
                .or_insert(hole.what);
        }
        Checker { errors: Vec::new(), warnings: Vec::new(), holes }
    }

    /// The value at `at`, or the hole it stands for (a hole reads as `null`).
    fn seen<'v>(&self, at: At<'_>, v: &'v Value) -> Seen<'v> {
        if let (Value::Null, false) = (v, self.holes.is_empty()) {
            if let Some(what) = self.holes.get(at.text().as_str()) {
                return Seen::Hole(*what);
            }
        }
        Seen::Json(v)
    }

    fn error(&mut self, at: At<'_>, code: Code, message: String) {
        self.errors.push(Issue { path: at.text(), code, message });
    }

    fn warn(&mut self, at: At<'_>, code: Code, message: String) {
        self.warnings.push(Issue { path: at.text(), code, message });
    }

    /// Reports a value of the wrong type; holes say what they were.
    fn wrong_type(&mut self, at: At<'_>, expected: &str, got: &Value) {
        let path = at.text();
        let name = if path.is_empty() { "the request" } else { &path };
        let (code, message) = match self.seen(at, got) {
            Seen::Hole(what @ Unsendable::TooLarge) => {
                (Code::TooLarge, format!("{name} must be {expected}, got {}", what.describe()))
            }
            Seen::Hole(what @ Unsendable::BrokenText) => (Code::InvalidValue, format!("{name} is {}", what.describe())),
            Seen::Hole(what) => (Code::InvalidType, format!("{name} must be {expected}, got {}", what.kind())),
            Seen::Json(v) => (Code::InvalidType, format!("{name} must be {expected}, got {}", kind(v))),
        };
        self.errors.push(Issue { path, code, message });
    }

    /// A string field; reports a wrong type and returns `None` for it.
    fn string<'v>(&mut self, at: At<'_>, v: &'v Value) -> Option<&'v str> {
        if let Value::String(s) = v {
            return Some(s);
        }
        match self.seen(at, v) {
            Seen::Hole(Unsendable::LongString { units }) => {
                let path = at.text();
                let message =
                    format!("{path} got a string of about {units} characters, far longer than any allowed value");
                self.error(At::from(&path), Code::InvalidValue, message);
                None
            }
            _ => {
                self.wrong_type(at, "a string", v);
                None
            }
        }
    }

    fn boolean(&mut self, at: At<'_>, v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(at, "true or false", other);
                None
            }
        }
    }

    fn array<'v>(&mut self, at: At<'_>, v: &'v Value) -> Option<&'v [Value]> {
        match v {
            Value::Array(items) => Some(items),
            other => {
                self.wrong_type(at, "an array", other);
                None
            }
        }
    }

    /// A text with a length limit in Unicode characters; empty (or blank) counts as missing.
    fn text(&mut self, at: At<'_>, v: &Value, max_chars: usize) -> Option<String> {
        if let Seen::Hole(Unsendable::LongString { units }) = self.seen(at, v) {
            let path = at.text();
            self.error(
                At::from(&path),
                Code::TooLong,
                format!("{path} must be at most {max_chars} characters, got about {units}"),
            );
            return None;
        }
        let s = self.string(at, v)?;
        if s.trim().is_empty() {
            let path = at.text();
            self.error(At::from(&path), Code::Required, format!("{path} must not be empty"));
            return None;
        }
        // Only a text longer in bytes than the limit in characters may be too long.
        let chars = if s.len() > max_chars { s.chars().count() } else { s.len() };
        if chars > max_chars {
            let path = at.text();
            self.error(
                At::from(&path),
                Code::TooLong,
                format!("{path} must be at most {max_chars} characters, got {chars}"),
            );
            return None;
        }
        Some(s.to_string())
    }

    /// A whole number of seconds within `min..=max`.
    fn seconds(&mut self, at: At<'_>, v: &Value, min: u32, max: u32) -> Option<Seconds> {
        let n = match self.seen(at, v) {
            Seen::Json(Value::Number(n)) => n.as_f64()?,
            Seen::Hole(Unsendable::NotFinite(n)) => n,
            _ => {
                self.wrong_type(at, "a number", v);
                return None;
            }
        };
        let code = if !is_whole(n) {
            Code::InvalidValue
        } else if n < f64::from(min) || n > f64::from(max) {
            Code::OutOfRange
        } else {
            return Some(Seconds(n as u32));
        };
        // The message is written only for a problem.
        let path = at.text();
        let rule = format!("{path} must be a whole number of seconds from {min} to {max}, got {}", number_text(n));
        self.error(At::from(&path), code, rule);
        None
    }

    /// An http(s) URL; `what` says which (written into the message only for a problem).
    fn url(&mut self, at: At<'_>, v: &Value, what: &dyn std::fmt::Display) -> Option<String> {
        if let Seen::Hole(Unsendable::LongString { .. }) = self.seen(at, v) {
            let path = at.text();
            self.error(
                At::from(&path),
                Code::InvalidUrl,
                format!("{path} must be {what}, got a string far too long for a URL"),
            );
            return None;
        }
        let s = self.string(at, v)?;
        if !is_http_url(s) {
            let path = at.text();
            self.error(At::from(&path), Code::InvalidUrl, format!("{path} must be {what}, got {}", quoted(s)));
            return None;
        }
        Some(s.to_string())
    }

    /// The values of the fields named in `known`, in its order, read in one pass over
    /// `entries` that also warns of each field not in `known` (in the caller's order).
    fn known_fields<'v, const N: usize>(
        &mut self,
        prefix: At<'_>,
        entries: &'v Map<String, Value>,
        known: &[&str; N],
    ) -> [Option<&'v Value>; N] {
        let mut found = [None; N];
        self.fill_known(prefix, entries, known, &mut found);
        found
    }

    /// [`Checker::known_fields`], written once for every length.
    fn fill_known<'v>(
        &mut self,
        prefix: At<'_>,
        entries: &'v Map<String, Value>,
        known: &[&str],
        found: &mut [Option<&'v Value>],
    ) {
        for (key, value) in entries {
            match known.iter().position(|name| name == key) {
                Some(i) => found[i] = Some(value),
                None => {
                    let path = At::Key(&prefix, key).text();
                    self.warn(
                        At::from(&path),
                        Code::UnknownField,
                        format!("{path} is not a field the API documents; it is sent as is"),
                    );
                }
            }
        }
    }
}

/// Whether a number is finite and whole.
fn is_whole(n: f64) -> bool {
    n.is_finite() && n.fract() == 0.0
}

/// Reports the holes of the input wherever they are (unknown fields included), unless a rule
/// already reported that field: nothing may be dropped silently. `NaN` and the infinities are
/// the exception outside the fields that read them: JSON writes them as `null`, as JS does.
fn check_sendable(v: &Value, path: &str, reported: &HashMap<&str, Unsendable>, c: &mut Checker) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_sendable(item, &format!("{path}[{i}]"), reported, c);
            }
        }
        Value::Object(entries) => {
            for (key, value) in entries {
                check_sendable(value, &join(path, key), reported, c);
            }
        }
        Value::Null => {
            let Seen::Hole(what) = c.seen(path.into(), v) else {
                return;
            };
            if matches!(what, Unsendable::NotFinite(_)) || reported.contains_key(path) {
                return;
            }
            let (code, why) = match what {
                Unsendable::TooLarge => (Code::TooLarge, what.describe()),
                Unsendable::BrokenText => (Code::InvalidValue, what.describe()),
                Unsendable::LongString { .. } => (Code::TooLong, "a string over a million characters".to_string()),
                other => (Code::InvalidType, other.describe()),
            };
            let name = if path.is_empty() { "the request" } else { path };
            c.error(At::from(path), code, format!("{name} cannot be sent as JSON: it is {why}"));
        }
        _ => {}
    }
}

/// A user's text in a message: JSON-quoted, and cut short when long.
fn quoted(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX).and_then(|(cut, _)| s.get(..cut)) {
        Some(head) => format!("{}…", quote(head)),
        None => quote(s),
    }
}

fn check_request(entries: &Map<String, Value>, req: &mut KlingRequest, c: &mut Checker) {
    // In the order of `FIELDS` (a test below holds it).
    let [model, prompt, mode, duration, aspect_ratio, sound, image, multi_shots, multi_prompt, kling_elements, callback_url] =
        c.known_fields(At::Path(""), entries, &crate::request::FIELDS);

    if let Some(v) = model {
        if let Some(s) = c.string(At::Path("model"), v) {
            if s == MODEL {
                req.model = Some(s.to_string());
            } else {
                c.error(At::Path("model"), Code::InvalidValue, format!("model must be \"{MODEL}\", got {}", quoted(s)));
            }
        }
    }

    if let Some(v) = multi_shots {
        req.multi_shots = c.boolean(At::Path("multi_shots"), v);
    }
    let multi = req.is_multi_shot();

    match prompt {
        Some(v) => {
            req.prompt = c.text(At::Path("prompt"), v, MAX_PROMPT_CHARS);
            if multi && req.prompt.is_some() {
                c.warn(
                    At::Path("prompt"),
                    Code::Ignored,
                    "prompt is ignored in multi-shot mode: each shot's prompt is used instead".to_string(),
                );
            }
        }
        None if !multi => c.error(
            At::Path("prompt"),
            Code::Required,
            format!("prompt is required (a text of at most {MAX_PROMPT_CHARS} characters) unless multi_shots is true"),
        ),
        None => {}
    }

    if let Some(v) = mode {
        if let Some(s) = c.string(At::Path("mode"), v) {
            req.mode = Mode::parse(s);
            if req.mode.is_none() {
                c.error(
                    At::Path("mode"),
                    Code::InvalidValue,
                    format!("mode must be \"std\" or \"pro\", got {}", quoted(s)),
                );
            }
        }
    }

    if let Some(v) = duration {
        req.duration = c.seconds(At::Path("duration"), v, MIN_SECONDS, MAX_SECONDS);
    }

    if let Some(v) = aspect_ratio {
        if let Some(s) = c.string(At::Path("aspect_ratio"), v) {
            req.aspect_ratio = AspectRatio::parse(s);
            if req.aspect_ratio.is_none() {
                c.error(
                    At::Path("aspect_ratio"),
                    Code::InvalidValue,
                    format!("aspect_ratio must be \"16:9\", \"9:16\" or \"1:1\", got {}", quoted(s)),
                );
            }
        }
    }

    if let Some(v) = sound {
        req.sound = c.boolean(At::Path("sound"), v);
    }

    if let Some(v) = image {
        req.image = c.url(At::Path("image"), v, &"an http(s) URL of a JPG or PNG image");
        if req.image.is_some() && aspect_ratio.is_some() {
            c.warn(
                At::Path("aspect_ratio"),
                Code::Ignored,
                "aspect_ratio is ignored when an image is given: the video takes the image's shape".to_string(),
            );
        }
    }

    if let Some(v) = callback_url {
        req.callback_url = c.url(At::Path("callback_url"), v, &"an http(s) URL");
    }

    check_shots(multi_prompt, multi, req, c);

    if let Some(v) = kling_elements {
        req.kling_elements = check_elements(v, c);
    }
    check_element_references(req, c);
}

fn check_shots(value: Option<&Value>, multi: bool, req: &mut KlingRequest, c: &mut Checker) {
    let Some(value) = value else {
        if multi {
            c.error(At::Path("multi_prompt"),
                Code::Required,
                format!("multi_prompt is required in multi-shot mode: a list of 1 to {MAX_SHOTS} shots, each {{prompt, duration}}"),
            );
        }
        return;
    };
    if !multi {
        c.warn(
            At::Path("multi_prompt"),
            Code::Ignored,
            "multi_prompt is ignored unless multi_shots is true".to_string(),
        );
    }
    let Some(items) = c.array(At::Path("multi_prompt"), value) else {
        return;
    };
    if multi && items.is_empty() {
        c.error(At::Path("multi_prompt"), Code::Required, "multi_prompt needs at least one shot".to_string());
        return;
    }
    if items.len() > MAX_SHOTS {
        c.error(
            At::Path("multi_prompt"),
            Code::TooLong,
            format!("multi_prompt can hold at most {MAX_SHOTS} shots, got {}", items.len()),
        );
    }
    let mut shots = Vec::with_capacity(items.len());
    // The shots' total, while every shot has a valid duration.
    let mut total = Some(0u32);
    let list = At::Path("multi_prompt");
    for (i, item) in items.iter().enumerate() {
        let at = At::Index(&list, i);
        let Value::Object(fields) = item else {
            c.wrong_type(at, "an object {prompt, duration}", item);
            total = None;
            continue;
        };
        let [prompt, duration] = c.known_fields(at, fields, &["prompt", "duration"]);
        let prompt_at = At::Key(&at, "prompt");
        let prompt = match prompt {
            Some(v) => c.text(prompt_at, v, MAX_SHOT_PROMPT_CHARS),
            None => {
                let path = prompt_at.text();
                c.error(At::from(&path), Code::Required, format!("{path} is required: what happens in this shot"));
                None
            }
        };
        let duration_at = At::Key(&at, "duration");
        let duration = match duration {
            Some(v) => c.seconds(duration_at, v, MIN_SHOT_SECONDS, MAX_SECONDS),
            None => {
                let path = duration_at.text();
                c.error(At::from(&path), Code::Required, format!("{path} is required: this shot's length in seconds"));
                None
            }
        };
        total = total.zip(duration).map(|(t, d)| t.saturating_add(d.0));
        if let (Some(prompt), Some(duration)) = (prompt, duration) {
            shots.push(Shot { prompt, duration });
        }
    }
    req.multi_prompt = Some(shots);
    let Some(total) = total.filter(|_| multi) else {
        return;
    };
    if !(MIN_SECONDS..=MAX_SECONDS).contains(&total) {
        c.error(
            At::Path("multi_prompt"),
            Code::OutOfRange,
            format!("the shots must add up to {MIN_SECONDS} to {MAX_SECONDS} seconds, got {total}"),
        );
    } else {
        match req.duration {
            Some(duration) if duration.0 != total => c.error(
                At::Path("duration"),
                Code::DurationMismatch,
                format!(
                    "duration is {} seconds but the shots add up to {total}: make them agree, or leave duration out",
                    duration.0
                ),
            ),
            // The API takes the shots' total as the video's length.
            None if items.len() <= MAX_SHOTS => req.duration = Some(Seconds(total)),
            _ => {}
        }
    }
}

fn check_elements(value: &Value, c: &mut Checker) -> Option<Vec<Element>> {
    let items = c.array(At::Path("kling_elements"), value)?;
    if items.len() > MAX_ELEMENTS {
        c.error(
            At::Path("kling_elements"),
            Code::TooLong,
            format!("kling_elements can hold at most {MAX_ELEMENTS} elements, got {}", items.len()),
        );
    }
    let mut elements = Vec::with_capacity(items.len());
    let list = At::Path("kling_elements");
    for (i, item) in items.iter().enumerate() {
        let at = At::Index(&list, i);
        let Value::Object(fields) = item else {
            c.wrong_type(at, "an object {name, description, element_input_urls}", item);
            continue;
        };
        let [name, description, images, videos] =
            c.known_fields(at, fields, &["name", "description", "element_input_urls", "element_input_video_urls"]);
        let name_at = At::Key(&at, "name");
        let name = match name {
            Some(v) => c.text(name_at, v, MAX_PROMPT_CHARS),
            None => {
                let path = name_at.text();
                c.error(
                    At::from(&path),
                    Code::Required,
                    format!("{path} is required: prompts refer to the element as @name"),
                );
                None
            }
        };
        if let Some(n) = &name {
            if elements.iter().any(|e: &Element| &e.name == n) {
                let path = name_at.text();
                c.error(
                    At::from(&path),
                    Code::Duplicate,
                    format!("{path} {} is already the name of another element", quoted(n)),
                );
            }
        }
        let description = description.and_then(|v| c.string(At::Key(&at, "description"), v)).map(str::to_string);
        let images = url_list(images, at, "element_input_urls", (MIN_ELEMENT_IMAGES, MAX_ELEMENT_IMAGES), "image", c);
        let videos = url_list(videos, at, "element_input_video_urls", (ELEMENT_VIDEOS, ELEMENT_VIDEOS), "video", c);
        if images.is_none() && videos.is_none() && !fields.keys().any(|k| k.starts_with("element_input")) {
            let path = at.text();
            c.warn(At::from(&path),
                Code::Required,
                format!("{path} has no element_input_urls ({MIN_ELEMENT_IMAGES} to {MAX_ELEMENT_IMAGES} images) or element_input_video_urls ({ELEMENT_VIDEOS} video)"),
            );
        }
        if let Some(name) = name {
            elements.push(Element { name, description, element_input_urls: images, element_input_video_urls: videos });
        }
    }
    Some(elements)
}

/// A list of http(s) URLs (`value`, the field `key` of `parent`); its expected count is only a
/// warning, as the provider does not document it.
fn url_list(
    value: Option<&Value>,
    parent: At<'_>,
    key: &str,
    (min, max): (usize, usize),
    what: &str,
    c: &mut Checker,
) -> Option<Vec<String>> {
    let at = At::Key(&parent, key);
    let items = c.array(at, value?)?;
    let mut urls = Vec::with_capacity(items.len());
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    for (i, item) in items.iter().enumerate() {
        if let Some(u) = c.url(At::Index(&at, i), item, &format_args!("an http(s) URL of {article} {what}")) {
            urls.push(u);
        }
    }
    if items.len() < min || items.len() > max {
        let expected = if min == max { format!("{min} {what} URL") } else { format!("{min} to {max} {what} URLs") };
        let path = at.text();
        c.warn(At::from(&path), Code::OutOfRange, format!("{path} usually holds {expected}, got {}", items.len()));
    }
    (urls.len() == items.len()).then_some(urls)
}

/// Warns about elements that no prompt the API will read refers to as `@name`.
fn check_element_references(req: &KlingRequest, c: &mut Checker) {
    let Some(elements) = &req.kling_elements else {
        return;
    };
    let prompts: Vec<&str> = if req.is_multi_shot() {
        req.multi_prompt.iter().flatten().map(|s| s.prompt.as_str()).collect()
    } else {
        req.prompt.iter().map(String::as_str).collect()
    };
    for (i, element) in elements.iter().enumerate() {
        let tag = format!("@{}", element.name);
        if !prompts.iter().any(|p| mentions(p, &tag)) {
            c.warn(
                At::from(&format!("kling_elements[{i}]")),
                Code::Unreferenced,
                format!("element {} is not used: refer to it as {tag} in the prompt", quoted(&element.name)),
            );
        }
    }
}

/// Whether `text` names `tag` as a word of its own: not followed by more of a name (so `@cat` is
/// not found in `@caterpillar`) nor preceded by one (so `bob@knight.com` does not name `@knight`).
fn mentions(text: &str, tag: &str) -> bool {
    occurrences(text, tag).into_iter().any(|at| {
        let before = text.get(..at).and_then(|head| head.chars().next_back());
        let after = text.get(at + tag.len()..).and_then(|rest| rest.chars().next());
        before.is_none_or(|c| !is_name_char(c)) && after.is_none_or(|c| !is_name_char(c))
    })
}

/// Whether `c` can continue a name: a letter or a digit in any script (Unicode's
/// alphanumerics, so `é` and `猫` do and `，`, `」` and emoji do not), `_` and `-`.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::{json, with_holes};

    fn check(text: &str) -> Validation {
        validate(&json(text)).1
    }

    fn codes(issues: &[Issue]) -> Vec<(String, Code)> {
        issues.iter().map(|i| (i.path.clone(), i.code)).collect()
    }

    #[test]
    fn check_request_reads_the_fields_in_the_order_it_names_them() {
        // `check_request` destructures `known_fields(.., &FIELDS)` by position into variables of
        // these names: reordering `FIELDS` must change it too.
        let names = ["model", "prompt", "mode", "duration", "aspect_ratio", "sound", "image"];
        let rest = ["multi_shots", "multi_prompt", "kling_elements", "callback_url"];
        assert_eq!(crate::request::FIELDS[..7], names);
        assert_eq!(crate::request::FIELDS[7..], rest);
    }

    /// One row per rule, in the words of the API docs: input, expected errors, expected warnings.
    #[test]
    fn every_rule_reports_its_path_and_code() {
        use Code::*;
        let long = "x".repeat(2501);
        let exact = "é".repeat(2500);
        let shot_long = "y".repeat(513);
        type Expected = Vec<(&'static str, Code)>;
        let rows: Vec<(String, Expected, Expected)> = vec![
            (r#"{"prompt":"a cat"}"#.into(), vec![], vec![]),
            (r#"{"model":"kling-3","prompt":"a","mode":"pro","duration":15,"aspect_ratio":"1:1","sound":false}"#.into(), vec![], vec![]),
            ("null".into(), vec![("", InvalidType)], vec![]),
            ("[]".into(), vec![("", InvalidType)], vec![]),
            ("42".into(), vec![("", InvalidType)], vec![]),
            ("{}".into(), vec![("prompt", Required)], vec![]),
            (r#"{"prompt":""}"#.into(), vec![("prompt", Required)], vec![]),
            (r#"{"prompt":"   "}"#.into(), vec![("prompt", Required)], vec![]),
            (r#"{"prompt":5}"#.into(), vec![("prompt", InvalidType)], vec![]),
            (format!(r#"{{"prompt":"{long}"}}"#), vec![("prompt", TooLong)], vec![]),
            (format!(r#"{{"prompt":"{exact}"}}"#), vec![], vec![]),
            (r#"{"prompt":"a","model":"kling-2"}"#.into(), vec![("model", InvalidValue)], vec![]),
            (r#"{"prompt":"a","model":3}"#.into(), vec![("model", InvalidType)], vec![]),
            (r#"{"prompt":"a","mode":"ultra"}"#.into(), vec![("mode", InvalidValue)], vec![]),
            (r#"{"prompt":"a","mode":"STD"}"#.into(), vec![("mode", InvalidValue)], vec![]),
            (r#"{"prompt":"a","mode":null}"#.into(), vec![("mode", InvalidType)], vec![]),
            (r#"{"prompt":"a","duration":20}"#.into(), vec![("duration", OutOfRange)], vec![]),
            (r#"{"prompt":"a","duration":2}"#.into(), vec![("duration", OutOfRange)], vec![]),
            (r#"{"prompt":"a","duration":3}"#.into(), vec![], vec![]),
            (r#"{"prompt":"a","duration":5.5}"#.into(), vec![("duration", InvalidValue)], vec![]),
            (r#"{"prompt":"a","duration":"5"}"#.into(), vec![("duration", InvalidType)], vec![]),
            (r#"{"prompt":"a","aspect_ratio":"4:3"}"#.into(), vec![("aspect_ratio", InvalidValue)], vec![]),
            (r#"{"prompt":"a","aspect_ratio":"9:16"}"#.into(), vec![], vec![]),
            (r#"{"prompt":"a","sound":"yes"}"#.into(), vec![("sound", InvalidType)], vec![]),
            (r#"{"prompt":"a","image":"ftp://x/y.png"}"#.into(), vec![("image", InvalidUrl)], vec![]),
            (r#"{"prompt":"a","image":"https://x/y.png"}"#.into(), vec![], vec![]),
            (r#"{"prompt":"a","image":"https://x/y.png","aspect_ratio":"1:1"}"#.into(), vec![], vec![("aspect_ratio", Ignored)]),
            (r#"{"prompt":"a","callback_url":"javascript:alert(1)"}"#.into(), vec![("callback_url", InvalidUrl)], vec![]),
            (r#"{"prompt":"a","callback_url":"https://hook.example/x"}"#.into(), vec![], vec![]),
            (r#"{"prompt":"a","seed":1}"#.into(), vec![], vec![("seed", UnknownField)]),
            (r#"{"prompt":"a","multi_shots":"yes"}"#.into(), vec![("multi_shots", InvalidType)], vec![]),
            (r#"{"multi_shots":true}"#.into(), vec![("multi_prompt", Required)], vec![]),
            (r#"{"multi_shots":true,"multi_prompt":[]}"#.into(), vec![("multi_prompt", Required)], vec![]),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":3}]}"#.into(), vec![], vec![]),
            (r#"{"multi_shots":true,"prompt":"p","multi_prompt":[{"prompt":"a","duration":3}]}"#.into(), vec![], vec![("prompt", Ignored)]),
            (r#"{"prompt":"p","multi_prompt":[{"prompt":"a","duration":3}]}"#.into(), vec![], vec![("multi_prompt", Ignored)]),
            (r#"{"multi_shots":true,"multi_prompt":{}}"#.into(), vec![("multi_prompt", InvalidType)], vec![]),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":2},{"prompt":"","duration":2}]}"#.into(), vec![("multi_prompt[1].prompt", Required)], vec![]),
            (format!(r#"{{"multi_shots":true,"multi_prompt":[{{"prompt":"{shot_long}","duration":3}}]}}"#), vec![("multi_prompt[0].prompt", TooLong)], vec![]),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a"},{"duration":0,"prompt":"b"},"c"]}"#.into(), vec![("multi_prompt[0].duration", Required), ("multi_prompt[1].duration", OutOfRange), ("multi_prompt[2]", InvalidType)], vec![]),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":1.5,"x":1}]}"#.into(), vec![("multi_prompt[0].duration", InvalidValue)], vec![("multi_prompt[0].x", UnknownField)]),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":1},{"prompt":"b","duration":1}]}"#.into(), vec![("multi_prompt", OutOfRange)], vec![]),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":9},{"prompt":"b","duration":9}]}"#.into(), vec![("multi_prompt", OutOfRange)], vec![]),
            (r#"{"multi_shots":true,"duration":10,"multi_prompt":[{"prompt":"a","duration":4},{"prompt":"b","duration":4}]}"#.into(), vec![("duration", DurationMismatch)], vec![]),
            (r#"{"multi_shots":true,"duration":8,"multi_prompt":[{"prompt":"a","duration":4},{"prompt":"b","duration":4}]}"#.into(), vec![], vec![]),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":1},{"prompt":"a","duration":1},{"prompt":"a","duration":1},{"prompt":"a","duration":1},{"prompt":"a","duration":1},{"prompt":"a","duration":1},{"prompt":"a","duration":1}]}"#.into(), vec![("multi_prompt", TooLong)], vec![]),
            (r#"{"prompt":"@cat runs","kling_elements":[{"name":"cat","description":"a cat","element_input_urls":["https://a/1.png","https://a/2.png"]}]}"#.into(), vec![], vec![]),
            (r#"{"prompt":"a dog","kling_elements":[{"name":"cat","element_input_urls":["https://a/1.png","https://a/2.png"]}]}"#.into(), vec![], vec![("kling_elements[0]", Unreferenced)]),
            (r#"{"prompt":"@caterpillar","kling_elements":[{"name":"cat","element_input_urls":["https://a/1.png","https://a/2.png"]}]}"#.into(), vec![], vec![("kling_elements[0]", Unreferenced)]),
            (r#"{"prompt":"@cat","kling_elements":{}}"#.into(), vec![("kling_elements", InvalidType)], vec![]),
            (r#"{"prompt":"@cat","kling_elements":[5]}"#.into(), vec![("kling_elements[0]", InvalidType)], vec![]),
            (r#"{"prompt":"@a @b @c @d","kling_elements":[{"name":"a","element_input_video_urls":["https://v/1.mp4"]},{"name":"b","element_input_video_urls":["https://v/1.mp4"]},{"name":"c","element_input_video_urls":["https://v/1.mp4"]},{"name":"d","element_input_video_urls":["https://v/1.mp4"]}]}"#.into(), vec![("kling_elements", TooLong)], vec![]),
            (r#"{"prompt":"@cat","kling_elements":[{"name":"cat","element_input_urls":["https://a/1.png","https://a/2.png"]},{"name":"cat","element_input_urls":["https://a/1.png","https://a/2.png"]}]}"#.into(), vec![("kling_elements[1].name", Duplicate)], vec![]),
            (r#"{"prompt":"@cat","kling_elements":[{"element_input_urls":["https://a/1.png","https://a/2.png"]}]}"#.into(), vec![("kling_elements[0].name", Required)], vec![]),
            (r#"{"prompt":"@cat","kling_elements":[{"name":"cat","element_input_urls":["https://a/1.png","file:///etc/passwd"]}]}"#.into(), vec![("kling_elements[0].element_input_urls[1]", InvalidUrl)], vec![]),
            (r#"{"prompt":"@cat","kling_elements":[{"name":"cat","element_input_urls":["https://a/1.png"]}]}"#.into(), vec![], vec![("kling_elements[0].element_input_urls", OutOfRange)]),
            (r#"{"prompt":"@cat","kling_elements":[{"name":"cat","element_input_urls":"https://a/1.png"}]}"#.into(), vec![("kling_elements[0].element_input_urls", InvalidType)], vec![]),
            (r#"{"prompt":"@cat","kling_elements":[{"name":"cat"}]}"#.into(), vec![], vec![("kling_elements[0]", Required)]),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"@cat jumps","duration":5}],"kling_elements":[{"name":"cat","element_input_urls":["https://a/1.png","https://a/2.png"]}]}"#.into(), vec![], vec![]),
        ];
        for (input, errors, warnings) in rows {
            let report = check(&input);
            let want_errors: Vec<(String, Code)> = errors.iter().map(|(p, c)| (p.to_string(), *c)).collect();
            let want_warnings: Vec<(String, Code)> = warnings.iter().map(|(p, c)| (p.to_string(), *c)).collect();
            let short: String = input.chars().take(120).collect();
            assert_eq!(codes(&report.errors), want_errors, "errors of {short}");
            assert_eq!(codes(&report.warnings), want_warnings, "warnings of {short}");
            assert_eq!(report.valid, report.errors.is_empty());
        }
    }

    #[test]
    fn code_words_are_the_ones_the_type_declarations_list() {
        for code in Code::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn an_element_is_referenced_by_at_name_followed_by_anything_but_more_name() {
        for (text, tag, found) in [
            ("@cat runs", "@cat", true),
            ("a @cat.", "@cat", true),
            ("@cat🎬", "@cat", true),
            ("@猫，跑", "@猫", true),
            ("「@猫」", "@猫", true),
            ("@caterpillar", "@cat", false),
            ("bob@knight.com", "@knight", false),
            ("(@knight) rides", "@knight", true),
            ("a\n@knight", "@knight", true),
            ("@cat_2", "@cat", false),
            ("@caté", "@cat", false),
            ("no tag", "@cat", false),
        ] {
            assert_eq!(mentions(text, tag), found, "{tag} in {text}");
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let report = check(
            r#"{"prompt":7,"mode":"ultra","duration":20,"aspect_ratio":"4:3","sound":1,"image":"x","extra":true}"#,
        );
        let paths: Vec<&str> = report.errors.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["prompt", "mode", "duration", "aspect_ratio", "sound", "image"]);
        assert_eq!(codes(&report.warnings), [("extra".to_string(), Code::UnknownField)]);
    }

    #[test]
    fn messages_say_what_was_wrong_in_plain_words() {
        let report = check(r#"{"prompt":"a","duration":20,"mode":"ultra"}"#);
        let messages: Vec<&str> = report.errors.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "mode must be \"std\" or \"pro\", got \"ultra\"",
                "duration must be a whole number of seconds from 3 to 15, got 20",
            ]
        );
        let too_long = check(&format!(r#"{{"prompt":"{}"}}"#, "字".repeat(2501)));
        assert_eq!(too_long.errors[0].message, "prompt must be at most 2500 characters, got 2501");
    }

    #[test]
    fn limits_count_unicode_characters_not_bytes_or_utf16_units() {
        // 2500 emoji are 5000 UTF-16 units and 10000 bytes, and still within the limit.
        let report = check(&format!(r#"{{"prompt":"{}"}}"#, "🎬".repeat(2500)));
        assert!(report.valid, "{:?}", report.errors);
    }

    #[test]
    fn long_user_text_is_cut_short_in_messages() {
        let report = check(&format!(r#"{{"prompt":"a","mode":"{}"}}"#, "m".repeat(500)));
        assert!(report.errors[0].message.chars().count() < 120);
        assert!(report.errors[0].message.ends_with("…"));
    }

    #[test]
    fn values_that_json_cannot_carry_are_type_errors() {
        let input = with_holes(
            r#"{"prompt":null,"duration":null,"mode":null}"#,
            &[
                ("prompt", Unsendable::Function),
                ("duration", Unsendable::NotFinite(f64::NAN)),
                ("mode", Unsendable::LongString { units: 10_000_000 }),
            ],
        );
        let (_, report) = validate(&input);
        assert_eq!(
            codes(&report.errors),
            [
                ("prompt".into(), Code::InvalidType),
                ("mode".into(), Code::InvalidValue),
                ("duration".into(), Code::InvalidValue)
            ]
        );
        assert_eq!(report.errors[0].message, "prompt must be a string, got a function");
        assert_eq!(
            report.errors[1].message,
            "mode got a string of about 10000000 characters, far longer than any allowed value"
        );
        assert_eq!(report.errors[2].message, "duration must be a whole number of seconds from 3 to 15, got NaN");
        let long = with_holes(
            r#"{"prompt":null,"image":null}"#,
            &[
                ("prompt", Unsendable::LongString { units: 3_000_000 }),
                ("image", Unsendable::LongString { units: 3_000_000 }),
            ],
        );
        let (_, report) = validate(&long);
        assert_eq!(codes(&report.errors), [("prompt".into(), Code::TooLong), ("image".into(), Code::InvalidUrl)]);
        assert_eq!(report.errors[0].message, "prompt must be at most 2500 characters, got about 3000000");
        let (_, report) =
            validate(&with_holes(r#"{"prompt":"a","sound":null}"#, &[("sound", Unsendable::NotFinite(f64::INFINITY))]));
        assert_eq!(report.errors[0].message, "sound must be true or false, got a number");
    }

    #[test]
    fn a_null_that_is_not_a_hole_is_plain_null() {
        let (_, report) = validate(&with_holes(r#"{"prompt":null}"#, &[("mode", Unsendable::Function)]));
        assert_eq!(report.errors[0].message, "prompt must be a string, got null");
        assert_eq!(report.errors.len(), 1, "a hole where the value is not null is not one");
    }

    #[test]
    fn in_multi_shot_mode_a_missing_duration_is_the_shots_total() {
        let (req, report) = validate(&json(
            r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":4},{"prompt":"","duration":6}]}"#,
        ));
        assert_eq!(req.duration, Some(Seconds(10)), "the total counts shots whose prompt is wrong too");
        assert_eq!(codes(&report.errors), [("multi_prompt[1].prompt".to_string(), Code::Required)]);
    }

    #[test]
    fn values_that_cannot_be_sent_are_errors_even_in_unknown_fields() {
        let input = with_holes(
            r#"{"prompt":"a","extra":[1,null],"deep":null,"huge":null,"nan":null,"plain":null}"#,
            &[
                ("extra[1]", Unsendable::Function),
                ("deep", Unsendable::TooLarge),
                ("huge", Unsendable::LongString { units: 2_000_000 }),
                // JSON writes NaN as null, as JS does: not an error where no rule reads it.
                ("nan", Unsendable::NotFinite(f64::NAN)),
            ],
        );
        let (_, report) = validate(&input);
        assert_eq!(
            codes(&report.errors),
            [("extra[1]".into(), Code::InvalidType), ("deep".into(), Code::TooLarge), ("huge".into(), Code::TooLong)]
        );
        assert_eq!(report.errors[0].message, "extra[1] cannot be sent as JSON: it is a function");
        assert_eq!(
            report.errors[1].message,
            "deep cannot be sent as JSON: it is an input too large or too deeply nested"
        );
        assert_eq!(report.errors[2].message, "huge cannot be sent as JSON: it is a string over a million characters");
        let broken = with_holes(
            r#"{"prompt":null,"note":null}"#,
            &[("prompt", Unsendable::BrokenText), ("note", Unsendable::BrokenText)],
        );
        let (_, report) = validate(&broken);
        assert_eq!(codes(&report.errors), [("prompt".into(), Code::InvalidValue), ("note".into(), Code::InvalidValue)]);
        assert_eq!(report.errors[0].message, "prompt is text that is not valid Unicode (an unpaired surrogate)");
        let (_, whole) = validate(&with_holes("null", &[("", Unsendable::TooLarge)]));
        assert_eq!(codes(&whole.errors), [("".into(), Code::TooLarge)]);
        assert_eq!(
            whole.errors[0].message,
            "the request must be an object, got an input too large or too deeply nested"
        );
        let (_, cycle) =
            validate(&with_holes(r#"{"prompt":"a","self":{"me":null}}"#, &[("self.me", Unsendable::Cycle)]));
        assert_eq!(
            cycle.errors[0].message,
            "self.me cannot be sent as JSON: it is a reference to an object that contains it (a cycle)"
        );
    }

    #[test]
    fn the_parsed_request_holds_the_checked_values() {
        let (req, _) =
            validate(&json(r#"{"prompt":"a","mode":"pro","duration":7,"sound":false,"aspect_ratio":"9:16"}"#));
        assert_eq!(req.mode, Some(Mode::Pro));
        assert_eq!(req.duration, Some(Seconds(7)));
        assert_eq!(req.sound, Some(false));
        assert_eq!(req.aspect_ratio, Some(AspectRatio::Portrait));
    }
}
