// Bun, Deno or Node in a project with the packed package in node_modules: the client imported
// by name waits for a task at the API whose base URL is the first argument (an argument, so that
// Deno needs no permission but the network to it). Prints what it saw as JSON.
import { KlingClient } from "kling3-wasm";
import { waitForATask } from "./wait.js";

const [api] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
console.log(JSON.stringify({ runtime, entry: import.meta.resolve("kling3-wasm"), ...(await waitForATask(KlingClient, api)) }));
