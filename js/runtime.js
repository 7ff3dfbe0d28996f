// What the wasm module asks of JS where JS may throw. Each function here catches in JS and gives
// back THREW (or the caught value, wrapped), so no exception ever reaches the module: a
// wasm-bindgen `catch` import that throws keeps one slot of the module's table of JS values
// for good (measured: tests/wasm/cases.rs), and a module that runs out of slots traps.

/** What a guarded call gives back when the JS it ran threw. */
export const THREW = Object.freeze({ threw: true });

/** Whether a string is valid Unicode (no unpaired surrogate), in engines old and new. */
export function isWellFormed(s) {
  return typeof s.isWellFormed === "function" ? s.isWellFormed() : !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""));
}

/** `o[k]`, or THREW when a getter or a Proxy trap throws. */
export function get(o, k) {
  try {
    return o[k];
  } catch {
    return THREW;
  }
}

/** `Object.keys(o)`, or THREW. */
export function keys(o) {
  try {
    return Object.keys(o);
  } catch {
    return THREW;
  }
}

/** 1 for an array, 0 for another object, 2 when it cannot be told (a revoked Proxy). */
export function arrayKind(v) {
  try {
    return Array.isArray(v) ? 1 : 0;
  } catch {
    return 2;
  }
}

/** `JSON.parse(text)`, or THREW. */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return THREW;
  }
}

/** `f(arg)` as `[true, value]`, or `[false, what it threw]`. */
export function attempt(f, arg) {
  try {
    return [true, f(arg)];
  } catch (error) {
    return [false, error];
  }
}

/**
 * A genuine Response with what `v` holds (`Response.prototype.clone`: not a Proxy, not a
 * subclass with methods of its own), or THREW when `v` is not a Response.
 */
export function genuineResponse(v) {
  try {
    return Response.prototype.clone.call(v);
  } catch {
    return THREW;
  }
}

/** A signal that aborts with `signal` but holds no listener on it, where the runtime can. */
export function follow(signal) {
  try {
    return AbortSignal.any([signal]);
  } catch {
    return signal;
  }
}

const FALLBACK = Symbol("fallback");
const LONGEST_STRING = 1_000_000;

/** Gives up on anything JSON would write differently from what the value holds. */
function faithful(key, value) {
  // `this[key]` is the value before any toJSON: a value toJSON changed is not read this way.
  if (this[key] !== value) throw FALLBACK;
  switch (typeof value) {
    case "string":
      if (value.length > LONGEST_STRING) throw FALLBACK;
      return value;
    case "number":
      if (!Number.isFinite(value)) throw FALLBACK;
      return value;
    case "boolean":
      return value;
    case "undefined":
      // Left out of objects and written as null in arrays, as the module's own reader does.
      return value;
    case "object": {
      if (value === null || Array.isArray(value)) return value;
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return value;
      throw FALLBACK;
    }
    default:
      throw FALLBACK;
  }
}

/**
 * The JSON text of a plain JSON-like value (objects, arrays, strings, finite numbers, booleans,
 * null), or undefined for anything else (a function, a cycle, a Date, a getter that throws...):
 * the module then reads the value field by field instead. One native call instead of one per
 * field is what makes this the fast path.
 */
export function plainJson(v) {
  if (v === undefined) return undefined;
  try {
    return JSON.stringify(v, faithful);
  } catch {
    return undefined;
  }
}
