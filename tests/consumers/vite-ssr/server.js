// A Vite SSR server entry, as a framework's server code would use the package: imported by
// name, it renders a page with the price of a task, and runs the consumers' scenario. Vite
// resolves the package with the "node" condition (pkg/node.js, the wasm inside it as base64),
// so the built server reads no file beside it, whether the package stays external or is
// bundled in.
import * as k from "kling3-wasm";
import { scenario } from "../scenario.js";

/** The HTML of a page quoting `request`'s price, rendered on the server. */
export function renderPage(request) {
  const { credits, seconds } = k.estimateCost(request);
  const prompt = String(request.prompt).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><title>Quote</title><p>“${prompt}”, ${seconds} s: <strong data-credits="${credits}">${credits} credits</strong></p>`;
}

/** The scenario against the API at `baseUrl`, with the page rendered for its request. */
export async function run(baseUrl) {
  const html = renderPage({ prompt: "A cat in a <Vite> server", duration: 3 });
  return { ...(await scenario(k, baseUrl)), html };
}
