//! The TypeScript declarations that no Rust type gives: the loose input type the functions
//! take, the normalized body, and a task's `raw`. The option and result types come from the
//! Rust types themselves (tsify, `cargo run --example typescript --features ts`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_EXTRA: &'static str = r#"
/** A request body as `normalizeRequest` returns it: every default explicit, unknown fields kept. */
export type NormalizedRequest = KlingRequest &
  Required<Pick<KlingRequest, "model" | "mode" | "duration" | "aspect_ratio" | "sound">> & { [field: string]: unknown };
export interface Task {
  /** The response body the task was read from. */
  raw: unknown;
}
/**
 * What the functions take: a request as the API documents it, typed loosely enough that a body
 * copied from the docs, or built in a variable, type-checks as it is (the documented values are
 * suggested, any string is accepted, and the package checks every value), with unknown fields
 * passed through. `KlingRequest` is the strict type, for code that wants the values checked.
 */
export type RequestInput =
  | KlingRequest
  | ({ [F in keyof KlingRequest]?: KlingRequest[F] | (NonNullable<KlingRequest[F]> extends string ? string & {} : never) } & {
      [field: string]: unknown;
    });
"#;
