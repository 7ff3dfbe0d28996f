// Node 20+ ES module: `import` by package name, no init call.
import * as k from "kling3-wasm";
import { scenario } from "../scenario.js";

console.log(JSON.stringify(await scenario(k, process.env.KLING_BASE_URL)));
