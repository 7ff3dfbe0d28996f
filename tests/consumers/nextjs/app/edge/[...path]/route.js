// The same proxy in the edge runtime.
import { createProxyHandler } from "kling3-wasm/proxy";

export const runtime = "edge";
const handler = createProxyHandler({
  apiKey: process.env.KLING_API_KEY,
  upstream: process.env.KLING_UPSTREAM,
  // In the edge runtime, Next.js keeps its own basePath (/studio) in request.url (the Node.js
  // runtime takes it off): the whole path the browser calls.
  basePath: "/studio/edge",
  maxCreditsPerTask: 500,
});
export const GET = handler;
export const POST = handler;
