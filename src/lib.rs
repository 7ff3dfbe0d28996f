//! Validate, price, build and send Kling 3.0 video-generation requests.
//!
//! The core (every module but `interop`, `client` and `bindings`) is plain Rust: it compiles and
//! is tested on the host with `cargo test`. Built only for wasm, and each standing only on those
//! before it: `interop` (the imports that catch what JS throws, and the value converters),
//! `client` (sends, waits, and applies the core's verdicts), and `bindings`, the JavaScript
//! surface: it reads JS values into an [`input::Input`], asks the core or the client, and
//! converts the answer back.

// The size rules of `clippy.toml` (`disallowed-methods`) hold in the library: Cargo.toml allows
// them in the test and example targets, and each `mod tests` allows them too.
#![warn(clippy::disallowed_methods)]

pub mod attempt;
pub mod calls;
pub mod error;
pub mod input;
pub mod json_text;
pub mod normalize;
#[cfg(feature = "ts")]
pub mod options;
pub mod pricing;
pub mod request;
pub mod response;
pub mod schedule;
pub mod snippet;
pub mod task;
pub mod text;
pub mod validate;
pub mod verdict;
pub mod wait;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
/// The async client over `fetch` (wasm only).
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub(crate) mod interop;

// The wasm module's allocator (single-threaded wasm: no atomics).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The TypeScript declarations of the types that cross to JS, as tsify writes them.
#[cfg(feature = "ts")]
pub fn typescript_declarations() -> Vec<&'static str> {
    use tsify::Tsify;
    vec![
        request::KlingRequest::DECL,
        request::Mode::DECL,
        request::AspectRatio::DECL,
        request::Seconds::DECL,
        request::Credits::DECL,
        request::Shot::DECL,
        request::Element::DECL,
        request::Limits::DECL,
        validate::Validation::DECL,
        validate::Issue::DECL,
        validate::Code::DECL,
        pricing::Cost::DECL,
        wire::BuiltRequest::DECL,
        task::Task::DECL,
        task::Status::DECL,
        calls::ClientDefaults::DECL,
        verdict::AttemptVerdict::DECL,
        verdict::VerdictOutcome::DECL,
        options::ClientOptions::DECL,
        options::BuildOptions::DECL,
        options::RequestOptions::DECL,
        options::CreateOptions::DECL,
        options::CreateTaskOptions::DECL,
        options::WaitOptions::DECL,
        options::GenerateOptions::DECL,
        options::Progress::DECL,
        options::CurlOptions::DECL,
        snippet::SnippetLanguage::DECL,
        options::SnippetOptions::DECL,
        options::AttemptAnswer::DECL,
    ]
}
