// Starts the sandbox (and the dev server around it) on a free port for tests run from outside
// Node, prints its URL on one line, and runs until killed.
import { startDevServer } from "../../server/dev-server.mjs";

const { url } = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
console.log(url);
