// A user's config: nothing for the package. basePath proves the proxy mounts under any prefix;
// distDir lets the test keep one build per bundler side by side. The two roots only say that
// this app is a project of its own, though it lives inside the package's repository.
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
export default {
  basePath: "/studio",
  distDir: process.env.NEXT_DIST_DIR || ".next",
  outputFileTracingRoot: here,
  turbopack: { root: here },
};
