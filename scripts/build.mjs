// Builds pkg/: the release wasm, wasm-bindgen glue for each target, wasm-opt, and the
// package's entry points. Skips the work when nothing it reads has changed since the last
// build (pass --force to build anyway).
//
//   pkg/web/      --target web (browsers, where pkg/web.js awaits the init for you)
//   pkg/bundler/  --target bundler
//   pkg/node.js, pkg/web.js, pkg/bundler.js   entry points: the functions, the client and the error classes
//                 (pkg/node.js in one file, with a wasm built for speed, compiled on the first call)
//   pkg/index.d.ts, pkg/types/                the types, generated from the Rust types
//   pkg/workerd.js                            Cloudflare Workers: the wasm imported as a module
//   pkg/edge.js                               edge runtimes (`edge-light`): the same, with `?module`
//   pkg/web.file.js                           esbuild's file loader (the `wasm-file` condition)
//   pkg/inline.js                             `kling3-wasm/inline`: the wasm inlined, for any bundler
//   pkg/proxy.*.js, pkg/proxy-*.js            `kling3-wasm/proxy`, from js/proxy.js and js/proxy-*.js
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync, transformSync } from "esbuild";
import { cargoTargetDir } from "./cargo-target.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const crate = "kling3_wasm";
// Each folder of glue, its wasm-bindgen target, and the Cargo profile its wasm comes from:
// `release` (opt-level z) wherever a page loads it, `release-node` (opt-level 3, Cargo.toml says
// why) for pkg/node.js, whose folder is bundled into it and then removed.
const targets = { web: ["web", "release"], bundler: ["bundler", "release"], "node-web": ["web", "release-node"] };

