// toSnippet: each language's snippet, run for real (node, python3, sh with curl) against the
// sandbox, delivers exactly buildRequest's body, whatever the prompt holds; a redacted snippet
// reads the key from KLING_API_KEY and never contains it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { buildRequest, toCurl, toSnippet, ValidationError } from "kling3-wasm";
import { startDevServer } from "../../server/dev-server.mjs";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const KEY = "aio_test1234";
// Where each run writes: its own folder, so no earlier or parallel run is seen. A command in
// the prompt that ran would create PWNED.
const scratch = mkdtempSync(join(tmpdir(), "kling3-snippet-"));
const PWNED = join(scratch, "pwned");
// Everything that breaks a naive literal in one language or another.
const PROMPT =
  `it's "quoted" \\ back\\slash \\n \\u0041 \\' \\" \\\\\nline two\r\n\ttab ` +
  "${HOME} $(id) $(touch " + PWNED + ") `touch " + PWNED + "` %s {0} " +
  "🎬 é 日本語 \u2028 \u2029 \u0001 \u007f \u0085 \u200f \ufeff </script><!-- end";
const LANGUAGES = ["curl", "js", "fetch", "python"];

let srv;
let proxy;

/**
 * A recording pass-through to the sandbox: keeps the headers and the exact bytes of every POST
 * that arrives, and forwards everything (task polls, the video) unchanged.
 */
