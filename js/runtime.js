// What the wasm module asks of JS where JS may throw. Each function that may throw catches in
// JS and gives back THREW (or the caught value, wrapped), so no exception ever reaches the
// module: a wasm-bindgen `catch` import that throws keeps one slot of the module's table of JS
// values for good (measured: tests/wasm/cases.rs), and a module that runs out of slots traps.

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

/** `Promise.resolve(v)`, or a promise rejected with what that threw: it never throws. */
export function toPromise(v) {
  try {
    return Promise.resolve(v);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** `f(url, init)` as `[true, value]`, or `[false, what it threw]`: a fetch, called as code written for the global one calls it. */
export function callFetch(f, url, init) {
  try {
    return [true, f(url, init)];
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

/**
 * The value of the header `name` (lower case) in `headers`: a `Headers` (or anything with a
 * `get` method), or a plain object whose keys are matched in any case; undefined when it is not
 * there, is not text, or reading it threw.
 */
export function headerOf(headers, name) {
  try {
    if (headers === null || typeof headers !== "object") return undefined;
    let value;
    if (typeof headers.get === "function") value = headers.get(name);
    else {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
      value = key === undefined ? undefined : headers[key];
    }
    return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  } catch {
    return undefined;
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

/**
 * Whether JSON.stringify writes exactly what `v` holds, within the reader's bounds: strings,
 * finite numbers, booleans, null, and arrays and objects with a plain prototype (so no toJSON,
 * no Date or Map) holding only those; `undefined` only as an object's field (left out, as the
 * reader does) or an array's item (null). A cycle ends at the depth bound.
 */
function isPlain(v, depth, budget) {
  if (--budget.left < 0 || depth > budget.deepest) return false;
  switch (typeof v) {
    case "string":
      return v.length <= budget.longest;
    case "number":
      // JSON writes -0 as 0: the walk keeps the sign, so -0 takes the walk.
      return Number.isFinite(v) && !Object.is(v, -0);
    case "boolean":
      return true;
    case "object": {
      if (v === null) return true;
      if (Array.isArray(v)) {
        const length = v.length;
        if (!(length <= budget.left)) return false;
        for (let i = 0; i < length; i++) {
          const item = v[i];
          if (item === undefined) budget.left--;
          else if (!isPlain(item, depth + 1, budget)) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) return false;
        const field = v[key];
        if (field === undefined) {
          if (--budget.left < 0) return false;
        } else if (!isPlain(field, depth + 1, budget)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * The JSON text of a plain JSON-like value, or undefined for anything else (a function, a
 * cycle, a Date, a getter that throws...): the module then reads the value field by field.
 * One native JSON.stringify instead of a call into JS per field is what makes this the fast path.
 * The bounds are the module's reader's, passed in: at most `deepest` levels, `most` values and
 * strings of `longest` UTF-16 units.
 */
export function plainJson(v, deepest, most, longest) {
  if (v === undefined) return undefined;
  try {
    return isPlain(v, 0, { left: most, deepest, longest }) ? JSON.stringify(v) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `plainJson` for only the fields named in `only` (an array of names), at every level: the
 * JSON text JSON.stringify writes with `only` as its replacer. For a function that reads a few
 * fields (the price's), so a long prompt or a list of elements is neither checked nor copied.
 */
export function plainJsonOf(v, only, deepest, most, longest) {
  if (v === undefined) return undefined;
  try {
    const part = pick(v, only, 0, { left: most, deepest });
    return part !== NOT_PLAIN && isPlain(part, 0, { left: most, deepest, longest }) ? JSON.stringify(part) : undefined;
  } catch {
    return undefined;
  }
}

const NOT_PLAIN = Symbol("not plain");

/**
 * A copy of `v` holding only the fields named in `only`, at every level (arrays whole), or
 * NOT_PLAIN where `isPlain` would say no to what the copy leaves out: an object that is not
 * plain, or more values than the reader takes (every item and field copied counts). A field
 * that is inherited or not enumerable is left out, as the module's reader leaves it out (it
 * reads own enumerable fields). Deeper than its bound, the copy stops and `isPlain` then refuses
 * it (a cycle ends there). The other fields are not looked at: their size does not count.
 */
function pick(v, only, depth, budget) {
  if (typeof v !== "object" || v === null || depth > budget.deepest) return v;
  if (--budget.left < 0) return NOT_PLAIN;
  if (Array.isArray(v)) {
    const length = v.length;
    // Every item counts, object or not: a list that holds one array many times is copied
    // that many times.
    if (!(length <= budget.left)) return NOT_PLAIN;
    budget.left -= length;
    const items = new Array(length);
    for (let i = 0; i < length; i++) {
      const item = pick(v[i], only, depth + 1, budget);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      items[i] = item;
    }
    return items;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const part = {};
  for (const key of only) {
    const own = Object.getOwnPropertyDescriptor(v, key);
    if (own === undefined || !own.enumerable) continue;
    if (--budget.left < 0) return NOT_PLAIN;
    const field = pick(v[key], only, depth + 1, budget);
    if (field === NOT_PLAIN) return NOT_PLAIN;
    part[key] = field;
  }
  return part;
}
