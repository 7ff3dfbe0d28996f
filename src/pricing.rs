//! Pricing: credits per second of video by mode and sound, from the API page's FAQ.

use serde::{Deserialize, Serialize};

use crate::input::Input;
use crate::request::{Credits, Mode, Seconds};
use crate::validate::{validate, Code, Issue};

/// What a request will cost, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    /// Total price: `creditsPerSecond × seconds`.
    pub credits: Credits,
    pub credits_per_second: u32,
    /// The video's length (in multi-shot mode, the shots' total).
    pub seconds: Seconds,
    pub mode: Mode,
    pub sound: bool,
}

/// Credits per second of video: std 40 (silent) or 60 (with sound), pro 54 or 80.
///
/// ```
/// use kling3_wasm::{pricing::rate, request::Mode};
/// assert_eq!(rate(Mode::Pro, true), 80);
/// ```
pub fn rate(mode: Mode, sound: bool) -> u32 {
    match (mode, sound) {
        (Mode::Std, false) => 40,
        (Mode::Std, true) => 60,
        (Mode::Pro, false) => 54,
        (Mode::Pro, true) => 80,
    }
}

/// The price of a video of `seconds` in `mode`, with or without sound.
pub fn price(mode: Mode, sound: bool, seconds: Seconds) -> Cost {
    let per_second = rate(mode, sound);
    Cost { credits: Credits(per_second * seconds.0), credits_per_second: per_second, seconds, mode, sound }
}

/// The fields that set the price, at any level: the request's `mode`, `sound`, `duration`,
/// `multi_shots` and `multi_prompt`, and each shot's `duration`. [`estimate`] gives the same
/// answer for a request and for the request with only these fields, at every level (a
/// property test holds it to that), so a caller may read just these.
pub const PRICE_FIELDS: [&str; 5] = ["mode", "sound", "duration", "multi_shots", "multi_prompt"];

/// The price of a request, from the fields that set it (mode, sound, duration and, in
/// multi-shot mode, the shots' durations); the rest may be unfinished. Missing fields take
/// their defaults, so `{}` costs what the default request costs.
///
/// Fails with the problems of the price fields when one of them is invalid.
///
/// ```
/// use kling3_wasm::{input::Input, pricing::estimate};
/// let cost = estimate(&Input::from(serde_json::json!({}))).unwrap();
/// assert_eq!(cost.credits.0, 300);
/// ```
pub fn estimate(input: &Input) -> Result<Cost, Vec<Issue>> {
    let (req, report) = validate(input);
    let multi = req.is_multi_shot();
    let problems: Vec<Issue> = report.errors.into_iter().filter(|i| sets_price(i, multi)).collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(price(req.mode_or_default(), req.sound_or_default(), req.seconds()))
}

