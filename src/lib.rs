//! Validate, price, build and send Kling 3.0 video-generation requests.
//!
//! The core (every module but `bindings`) is plain Rust: it compiles and is tested on the host
//! with `cargo test`. The `bindings` module, built only for wasm, is the JavaScript surface.

pub mod client;
pub mod error;
pub mod normalize;
pub mod pricing;
pub mod request;
pub mod response;
pub mod schedule;
pub mod task;
pub mod validate;
pub mod value;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

// The wasm module's allocator (single-threaded wasm: no atomics).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