function run(cmd, args) {
  console.error(`build: ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
}

/** Every file the build reads, hashed, so an unchanged tree is not built again. */
function inputsHash() {
  const hash = createHash("sha256");
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  for (const dir of ["src", "js", "examples"]) walk(join(root, dir));
  for (const file of ["Cargo.toml", "Cargo.lock", "scripts/build.mjs", "node_modules/binaryen/package.json"]) {
    if (existsSync(join(root, file))) hash.update(file).update(readFileSync(join(root, file)));
  }
  // The toolchain too: a new rustc or wasm-bindgen must not leave an old pkg/ in place.
  for (const [cmd, args] of [["rustc", ["-vV"]], ["wasm-bindgen", ["--version"]]]) {
    hash.update(cmd).update(execFileSync(cmd, args, { cwd: root, encoding: "utf8" }));
  }
  return hash.digest("hex");
}

const stampFile = join(pkg, ".build-hash");
const hash = inputsHash();
if (!process.argv.includes("--force") && existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash) {
  console.error("build: pkg/ is up to date");
  process.exit(0);
}

// `cargo rustc --crate-type cdylib`, not `cargo build`: with the rlib that Cargo.toml also asks for
// (for the tests and the example), Cargo silently drops `lto = true` (rust-lang/cargo#9672), and
// the wasm is about 12 KB larger after gzip.
for (const profile of ["release", "release-node"]) {
  run("cargo", ["rustc", "--profile", profile, "--target", "wasm32-unknown-unknown", "--lib", "--crate-type", "cdylib"]);
}
// The request, result and option types' declarations, written by tsify from the same Rust types (on
// the host, so the module carries no declaration text); each build's .d.ts gets them below.
console.error("build: cargo run --example typescript --features ts");
const declarations = execFileSync("cargo", ["run", "--quiet", "--example", "typescript", "--features", "ts"], { cwd: root, encoding: "utf8" });
const targetDir = cargoTargetDir(root);
const wasmOf = (profile) => join(targetDir, "wasm32-unknown-unknown", profile, `${crate}.wasm`);
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);

const wasmOpt = join(root, "node_modules/.bin/wasm-opt");
// pkg/types/ keeps only the declarations of a Node build: the web build's also declare its
// init functions and their DOM types, which the package's entry points do not export.
for (const [dir, [target, profile]] of Object.entries({ ...targets, types: ["experimental-nodejs-module", "release"] })) {
  const out = join(pkg, dir);
  // --weak-refs: a KlingClient nobody references is freed by the garbage collector.
  run("wasm-bindgen", ["--target", target, "--weak-refs", "--out-dir", out, wasmOf(profile)]);
  rmSync(join(out, ".gitignore"), { force: true });
  rmSync(join(out, "package.json"), { force: true });
  const dts = join(out, `${crate}.d.ts`);
  // `[Symbol.dispose]()` is there at run time where the engine has it, but TypeScript knows the
  // symbol only with the esnext.disposable lib: declared, it breaks type checks on ES2022 libs.
  const glueTypes = readFileSync(dts, "utf8").replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, "");
  // The options' callbacks name the error classes, declared beside: pkg/errors.d.ts.
  writeFileSync(dts, 'import type { KlingError } from "../errors.js";\n' + glueTypes + "\n" + declarations);
  if (dir === "types") {
    for (const file of readdirSync(out)) if (file !== `${crate}.d.ts`) rmSync(join(out, file), { recursive: true });
    continue;
  }
  const bg = join(out, `${crate}_bg.wasm`);
  // --converge: run -Oz until it stops finding savings; -O3 where speed is wanted.
  const level = profile === "release" ? ["-Oz", "--converge"] : ["-O3"];
  run(wasmOpt, [...level, "--strip-debug", "--strip-producers", bg, "-o", bg]);
  // The glue ships minified (its JSDoc is in the .d.ts): smaller for pages with no bundler.
  for (const file of readdirSync(out, { recursive: true }).filter((f) => f.endsWith(".js"))) {
    const path = join(out, file);
    const { code } = transformSync(readFileSync(path, "utf8"), { format: "esm", minify: true, target: "es2022", legalComments: "none" });
    writeFileSync(path, code);
  }
}

/** The path, from pkg/, of the error classes' copy inside one target's snippets. */
function errorsModule(dir) {
  const snippets = join(pkg, dir, "snippets");
  for (const name of readdirSync(snippets)) {
    const candidate = join(snippets, name, "js", "errors.js");
    if (existsSync(candidate)) return "./" + relative(pkg, candidate).split("\\").join("/");
  }
  throw new Error(`build: no errors.js snippet in ${snippets}`);
}

const header = "// Generated by scripts/build.mjs: the package's functions, its client and its error classes.\n";
const errorNames = "KlingError, ValidationError, ApiError, TaskFailedError, TimeoutError";
// The package's interface, all from the wasm-bindgen glue.
const functionNames =
  "validateRequest, normalizeRequest, estimateCost, buildRequest, toCurl, toSnippet, parseTask, requestLimits, clientDefaults, statusText, isTaskId, isIdempotencyKey, checkTaskId, checkIdempotencyKey, checkApiKey, attemptVerdict, nextPollDelay, redactKey, KlingClient";

/** An entry point: `prelude` (the init, if any), then the interface from one build. */
function entry(dir, prelude = "") {
  return (
    header +
    prelude +
    `export { ${functionNames} } from "./${dir}/${crate}.js";\n` +
    `export { ${errorNames} } from "${errorsModule(dir)}";\n` +
    `// The class's own name, kept through minification (\`client.constructor.name\`).\n` +
    `import { KlingClient as Client } from "./${dir}/${crate}.js";\n` +
    `Object.defineProperty(Client, "name", { value: "KlingClient" });\n`
  );
}
// The wasm as base64, for the builds that cannot fetch it or read it from a file: Node's entry
// (its own wasm) and `kling3-wasm/inline` (the page's).
for (const dir of ["web", "node-web"]) {
  const wasmBase64 = readFileSync(join(pkg, dir, `${crate}_bg.wasm`)).toString("base64");
  writeFileSync(
    join(pkg, dir, "wasm-inline.js"),
    `// Generated by scripts/build.mjs: the wasm module as base64.\nexport const wasm = "${wasmBase64}";\n`,
  );
}
// Node: the wasm travels inside the entry as base64, not as a file read beside it. A server
// bundler (Next.js's Turbopack and webpack, Vite SSR) moves the entry into its own chunks and
// rewrites `new URL("….wasm", import.meta.url)` into a URL of its making that no file read can
// follow; a string survives every bundler and every deployment's file tracing. Importing it
// costs a fresh process about 1.5 ms more than reading the file did (`npm run bench`). The wasm is
// compiled and instantiated at the first call, not at import; then each function's binding is
// the module's own, so later calls go straight in.
const functions = functionNames.split(", ").filter((name) => name !== "KlingClient");
writeFileSync(
  join(pkg, "node.js"),
  [
    header.trimEnd(),
    // Named imports, not `import * as`: the glue's async init, which names its wasm by URL, is
    // then left out of the bundle, where a server bundler would try to resolve that URL.
    `import { initSync, KlingClient as GlueClient, ${functions.map((name) => `${name} as glue_${name}`).join(", ")} } from "./node-web/${crate}.js";`,
    `import { wasm } from "./node-web/wasm-inline.js";`,
    `let loaded = false;`,
    `function load() {`,
    `  if (loaded) return;`,
    // Buffer, which Node, Bun and Deno all have: 0.3 ms where atob and a copy take 15.
    `  initSync({ module: Buffer.from(wasm, "base64") });`,
    `  loaded = true;`,
    ...functions.map((name) => `  ${name} = glue_${name};`),
    `}`,
    ...functions.map((name) => `export let ${name} = (...args) => (load(), ${name}(...args));`),
    `export class KlingClient extends GlueClient {`,
    `  static name = "KlingClient";`,
    `  constructor(options) {`,
    `    load();`,
    `    super(options);`,
    `  }`,
    `}`,
    `export { ${errorNames} } from "${errorsModule("node-web")}";`,
    ``,
  ].join("\n"),
);
// One file for Node's loader to read instead of five (entry, glue, the wasm and the two
// snippets): each module costs a fresh process its own resolve, read and compile. Its lines
// are kept (only names and syntax are minified): Node prints the source line of an uncaught
// error, and on one line with the base64 wasm that was 350 KB in the user's terminal.
buildSync({ entryPoints: [join(pkg, "node.js")], bundle: true, format: "esm", platform: "node", target: "node20", minifySyntax: true, minifyIdentifiers: true, legalComments: "none", outfile: join(pkg, "node.js"), allowOverwrite: true, logLevel: "error" });
if (/new URL\("[^"]*\.wasm"/.test(readFileSync(join(pkg, "node.js"), "utf8"))) throw new Error("build: pkg/node.js must name no wasm file by URL");
// All of it is inside pkg/node.js now.
rmSync(join(pkg, "node-web"), { recursive: true });
writeFileSync(join(pkg, "bundler.js"), entry("bundler"));
// Browsers and the bundlers that follow `new URL("….wasm", import.meta.url)` (Vite, webpack,
// Rspack, Turbopack): the bundler emits the wasm and rewrites the URL; a page with no bundler
// finds it beside this file. There is no base64 fallback: every bundler would emit it too.
writeFileSync(
  join(pkg, "web.js"),
  entry(
    "web",
    `// The web build needs its wasm fetched and instantiated once: top-level await does it here.\n` +
      `import init from "./web/${crate}.js";\n` +
      `const url = new URL("./web/${crate}_bg.wasm", import.meta.url);\n` +
      `const response = await fetch(url);\n` +
      `// A bundler that does not follow the URL above (esbuild) leaves no file there: the server\n` +
      `// answers 404, or a single-page app's page. Say what to do, before the wasm could say it.\n` +
      `if (!response.ok || /^text\\/html/i.test(response.headers.get("Content-Type") ?? ""))\n` +
      `  throw new Error(\`kling3-wasm: its WebAssembly is not at \${url} (HTTP \${response.status}). A bundler that does not emit the file named by new URL(…, import.meta.url) needs a setting (esbuild: loader { ".wasm": "file" } and conditions ["wasm-file"]), or import "kling3-wasm/inline", which carries it inside the JS.\`);\n` +
      `await init({ module_or_path: response });\n`,
  ),
);
// esbuild, with `loader: { ".wasm": "file" }` and the `wasm-file` condition: the wasm is
// imported, so esbuild copies it beside the bundle and gives its path relative to the bundle.
writeFileSync(
  join(pkg, "web.file.js"),
  entry(
    "web",
    `// The bundler copies the imported wasm and gives its path; top-level await instantiates it.\n` +
      `import init from "./web/${crate}.js";\nimport wasm from "./web/${crate}_bg.wasm";\n` +
      `await init({ module_or_path: new URL(wasm, import.meta.url) });\n`,
  ),
);
// One module for a page to fetch instead of four (entry, glue and the two snippets). The glue
// names its wasm relative to itself (`new URL("…", import.meta.url)`, as bundlers expect): in
// pkg/web.js, that is one folder down.
for (const name of ["web.js", "web.file.js"]) {
  const file = join(pkg, name);
  buildSync({ entryPoints: [file], bundle: true, format: "esm", platform: "browser", target: "es2022", minify: true, legalComments: "none", outfile: file, allowOverwrite: true, logLevel: "error", external: [`./web/${crate}_bg.wasm`] });
  const bundled = readFileSync(file, "utf8");
  const [from, to] = [`new URL("${crate}_bg.wasm",import.meta.url)`, `new URL("./web/${crate}_bg.wasm",import.meta.url)`];
  if (bundled.split(from).length !== 2) throw new Error(`build: expected the glue's wasm URL once in pkg/${name}`);
  if (bundled.includes("wasm-inline")) throw new Error(`build: pkg/${name} must not import the base64 copy`);
  writeFileSync(file, bundled.replace(from, to));
}
// Cloudflare Workers (workerd) import a .wasm file as a compiled WebAssembly.Module.
writeFileSync(
  join(pkg, "workerd.js"),
  entry(
    "web",
    `// Workers import the .wasm as a WebAssembly.Module, and instantiate it synchronously here.\n` +
      `import wasmModule from "./web/${crate}_bg.wasm";\nimport { initSync } from "./web/${crate}.js";\ninitSync({ module: wasmModule });\n`,
  ),
);
// Edge runtimes (Next.js's edge runtime, Vercel Edge Functions: the `edge-light` condition) compile
// no wasm from bytes; they take the module from an import with `?module`, in Turbopack and webpack.
writeFileSync(
  join(pkg, "edge.js"),
  entry(
    "web",
    `// Edge runtimes import the .wasm as a WebAssembly.Module (\`?module\`), instantiated here.\n` +
      `import wasmModule from "./web/${crate}_bg.wasm?module";\nimport { initSync } from "./web/${crate}.js";\n` +
      `// Next.js's edge sandbox (next start, next dev, and its build) compiles the module in another\n` +
      `// realm, where \`instanceof WebAssembly.Module\` is false and the glue would compile it again.\n` +
      `if (!(wasmModule instanceof WebAssembly.Module)) Object.setPrototypeOf(wasmModule, WebAssembly.Module.prototype);\n` +
      `initSync({ module: wasmModule });\n`,
  ),
);
// Any bundler, no configuration: the wasm travels inside the JS as base64, and is instantiated
// at import, with no fetch.
writeFileSync(
  join(pkg, "inline.js"),
  entry(
    "web",
    `// The wasm is inlined as base64, for code that must not fetch it.\n` +
      `import { initSync } from "./web/${crate}.js";\n` +
      `import { wasm } from "./web/wasm-inline.js";\n` +
      `initSync({ module: Uint8Array.from(atob(wasm), (c) => c.charCodeAt(0)) });\n`,
  ),
);
copyFileSync(join(root, "js/errors.d.ts"), join(pkg, "errors.d.ts"));

// The proxy, once for Node (node build) and once for other runtimes (web build).
const proxy = readFileSync(join(root, "js/proxy.js"), "utf8");
const proxyImport = 'from "kling3-wasm";';
if (!proxy.includes(proxyImport)) throw new Error("build: js/proxy.js must import from \"kling3-wasm\"");
writeFileSync(join(pkg, "proxy.node.js"), proxy.replace(proxyImport, 'from "./node.js";'));
writeFileSync(join(pkg, "proxy.web.js"), proxy.replace(proxyImport, 'from "./web.js";'));
writeFileSync(join(pkg, "proxy.workerd.js"), proxy.replace(proxyImport, 'from "./workerd.js";'));
writeFileSync(join(pkg, "proxy.edge.js"), proxy.replace(proxyImport, 'from "./edge.js";'));
copyFileSync(join(root, "js/proxy.d.ts"), join(pkg, "proxy.d.ts"));
// The proxy's parts by job (js/proxy-*.js), which need nothing of the package's: copied as they are.
for (const part of readdirSync(join(root, "js")).filter((f) => /^proxy-.+\.js$/.test(f))) {
  const source = readFileSync(join(root, "js", part), "utf8");
  if (source.includes('"kling3-wasm"')) throw new Error(`build: js/${part} must not import the package; js/proxy.js does`);
  writeFileSync(join(pkg, part), source);
}
writeFileSync(
  join(pkg, "index.d.ts"),
  `// Generated by scripts/build.mjs.\nexport type * from "./types/${crate}.js";\n` +
    `export { ${functionNames} } from "./types/${crate}.js";\n` +
    `export { ${errorNames} } from "./errors.js";\n`,
);
writeFileSync(stampFile, hash);

const sizes = readdirSync(pkg, { recursive: true })
  .filter((f) => /_bg\.wasm$|kling3_wasm(_bg)?\.js$/.test(f))
  .map((f) => `${f} ${statSync(join(pkg, f)).size} B`);
console.error(`build: done\n  ${sizes.join("\n  ")}`);