function recordingProxy(upstream) {
  const posts = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.method === "POST") posts.push({ path: req.url, headers: req.headers, body });
      const forward = httpRequest(new URL(req.url, upstream), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      forward.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, posts, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

before(async () => {
  try {
    execFileSync("sh", ["-c", "command -v curl"]);
  } catch {
    throw new Error("the curl snippet runs with curl, which is missing: install it (apt-get install curl)");
  }
  srv = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
  proxy = await recordingProxy(srv.url);
  // The js snippet's `import "kling3-wasm"` resolves to this package, as a dependency.
  mkdirSync(join(scratch, "node_modules"));
  symlinkSync(root, join(scratch, "node_modules/kling3-wasm"), "dir");
});
after(() => {
  proxy.server.closeAllConnections();
  proxy.server.close();
  srv.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a snippet as a user would; `key` is KLING_API_KEY in its environment (or none). */
async function runSnippet(language, code, key) {
  const env = { ...process.env };
  delete env.KLING_API_KEY;
  if (key) env.KLING_API_KEY = key;
  const file = join(scratch, `${language}-${Date.now()}.${language === "python" ? "py" : "mjs"}`);
  if (language !== "curl") writeFileSync(file, code);
  const [cmd, args] = {
    curl: ["sh", ["-c", code]],
    js: [process.execPath, [file]],
    fetch: [process.execPath, [file]],
    python: ["python3", [file]],
  }[language];
  const { stdout } = await run(cmd, args, { env, cwd: scratch, timeout: 30_000 });
  return stdout;
}

/** Runs `code` and returns what arrived at the sandbox's create endpoint. */
async function arrived(language, code, key) {
  const before = proxy.posts.length;
  const stdout = await runSnippet(language, code, key);
  assert.equal(proxy.posts.length, before + 1, `${language}: one POST arrived`);
  return { post: proxy.posts.at(-1), stdout };
}

describe("each snippet, run unchanged, sends buildRequest's body byte for byte", () => {
  for (const language of LANGUAGES) {
    test(`${language}, redacted: the key comes from KLING_API_KEY and the body arrives exactly`, async () => {
      const built = buildRequest({ prompt: PROMPT, duration: 3 }, { apiKey: KEY, baseUrl: `${proxy.url}/api/v1` });
      const code = toSnippet(built, { language });
      assert.ok(!code.includes(KEY), "the redacted snippet does not hold the key");
      const { post, stdout } = await arrived(language, code, KEY);
      assert.equal(post.path, "/api/v1/videos/generations");
      assert.ok(post.body.equals(Buffer.from(built.body, "utf8")), `${language} sent:\n${post.body}\nnot:\n${built.body}`);
      assert.equal(JSON.parse(post.body.toString("utf8")).prompt, PROMPT);
      assert.equal(post.headers.authorization, `Bearer ${KEY}`);
      assert.equal(post.headers["content-type"], "application/json");
      // What each prints: the finished video, or the sandbox's answer to the create call.
      if (language === "js") assert.match(stdout, /^http:\/\/127\.0\.0\.1:\d+\/sandbox\/video\.mp4/);
      else assert.match(stdout, /"task_id":"sbx[0-9a-f]+_kling3"/);
      assert.ok(!existsSync(PWNED), "no command in the prompt ran");
    });

    test(`${language}, redactKey false: the key is written in the code and used without the environment`, async () => {
      const built = buildRequest({ prompt: PROMPT }, { apiKey: KEY, baseUrl: `${proxy.url}/api/v1` });
      const code = toSnippet(built, { language, redactKey: false });
      assert.ok(code.includes(KEY));
      assert.ok(!code.includes("KLING_API_KEY"));
      const { post } = await arrived(language, code, null);
      assert.ok(post.body.equals(Buffer.from(built.body, "utf8")));
      assert.equal(post.headers.authorization, `Bearer ${KEY}`);
    });
  }
});

test("the curl snippet is exactly what toCurl gives", () => {
  const built = buildRequest({ prompt: PROMPT }, { apiKey: KEY });
  assert.equal(toSnippet(built, { language: "curl" }), toCurl(built));
  assert.equal(toSnippet(built, { language: "curl", redactKey: false }), toCurl(built, { redactKey: false }));
});

test("a redacted snippet never contains the key, in any language, even when the request has none", () => {
  for (const apiKey of ["aio_secret_5678", undefined]) {
    const built = buildRequest({ prompt: PROMPT }, { apiKey });
    for (const language of LANGUAGES) {
      const code = toSnippet(built, { language, redactKey: true });
      assert.ok(!code.includes("aio_secret_5678"), language);
      assert.ok(code.includes("KLING_API_KEY"), `${language} reads the key from the environment`);
    }
  }
});

test("an unknown language or bad options are a ValidationError naming the field", () => {
  const built = buildRequest({ prompt: "a cat" });
  const problems = (fn) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof ValidationError, String(error));
      return error.errors.map((e) => [e.path, e.code]);
    }
    assert.fail("expected a ValidationError");
  };
  assert.deepEqual(problems(() => toSnippet(built, { language: "ruby" })), [["language", "invalid_value"]]);
  assert.deepEqual(problems(() => toSnippet(built, { language: "JS" })), [["language", "invalid_value"]]);
  assert.deepEqual(problems(() => toSnippet(built)), [["language", "required"]]);
  assert.deepEqual(problems(() => toSnippet(built, {})), [["language", "required"]]);
  assert.deepEqual(problems(() => toSnippet(built, "js")), [["", "invalid_type"]]);
  assert.deepEqual(
    problems(() => toSnippet(built, { language: () => "js", redactKey: "no" })),
    [["language", "invalid_type"], ["redactKey", "invalid_type"]],
  );
  assert.deepEqual(problems(() => toSnippet({ url: 5 }, { language: "go" })), [["url", "invalid_type"], ["language", "invalid_value"]]);
  const message = (() => {
    try {
      toSnippet(built, { language: "ruby" });
    } catch (error) {
      return error.message;
    }
  })();
  assert.equal(message, 'Invalid request: language must be one of "curl", "js", "fetch", "python", got "ruby"');
});

test("the js snippet refuses a request the client cannot send, and points to fetch", () => {
  const built = buildRequest({ prompt: "a cat" }, { apiKey: KEY });
  const odd = { ...built, method: "PUT", headers: { ...built.headers, "X-Trace": "1" } };
  try {
    toSnippet(odd, { language: "js" });
    assert.fail("expected a ValidationError");
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.errors.map((e) => e.path), ["method", "headers.X-Trace"]);
    assert.match(error.message, /"fetch" snippet sends any request/);
  }
  assert.match(toSnippet(odd, { language: "fetch" }), /method: "PUT"/);
});
