// The dev server answers only to its own names, so a page whose name is rebound to 127.0.0.1
// cannot use the page, the sandbox or the proxy (and the key the proxy holds).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startDevServer } from "../../server/dev-server.mjs";
import { hostCheck, hostName, parseAllowedHosts } from "../../server/hosts.mjs";
import { fakeUpstream, rawRequest, startChild } from "./servers.mjs";

const KEY = "aio_hostcheck_secret";

test("a Host header is read as its name, whatever the port and case", { timeout: 30_000 }, () => {
  assert.equal(hostName("LocalHost:8080"), "localhost");
  assert.equal(hostName("127.0.0.1"), "127.0.0.1");
  assert.equal(hostName("[::1]:3000"), "[::1]");
  assert.equal(hostName("localhost.:80"), "localhost");
  for (const bad of [undefined, "", "a b", "user@localhost", "localhost:port", "localhost:8080/x", "[::1"]) assert.equal(hostName(bad), null, String(bad));
});

test("the local names, the listening address and ALLOWED_HOSTS pass; other names do not", { timeout: 30_000 }, () => {
  const check = hostCheck("0.0.0.0", parseAllowedHosts(" dev.example.com, ,Other.Example "));
  for (const ok of ["127.0.0.1:1", "localhost", "[::1]:8080", "0.0.0.0:8080", "dev.example.com:443", "other.example"]) assert.ok(check(ok), ok);
  for (const no of ["attacker.example:8080", "127.0.0.2", "localhost.attacker.example", "dev.example.com.evil", undefined]) assert.ok(!check(no), String(no));
  assert.ok(hostCheck("::1")("[::1]:9"), "an IPv6 listening address is matched in brackets");
});

let srv;
before(async () => {
  srv = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
});
after(() => srv.close());

test("the page, the sandbox and its controls refuse a foreign Host with a 403 saying how to allow it", { timeout: 30_000 }, async () => {
  const { port } = new URL(srv.url);
  for (const path of ["/", "/pkg/web.js", "/_server", "/_sandbox", "/api/v1/tasks/x"]) {
    const answer = await rawRequest(`${srv.url}${path}`, { headers: { Host: `attacker.example:${port}` } });
    assert.equal(answer.status, 403, path);
    assert.match(answer.headers["content-type"], /^text\/plain/);
    assert.match(answer.text, /ALLOWED_HOSTS=/);
  }
  const reset = await rawRequest(`${srv.url}/_sandbox/reset`, {
    method: "POST",
    headers: { Host: `attacker.example:${port}`, Origin: `http://attacker.example:${port}`, "Content-Type": "application/json" },
    body: "{}",
  });
  assert.equal(reset.status, 403);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost"]) {
    assert.equal((await rawRequest(`${srv.url}/`, { headers: { Host: host } })).status, 200, host);
  }
});

test("startDevServer's allowedHosts adds names", { timeout: 30_000 }, async () => {
  const named = await startDevServer({ port: 0, allowedHosts: ["dev.example.com"] });
  try {
    const { port } = new URL(named.url);
    assert.equal((await rawRequest(`${named.url}/`, { headers: { Host: `dev.example.com:${port}` } })).status, 200);
    assert.equal((await rawRequest(`${named.url}/`, { headers: { Host: `attacker.example:${port}` } })).status, 403);
  } finally {
    await named.close();
  }
});

test("KLING_API_KEY=... npm start never forwards a POST whose Host is foreign, even with a matching Origin", { timeout: 30_000 }, async () => {
  const upstream = await fakeUpstream();
  const child = await startChild({ KLING_API_KEY: KEY, KLING_BASE_URL: upstream.url });
  try {
    const post = (host) =>
      rawRequest(`${child.url}/api/v1/videos/generations`, {
        method: "POST",
        headers: { Host: host, Origin: `http://${host}`, "Content-Type": "application/json" },
        body: JSON.stringify({ prompt: "a cat" }),
      });
    const attack = await post(`attacker.example:${child.port}`);
    assert.equal(attack.status, 403);
    assert.match(attack.text, /ALLOWED_HOSTS/);
    assert.ok(!attack.text.includes(KEY));
    assert.equal(upstream.seen.length, 0, "nothing reached the API");
    for (const host of [`127.0.0.1:${child.port}`, `localhost:${child.port}`]) {
      const ok = await post(host);
      assert.equal(ok.status, 200, `${host}: ${ok.text}`);
    }
    assert.equal(upstream.seen.length, 2);
    assert.equal(upstream.seen[0].headers.authorization, `Bearer ${KEY}`);
  } finally {
    child.stop();
    await upstream.close();
  }
});

test("ALLOWED_HOSTS lets npm start answer to another name", { timeout: 30_000 }, async () => {
  const upstream = await fakeUpstream();
  const child = await startChild({ KLING_API_KEY: KEY, KLING_BASE_URL: upstream.url, ALLOWED_HOSTS: "dev.example.com" });
  try {
    const host = `dev.example.com:${child.port}`;
    const ok = await rawRequest(`${child.url}/api/v1/videos/generations`, {
      method: "POST",
      headers: { Host: host, Origin: `http://${host}`, "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "a cat" }),
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await rawRequest(`${child.url}/`, { headers: { Host: `attacker.example:${child.port}` } })).status, 403);
  } finally {
    child.stop();
    await upstream.close();
  }
});
