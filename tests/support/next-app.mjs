// The environment the consumer Next.js app (tests/consumers/nextjs/) is built and served with:
// its route handlers build their proxies when loaded, and read the key, the upstream and the
// callbacks' public URL and secret from here. Shared by the Next.js consumer test and the bench.

/** The app's environment for a build into `distDir`; `port` is where it will be served, if it will be. */
export const nextAppEnv = ({ distDir, apiKey, upstream, port = 1 }) => ({
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  NEXT_DIST_DIR: distDir,
  KLING_API_KEY: apiKey,
  KLING_UPSTREAM: upstream,
  // Where the API calls the signed-in route back (under Next's basePath).
  KLING_PUBLIC_URL: `http://127.0.0.1:${port}/studio/api/signed`,
  KLING_CALLBACK_SECRET: "a callback secret for the Next.js app, 32+ characters",
});
