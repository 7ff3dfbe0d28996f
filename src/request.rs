//! The create-task request: its fields, allowed values and defaults, as the API page gives them.
//!
//! These types are what a request *means* once it has been checked; they also generate the
//! TypeScript declarations, so the `.d.ts` and the rules cannot drift apart.

use serde::{Deserialize, Serialize};

/// The only model this package speaks to.
pub const MODEL: &str = "kling-3";
/// The path of the API's base URL (written once, for both constants below).
macro_rules! base_path {
    () => {
        "/api/v1"
    };
}
/// Where the API lives under its origin, and where a same-origin proxy or the sandbox serves it.
pub const BASE_PATH: &str = base_path!();
/// Default base URL of the API.
pub const DEFAULT_BASE_URL: &str = concat!("https://apiin.one", base_path!());
/// The longest prompt the API takes, in Unicode characters.
pub const MAX_PROMPT_CHARS: usize = 2500;
/// The longest prompt of one shot in multi-shot mode, in Unicode characters.
pub const MAX_SHOT_PROMPT_CHARS: usize = 512;
/// Video length bounds, in whole seconds.
pub const MIN_SECONDS: u32 = 3;
pub const MAX_SECONDS: u32 = 15;
pub const DEFAULT_SECONDS: u32 = 5;
/// Multi-shot bounds.
pub const MAX_SHOTS: usize = 6;
pub const MIN_SHOT_SECONDS: u32 = 1;
/// At most this many `kling_elements`.
pub const MAX_ELEMENTS: usize = 3;
/// An element's reference images, usually (a warning outside this range).
pub const MIN_ELEMENT_IMAGES: usize = 2;
pub const MAX_ELEMENT_IMAGES: usize = 4;
/// An element's reference videos, usually.
pub const ELEMENT_VIDEOS: usize = 1;
/// What the API asks of an `image` (a URL cannot tell, so the API checks; forms can show them):
/// at least this many pixels a side, at most this many bytes (10 MB).
pub const MIN_IMAGE_SIDE_PX: u32 = 300;
pub const MAX_IMAGE_BYTES: u32 = 10 * 1024 * 1024;

/// The request's bounds, for forms that show them (the rules themselves stay in validation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub max_prompt_chars: usize,
    pub max_shot_prompt_chars: usize,
    pub min_seconds: u32,
    pub max_seconds: u32,
    pub default_seconds: u32,
    pub min_shot_seconds: u32,
    pub max_shots: usize,
    pub max_elements: usize,
    pub min_element_images: usize,
    pub max_element_images: usize,
    pub element_videos: usize,
    pub min_image_side_px: u32,
    pub max_image_bytes: u32,
}

/// The bounds above, as one value.
pub const LIMITS: Limits = Limits {
    max_prompt_chars: MAX_PROMPT_CHARS,
    max_shot_prompt_chars: MAX_SHOT_PROMPT_CHARS,
    min_seconds: MIN_SECONDS,
    max_seconds: MAX_SECONDS,
    default_seconds: DEFAULT_SECONDS,
    min_shot_seconds: MIN_SHOT_SECONDS,
    max_shots: MAX_SHOTS,
    max_elements: MAX_ELEMENTS,
    min_element_images: MIN_ELEMENT_IMAGES,
    max_element_images: MAX_ELEMENT_IMAGES,
    element_videos: ELEMENT_VIDEOS,
    min_image_side_px: MIN_IMAGE_SIDE_PX,
    max_image_bytes: MAX_IMAGE_BYTES,
};

/// Every top-level field the API documents, in the order a normalized body lists them.
pub const FIELDS: [&str; 11] = [
    "model",
    "prompt",
    "mode",
    "duration",
    "aspect_ratio",
    "sound",
    "image",
    "multi_shots",
    "multi_prompt",
    "kling_elements",
    "callback_url",
];

/// Quality mode: `"std"` is faster and cheaper, `"pro"` has better motion and detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Std,
    Pro,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "std" => Some(Mode::Std),
            "pro" => Some(Mode::Pro),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Std => "std",
            Mode::Pro => "pro",
        }
    }
}

/// Output shape of a text-to-video; ignored when an `image` is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub enum AspectRatio {
    #[serde(rename = "1:1")]
    Square,
    #[serde(rename = "9:16")]
    Portrait,
    #[default]
    #[serde(rename = "16:9")]
    Landscape,
}

impl AspectRatio {
    pub const ALL: [AspectRatio; 3] = [AspectRatio::Square, AspectRatio::Portrait, AspectRatio::Landscape];

    pub fn parse(s: &str) -> Option<AspectRatio> {
        AspectRatio::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AspectRatio::Square => "1:1",
            AspectRatio::Portrait => "9:16",
            AspectRatio::Landscape => "16:9",
        }
    }
}

/// A length of video in whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(transparent)]
pub struct Seconds(pub u32);

/// An amount of API credits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(transparent)]
pub struct Credits(pub u32);

