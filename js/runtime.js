// Platform glue for the wasm module's input reader.

/** Whether a string is valid Unicode (no unpaired surrogate), in engines old and new. */
export function isWellFormed(s) {
  return typeof s.isWellFormed === "function" ? s.isWellFormed() : !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""));
}
