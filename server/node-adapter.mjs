// The dev server, the tests and the bench serve fetch handlers from Node's http server with the
// package's own adapter (kling3-wasm/proxy's toNodeHandler).
export { serveFetchHandler } from "../js/proxy-node.js";
