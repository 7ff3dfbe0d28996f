//! The JavaScript interop below the client and the binding layer (wasm only): the imports that
//! catch whatever JS throws (`js`), the bounded reader of any JS value into an
//! [`crate::input::Input`] (`from_js`), and the converters of the core's values into JS values
//! (`to_js`). It holds no rule, and knows neither the client nor the bindings: the arrows
//! point down, core <- interop <- client <- bindings (`scripts/check-layers.mjs` checks it).

pub mod from_js;
pub mod js;
pub mod to_js;
