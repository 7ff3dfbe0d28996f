// The proxy's callback URLs: each create gets a URL of the proxy's own, carrying a reference
// to the create and a token that only the holder of the secret can make (an HMAC-SHA-256 of
// the reference under the secret), so that a call to any other URL is refused unread. Web
// Crypto only, so it runs wherever the proxy does (Node, Workers, Deno, Bun, Next.js).

/** Where callbacks arrive, under the proxy's base path: `{basePath}/callbacks/{ref}/{token}`. */
export const CALLBACK_PATH = "/callbacks/";

/** The least length of `callbacks.secret`: 32 characters, as many bits as the HMAC's key wants. */
export const MIN_SECRET_LENGTH = 32;

const encoder = new TextEncoder();

const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** The bytes of a base64url text, or null when it is not one. */
function unbase64url(text) {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** What the token signs: the reference, under a name of its own. */
const signed = (ref) => encoder.encode(`kling3-wasm callback ${ref}`);

/**
 * Callback URLs under `publicUrl` (the proxy's base path as the API reaches it) signed with
 * `secret`: `make(once)` gives `{ ref, url }`, a new one each time, or with `once` (the user
 * and the create's Idempotency-Key) the same one for every repeat of that create, so that a
 * repeat sends the same body; `check(ref, token)` whether a token is the one made for `ref`
 * (Web Crypto's verify, which takes the same time however much matches), in its one spelling.
 */
export function callbackUrls(publicUrl, secret) {
  let key;
  const hmac = () => (key ??= crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]));
  return {
    async make(once = null) {
      const bytes = once === null
        ? crypto.getRandomValues(new Uint8Array(16))
        : new Uint8Array(await crypto.subtle.sign("HMAC", await hmac(), encoder.encode(`kling3-wasm create ${once}`))).slice(0, 16);
      const ref = base64url(bytes);
      const token = base64url(new Uint8Array(await crypto.subtle.sign("HMAC", await hmac(), signed(ref))));
      return { ref, url: `${publicUrl}${CALLBACK_PATH}${ref}/${token}` };
    },
    async check(ref, token) {
      const mac = unbase64url(token);
      // base64url leaves spare bits in its last letter: only the spelling made is taken.
      if (mac === null || mac.byteLength !== 32 || base64url(mac) !== token || unbase64url(ref) === null) return false;
      return crypto.subtle.verify("HMAC", await hmac(), mac, signed(ref));
    },
  };
}

/** The SHA-256 of a text, as hex. */
export async function digest(text) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}
