// The proxy for signed-in users, as docs/proxy.md's Next.js recipe has it: the session cookie
// names the user, each user reads only their tasks, and the API calls back instead of being
// polled (KLING_PUBLIC_URL is where it reaches this route). Next's `after` keeps a create's
// work going once the browser has gone, as on Vercel.
import { after } from "next/server";
import { createProxyHandler } from "kling3-wasm/proxy";

// Stands in for a session store: session id → the signed-in user.
const sessions = new Map([["s_alice", "alice"], ["s_bob", "bob"]]);

const handler = createProxyHandler({
  apiKey: process.env.KLING_API_KEY,
  upstream: process.env.KLING_UPSTREAM,
  basePath: "/api/signed",
  authorize: async (request) => {
    const sid = request.headers.get("Cookie")?.match(/(?:^|;\s*)session=([^;]+)/)?.[1];
    const user = sid === undefined ? undefined : sessions.get(sid);
    return user === undefined ? null : { id: user };
  },
  callbacks: { publicUrl: process.env.KLING_PUBLIC_URL, secret: process.env.KLING_CALLBACK_SECRET },
  waitUntil: after,
});
export const GET = handler;
export const POST = handler;
