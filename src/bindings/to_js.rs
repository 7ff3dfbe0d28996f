//! Results as plain JS objects, built field by field: the package's few result types need no
//! general serializer, and leaving one out keeps the module small. The field names are the
//! ones the generated `.d.ts` declares (the core's serde attributes); tests on both sides
//! hold them together.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::pricing::Cost;
use crate::request::Limits;
use crate::task::Task;
use crate::validate::{Issue, Validation};
use crate::value::Value;
use crate::wire::BuiltRequest;

/// A Rust result that crosses to JS as a plain value.
pub(crate) trait ToJs {
    fn to_js(&self) -> JsValue;
}

/// A plain object from `(name, value)` pairs.
pub(crate) fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (name, value) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&out, &JsValue::from_str(name), value);
    }
    out.into()
}

fn text_or_null(s: &Option<String>) -> JsValue {
    s.as_deref().map_or(JsValue::NULL, JsValue::from_str)
}

impl<T: ToJs> ToJs for [T] {
    fn to_js(&self) -> JsValue {
        self.iter().map(ToJs::to_js).collect::<Array>().into()
    }
}

impl ToJs for Value {
    fn to_js(&self) -> JsValue {
        match self {
            Value::Null | Value::LongString(_) | Value::Unsupported(_) => JsValue::NULL,
            Value::Bool(b) => JsValue::from_bool(*b),
            Value::Number(n) => JsValue::from_f64(*n),
            Value::String(s) => JsValue::from_str(s),
            Value::Array(items) => items.to_js(),
            Value::Object(entries) => {
                let out = Object::new();
                for (k, v) in entries {
                    let _ = Reflect::set(&out, &JsValue::from_str(k), &v.to_js());
                }
                out.into()
            }
        }
    }
}

impl ToJs for Issue {
    fn to_js(&self) -> JsValue {
        object(&[
            ("path", JsValue::from_str(&self.path)),
            ("code", JsValue::from_str(self.code.as_str())),
            ("message", JsValue::from_str(&self.message)),
        ])
    }
}

impl ToJs for Validation {
    fn to_js(&self) -> JsValue {
        object(&[
            ("valid", JsValue::from_bool(self.valid)),
            ("errors", self.errors.to_js()),
            ("warnings", self.warnings.to_js()),
        ])
    }
}

impl ToJs for Cost {
    fn to_js(&self) -> JsValue {
        object(&[
            ("credits", JsValue::from(self.credits.0)),
            ("creditsPerSecond", JsValue::from(self.credits_per_second)),
            ("seconds", JsValue::from(self.seconds.0)),
            ("mode", JsValue::from_str(self.mode.as_str())),
            ("sound", JsValue::from_bool(self.sound)),
        ])
    }
}

impl ToJs for BuiltRequest {
    fn to_js(&self) -> JsValue {
        let headers = Object::new();
        for (name, value) in &self.headers {
            let _ = Reflect::set(&headers, &JsValue::from_str(name), &JsValue::from_str(value));
        }
        let mut fields = vec![
            ("method", JsValue::from_str(&self.method)),
            ("url", JsValue::from_str(&self.url)),
            ("headers", headers.into()),
        ];
        if let Some(body) = &self.body {
            fields.push(("body", JsValue::from_str(body)));
        }
        object(&fields)
    }
}

impl ToJs for Task {
    fn to_js(&self) -> JsValue {
        object(&[
            ("taskId", text_or_null(&self.task_id)),
            ("status", JsValue::from_str(self.status.as_str())),
            ("rawStatus", text_or_null(&self.raw_status)),
            ("videoUrl", text_or_null(&self.video_url)),
            ("error", text_or_null(&self.error)),
        ])
    }
}

impl ToJs for Limits {
    fn to_js(&self) -> JsValue {
        object(&[
            ("maxPromptChars", JsValue::from(self.max_prompt_chars as u32)),
            ("maxShotPromptChars", JsValue::from(self.max_shot_prompt_chars as u32)),
            ("minSeconds", JsValue::from(self.min_seconds)),
            ("maxSeconds", JsValue::from(self.max_seconds)),
            ("defaultSeconds", JsValue::from(self.default_seconds)),
            ("minShotSeconds", JsValue::from(self.min_shot_seconds)),
            ("maxShots", JsValue::from(self.max_shots as u32)),
            ("maxElements", JsValue::from(self.max_elements as u32)),
        ])
    }
}
