//! The binding layer in Node: `cargo test --target wasm32-unknown-unknown --test wasm_node`.
#![cfg(target_arch = "wasm32")]

#[path = "wasm/cases.rs"]
mod cases;

#[path = "wasm/client_cases.rs"]
mod client_cases;
