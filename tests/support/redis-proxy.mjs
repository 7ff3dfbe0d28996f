// One proxy process on a Redis store, for the test of several processes sharing one budget.
// Settings come as JSON in PROXY_OPTIONS (the handler's options, less store and authorize) with
// REDIS_URL, REDIS_PREFIX, for signed-in users PROXY_USERS (bearer token → principal), and for
// callbacks PROXY_CALLBACKS ({ publicUrl, secret }). Prints "listening <url>" once it serves,
// and "done <task id> <principal id>" when onTaskDone is called; ends on SIGTERM, closing the
// store first.
import { createServer } from "node:http";
import { createProxyHandler, redisStore } from "kling3-wasm/proxy";
import { serveFetchHandler } from "../../server/node-adapter.mjs";

const store = redisStore({ url: process.env.REDIS_URL, prefix: process.env.REDIS_PREFIX });
const users = process.env.PROXY_USERS ? JSON.parse(process.env.PROXY_USERS) : null;
const authorize = users ? async (request) => users[request.headers.get("Authorization")?.replace(/^Bearer /, "")] ?? null : undefined;
const callbacks = process.env.PROXY_CALLBACKS ? JSON.parse(process.env.PROXY_CALLBACKS) : undefined;
const onTaskDone = callbacks ? (task, principal) => console.log(`done ${task.taskId} ${principal?.id ?? "-"}`) : undefined;
const handler = createProxyHandler({ ...JSON.parse(process.env.PROXY_OPTIONS), store, authorize, callbacks, onTaskDone });

const server = createServer((req, res) => serveFetchHandler(handler, req, res));
server.listen(0, "127.0.0.1", () => console.log(`listening http://127.0.0.1:${server.address().port}`));
process.once("SIGTERM", async () => {
  server.closeAllConnections();
  server.close();
  await store.close();
  process.exit(0);
});
