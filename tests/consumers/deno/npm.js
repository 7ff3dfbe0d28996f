// Deno 2 with no package.json: the package as `npm:kling3-wasm`, which Deno downloads from the
// npm registry into its cache, DENO_DIR (the test serves it from a local registry through
// NPM_CONFIG_REGISTRY, since it is not published). The test copies this file and
// ../scenario.js into a temporary folder and runs it with `deno run --allow-net=<sandbox>`.
import * as k from "npm:kling3-wasm";
import { scenario } from "./scenario.js";

const result = await scenario(k, Deno.args[0]);
console.log(JSON.stringify({ runtime: `deno ${Deno.version.deno}`, entry: import.meta.resolve("npm:kling3-wasm"), ...result }));
