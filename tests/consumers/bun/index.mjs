// Bun: `import` by package name.
import * as k from "kling3-wasm";
import { scenario } from "../scenario.js";

console.log(JSON.stringify({ runtime: typeof Bun === "object" ? `bun ${Bun.version}` : "not bun", ...(await scenario(k, process.env.KLING_BASE_URL)) }));