/// Whether a problem is with a field that sets the price, or with the whole request ("").
fn sets_price(issue: &Issue, multi: bool) -> bool {
    let path = issue.path.as_str();
    match path {
        "" | "mode" | "sound" | "duration" | "multi_shots" => true,
        // A multi-shot form without shots yet is priced on `duration` (or its default).
        "multi_prompt" => multi && issue.code != Code::Required,
        // A shot (`multi_prompt[2]`) or its duration (`multi_prompt[2].duration`); not a field
        // of a shot named with brackets (`multi_prompt[2][""]`).
        _ => {
            multi
                && path.strip_prefix("multi_prompt[").is_some_and(|rest| {
                    let index = rest.bytes().take_while(u8::is_ascii_digit).count();
                    // Bytes, not `&rest[index..]`: a `str` slice brings in its panic message's code.
                    // (`get`: the index is within the text, so no bounds check can panic either.)
                    index > 0 && matches!(rest.as_bytes().get(index..), Some(b"]" | b"].duration"))
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::{json, with_holes};
    use crate::input::Unsendable;

    #[test]
    fn every_rate_and_length_is_priced_as_the_page_says() {
        // (mode, sound, seconds, credits): the page's examples, the range ends, and every rate.
        let rows = [
            (Mode::Std, false, 5, 200),
            (Mode::Pro, true, 5, 400),
            (Mode::Std, true, 5, 300),
            (Mode::Std, false, 3, 120),
            (Mode::Pro, true, 15, 1200),
            (Mode::Pro, false, 10, 540),
            (Mode::Std, true, 15, 900),
            (Mode::Pro, false, 3, 162),
        ];
        for (mode, sound, seconds, credits) in rows {
            assert_eq!(price(mode, sound, Seconds(seconds)).credits, Credits(credits), "{mode:?} {sound} {seconds}s");
        }
        for mode in [Mode::Std, Mode::Pro] {
            for sound in [false, true] {
                for s in 3..=15 {
                    let cost = price(mode, sound, Seconds(s));
                    assert_eq!(cost.credits.0, rate(mode, sound) * s);
                }
            }
        }
    }

    #[test]
    fn a_half_filled_form_is_priced_with_defaults() {
        assert_eq!(estimate(&json("{}")).unwrap().credits, Credits(300));
        let cost = estimate(&json(r#"{"mode":"pro","sound":false,"duration":10,"prompt":""}"#)).unwrap();
        assert_eq!((cost.credits, cost.credits_per_second, cost.seconds), (Credits(540), 54, Seconds(10)));
    }

    #[test]
    fn multi_shot_videos_are_priced_on_the_shots_total() {
        let cost = estimate(&json(
            r#"{"multi_shots":true,"mode":"pro","multi_prompt":[{"prompt":"a","duration":4},{"prompt":"","duration":3}]}"#,
        ))
        .unwrap();
        assert_eq!((cost.seconds, cost.credits), (Seconds(7), Credits(560)));
        // No shots yet: priced on the duration field.
        assert_eq!(estimate(&json(r#"{"multi_shots":true,"duration":8}"#)).unwrap().credits, Credits(480));
    }

    #[test]
    fn an_invalid_price_field_is_an_error_naming_it() {
        let rows = [
            (r#"{"duration":20}"#, "duration"),
            (r#"{"mode":"ultra","prompt":5}"#, "mode"),
            (r#"{"sound":"no"}"#, "sound"),
            ("null", ""),
            (r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":"4"}]}"#, "multi_prompt[0].duration"),
            (
                r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":10},{"prompt":"b","duration":10}]}"#,
                "multi_prompt",
            ),
            (r#"{"multi_shots":true,"duration":5,"multi_prompt":[{"prompt":"a","duration":4}]}"#, "duration"),
        ];
        for (input, path) in rows {
            let problems = estimate(&json(input)).unwrap_err();
            let paths: Vec<&str> = problems.iter().map(|i| i.path.as_str()).collect();
            assert_eq!(paths, [path], "{input}");
        }
    }

    #[test]
    fn a_field_named_empty_is_not_the_request() {
        // Its path is `[""]`, not the whole request's "": its problems do not set the price.
        let input = with_holes(r#"{"":null,"mode":"pro"}"#, &[(r#"[""]"#, Unsendable::Function)]);
        assert!(validate(&input).1.errors.iter().any(|i| i.path == r#"[""]"#));
        assert_eq!(estimate(&input).unwrap().credits, Credits(400));
        // A request that is not an object is a problem of the price.
        assert_eq!(estimate(&json("[]")).unwrap_err()[0].path, "");
        assert_eq!(estimate(&with_holes("null", &[("", Unsendable::Function)])).unwrap_err()[0].path, "");
    }

    #[test]
    fn a_shot_field_named_with_brackets_is_not_the_shot() {
        let input = with_holes(
            r#"{"multi_shots":true,"multi_prompt":[{"prompt":"a","duration":5,"":null}]}"#,
            &[(r#"multi_prompt[0][""]"#, Unsendable::Function)],
        );
        assert!(validate(&input).1.errors.iter().any(|i| i.path == r#"multi_prompt[0][""]"#));
        assert_eq!(estimate(&input).unwrap().credits, Credits(300));
        // The shot itself, and its duration, are the price's.
        let bad = json(r#"{"multi_shots":true,"multi_prompt":[5,{"prompt":"a","duration":"5"}]}"#);
        let paths: Vec<String> = estimate(&bad).unwrap_err().into_iter().map(|i| i.path).collect();
        assert_eq!(paths, ["multi_prompt[0]", "multi_prompt[1].duration"]);
    }

    #[test]
    fn problems_outside_the_price_fields_do_not_stop_the_estimate() {
        let cost =
            estimate(&json(r#"{"prompt":5,"image":"nope","aspect_ratio":"4:3","multi_prompt":[{"duration":"x"}]}"#));
        assert_eq!(cost.unwrap().credits, Credits(300));
    }
}
