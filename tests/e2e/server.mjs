// The tests' `test`: Playwright's, with `npm start`'s server (node server/dev-server.mjs) started
// once for each worker on a port the OS picks, the sandbox running tasks at 1% of real time, and
// its URL as the tests' baseURL. Each worker has a sandbox of its own, so tests that reset it or
// queue its faults run side by side without meeting, and two runs at once never share a port.
import { test as base } from "@playwright/test";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export { expect } from "@playwright/test";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Starts the server; resolves to its URL and a function that stops it. */
async function startServer() {
  const child = spawn(process.execPath, ["server/dev-server.mjs"], {
    cwd: root,
    env: { ...process.env, PORT: "0", KLING_SANDBOX_TIME_SCALE: "0.01", KLING_API_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dev server did not start within 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      const match = /tester: (http:\/\/\S+?)\/?\s/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the dev server exited with ${code}:\n${output}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill();
    await exited;
  };
  return { url, stop };
}

export const test = base.extend({
  server: [
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => use(server.url),
});
