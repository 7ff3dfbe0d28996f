//! Validate, price, build and send Kling 3.0 video-generation requests.
//!
//! The core (every module but `bindings`) is plain Rust: it compiles and is tested on the host
//! with `cargo test`. The `bindings` module, built only for wasm, is the JavaScript surface.
//!
//! The crate is `no_std` (with `alloc`) and writes its messages without `core::fmt`
//! ([`cat!`]): in the wasm module, std's panic machinery and the formatting code it drags in
//! would weigh more than the rules themselves.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod text;

/// What every module uses from `alloc`, which a `no_std` crate must import by name.
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use crate::cat;
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    // Tests may format; the crate itself does not (see `cat!`).
    #[cfg(test)]
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

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

/// The package's wasm module has no std, so it says what a panic does: trap. The code is
/// written not to panic (property tests and a fuzz run hold it to that); were one to happen,
/// the JS caller gets a `RuntimeError` instead of a hang. Only the package's build (feature
/// `module`) sets it: test builds link std, which brings its own.
#[cfg(all(target_arch = "wasm32", feature = "module"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The TypeScript declarations of the types that cross to JS, as tsify writes them.
#[cfg(feature = "ts")]
pub fn typescript_declarations() -> prelude::Vec<&'static str> {
    use tsify::Tsify;
    alloc::vec![
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
    ]
}
