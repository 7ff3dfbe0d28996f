// The proxy in the Node.js runtime: the browser calls /studio/api/kling/…, the key stays here.
import { createProxyHandler } from "kling3-wasm/proxy";

const handler = createProxyHandler({
  apiKey: process.env.KLING_API_KEY,
  upstream: process.env.KLING_UPSTREAM,
  // Next.js takes its own basePath (/studio) off request.url: the route's path without it.
  basePath: "/api/kling",
  maxCreditsPerTask: 500,
});
export const GET = handler;
export const POST = handler;
