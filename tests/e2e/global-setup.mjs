// Starts `npm start`'s server (node server/dev-server.mjs) on a port the OS picks, with the
// sandbox running tasks at 1% of real time, and hands its URL to the tests as E2E_BASE_URL (the
// config's baseURL): two runs at once never meet on a port. Resolves to the teardown.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

export default async function globalSetup() {
  const child = spawn(process.execPath, ["server/dev-server.mjs"], {
    cwd: root,
    env: { ...process.env, PORT: process.env.E2E_PORT ?? "0", KLING_SANDBOX_TIME_SCALE: "0.01", KLING_API_KEY: "" },
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
  process.env.E2E_BASE_URL = url;
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill();
    await exited;
  };
}
