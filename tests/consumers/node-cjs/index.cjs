// Node CommonJS: `require` by package name (Node 20.19+ can require ES modules).
const k = require("kling3-wasm");

import("../scenario.js")
  .then(({ scenario }) => scenario(k, process.env.KLING_BASE_URL))
  .then((result) => console.log(JSON.stringify(result)));
