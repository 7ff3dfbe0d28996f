//! The JavaScript surface: the only module with `#[wasm_bindgen]`. It converts JS values in
//! (through the bounded reader in `crate::interop::from_js`) and results out (through
//! `crate::interop::to_js`), turns the core's errors into the package's JS error classes, and
//! wraps the client's futures in Promises. Every rule lives in the core. One file per job:
//!
//! - `functions`: the pure functions (`validateRequest`, `estimateCost`, `buildRequest`...);
//! - `verdicts`: the core's checks and verdicts for a proxy or a sandbox (`attemptVerdict`,
//!   `checkTaskId`...);
//! - `kling_client`: `KlingClient`, and `call_options`, the options each call reads;
//! - `errors`: the core's errors and the client's failures as the JS error classes;
//! - `types`: the TypeScript declarations no Rust type gives.

mod call_options;
mod errors;
#[cfg(feature = "bench-floor")]
mod floor;
mod functions;
mod kling_client;
mod types;
mod verdicts;

pub use functions::*;
pub use kling_client::KlingClient;
pub use verdicts::*;
