//! The body that will be sent: the input with every default made explicit.

use crate::input::{Input, Map, Value};
use crate::request::{FIELDS, MODEL};
use crate::validate::{validate, Validation};

/// The request body the package sends for `input`: `model`, `mode`, `duration`,
/// `aspect_ratio` and `sound` always present (defaults filled; in multi-shot mode a missing
/// `duration` is the shots' total), known fields in the API's order, then unknown fields as
/// given, in their order. Fails with the validation report when the input has errors.
///
/// Numbers JSON cannot hold (`NaN` and the infinities, in fields no rule reads) are `null`
/// in the body, as `JSON.stringify` writes them.
///
/// ```
/// use kling3_wasm::{input::Input, json_text::stringify, normalize::normalize};
/// let body = normalize(&Input::from(serde_json::json!({"prompt": "a cat"}))).unwrap();
/// assert_eq!(
///     stringify(&body),
///     r#"{"model":"kling-3","prompt":"a cat","mode":"std","duration":5,"aspect_ratio":"16:9","sound":true}"#
/// );
/// ```
pub fn normalize(input: &Input) -> Result<Value, Validation> {
    let (req, report) = validate(input);
    if !report.valid {
        return Err(report);
    }
    let empty = Map::new();
    let given = input.value.as_object().unwrap_or(&empty);
    let mut body = Map::with_capacity(given.len() + 5);
    for field in FIELDS {
        let value = match (field, crate::input::field(given, field)) {
            ("model", None) => Some(Value::from(MODEL)),
            ("mode", None) => Some(Value::from(req.mode_or_default().as_str())),
            ("duration", _) => Some(Value::from(req.seconds().0)),
            ("aspect_ratio", None) => Some(Value::from(req.aspect_ratio.unwrap_or_default().as_str())),
            ("sound", None) => Some(Value::Bool(req.sound_or_default())),
            (_, given) => given.cloned(),
        };
        if let Some(value) = value {
            body.insert(field.to_string(), value);
        }
    }
    for (key, value) in given {
        if !FIELDS.contains(&key.as_str()) {
            body.insert(key.clone(), value.clone());
        }
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::json;
    use crate::json_text::stringify;

    #[test]
    fn defaults_are_made_explicit() {
        let body = normalize(&json(r#"{"prompt":"a cat"}"#)).unwrap();
        assert_eq!(
            stringify(&body),
            r#"{"model":"kling-3","prompt":"a cat","mode":"std","duration":5,"aspect_ratio":"16:9","sound":true}"#
        );
    }

    #[test]
    fn given_values_are_kept_and_known_fields_come_in_the_api_order() {
        let body = normalize(&json(
            r#"{"sound":false,"callback_url":"https://h/x","prompt":"p","image":"https://i/x.png","mode":"pro","duration":10,"model":"kling-3"}"#,
        ))
        .unwrap();
        assert_eq!(
            stringify(&body),
            r#"{"model":"kling-3","prompt":"p","mode":"pro","duration":10,"aspect_ratio":"16:9","sound":false,"image":"https://i/x.png","callback_url":"https://h/x"}"#
        );
    }

    #[test]
    fn unknown_fields_are_kept_in_their_order_after_the_known_ones() {
        let body = normalize(&json(r#"{"zeta":1,"prompt":"p","alpha":{"x":[1,2]},"negative_prompt":"blur"}"#)).unwrap();
        assert!(stringify(&body).ends_with(r#""sound":true,"zeta":1,"alpha":{"x":[1,2]},"negative_prompt":"blur"}"#));
    }

    #[test]
    fn in_multi_shot_mode_a_missing_duration_is_the_sum_of_the_shots() {
        let body = normalize(&json(
            r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":4},{"prompt":"b","duration":6}]}"#,
        ))
        .unwrap();
        assert_eq!(body.get("duration"), Some(&Value::from(10)));
        assert_eq!(body.get("multi_shots"), Some(&Value::Bool(true)));
        assert!(body.get("prompt").is_none());
    }

    #[test]
    fn an_invalid_request_gives_every_error() {
        let report = normalize(&json(r#"{"duration":20,"mode":"x"}"#)).unwrap_err();
        assert_eq!(report.errors.len(), 3);
    }
}