/// One scene of a multi-shot video.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct Shot {
    /// What happens in this shot; at most 512 characters.
    pub prompt: String,
    /// Whole seconds, at least 1; the shots add up to the video's duration.
    pub duration: Seconds,
}

/// A creative element (a character, an object) that prompts refer to as `@name`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct Element {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub description: Option<String>,
    /// 2 to 4 reference image URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub element_input_urls: Option<Vec<String>>,
    /// One reference video URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub element_input_video_urls: Option<Vec<String>>,
}

/// A create-task request, with the API's own field names; every field is optional here
/// because the package fills the defaults (`model` too).
///
/// Validation fills one of these with every field that passed its checks.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct KlingRequest {
    /// Always `"kling-3"`.
    #[cfg_attr(feature = "ts", tsify(optional, type = "\"kling-3\""))]
    pub model: Option<String>,
    /// What the video shows; at most 2500 characters. Not needed in multi-shot mode.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub prompt: Option<String>,
    /// Default `"std"`.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub mode: Option<Mode>,
    /// Whole seconds from 3 to 15; default 5 (in multi-shot mode, the shots' total).
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub duration: Option<Seconds>,
    /// Default `"16:9"`.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub aspect_ratio: Option<AspectRatio>,
    /// Generate audio; default `true`.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub sound: Option<bool>,
    /// An http(s) image URL: makes the task image-to-video.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub image: Option<String>,
    /// Multi-shot mode; default `false`.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub multi_shots: Option<bool>,
    /// The shots, 1 to 6, when `multi_shots` is true.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub multi_prompt: Option<Vec<Shot>>,
    /// At most 3 elements, referred to in the prompt as `@name`.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub kling_elements: Option<Vec<Element>>,
    /// An http(s) URL the provider POSTs the finished task to.
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub callback_url: Option<String>,
}

impl KlingRequest {
    /// The mode the API will use.
    pub fn mode_or_default(&self) -> Mode {
        self.mode.unwrap_or_default()
    }

    /// Whether the video will have sound.
    pub fn sound_or_default(&self) -> bool {
        self.sound.unwrap_or(true)
    }

    /// Whether multi-shot mode is on.
    pub fn is_multi_shot(&self) -> bool {
        self.multi_shots == Some(true)
    }

    /// The length of the video the API will make: `duration` (which validation fills with
    /// the shots' total in multi-shot mode), else 5 s.
    pub fn seconds(&self) -> Seconds {
        self.duration.unwrap_or(Seconds(DEFAULT_SECONDS))
    }
}

/// Whether `s` is an absolute http(s) URL with a host.
///
/// ```
/// use kling3_wasm::request::is_http_url;
/// assert!(is_http_url("https://example.com/a.png"));
/// assert!(!is_http_url("javascript:alert(1)"));
/// assert!(!is_http_url("https://"));
/// ```
pub fn is_http_url(s: &str) -> bool {
    // Bytes, not characters: the delimiters are ASCII, and no byte of a multi-byte UTF-8
    // character is. `get` rather than indexing: no panic path, whatever the text.
    let bytes = s.as_bytes();
    let after = |scheme: &[u8]| {
        bytes.get(..scheme.len()).filter(|p| p.eq_ignore_ascii_case(scheme)).and_then(|_| bytes.get(scheme.len()..))
    };
    let Some(rest) = after(b"https://").or_else(|| after(b"http://")) else {
        return false;
    };
    let authority = rest.split(|b| matches!(b, b'/' | b'?' | b'#')).next().unwrap_or_default();
    let host = authority.rsplit(|b| *b == b'@').next().unwrap_or_default();
    let blank = if s.is_ascii() {
        // ASCII whitespace and controls are the bytes up to the space, and DEL.
        bytes.iter().any(|&b| b <= b' ' || b == 0x7f)
    } else {
        s.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    !host.is_empty() && host.first() != Some(&b':') && !blank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_urls_are_accepted_in_any_case() {
        for ok in ["http://a.b/c", "HTTPS://A.B", "HTTP://a.b", "https://user@host:8080/x?y#z", "http://127.0.0.1:8080"]
        {
            assert!(is_http_url(ok), "{ok}");
        }
    }

    #[test]
    fn other_schemes_and_broken_urls_are_refused() {
        for bad in [
            "",
            "ftp://a.b",
            "data:image/png;base64,AA",
            "javascript:x",
            "https://",
            "https:///x",
            "https://a b",
            "//a.b",
            "https://:80",
            "a.b/c",
            "https://é\n",
            "httpx://a.b",
            "httpsx://a.b",
            "http:/a.b",
            "javascript:alert(1)//http://a.b",
            "data:text/html,http://a.b",
        ] {
            assert!(!is_http_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn seconds_default_to_five() {
        let mut r = KlingRequest::default();
        assert_eq!(r.seconds(), Seconds(5));
        r.duration = Some(Seconds(10));
        assert_eq!(r.seconds(), Seconds(10));
    }
}
