// A user's config: nothing for the package. basePath proves the proxy mounts under any prefix;
// distDir lets the test keep one build per bundler side by side.
export default {
  basePath: "/studio",
  distDir: process.env.NEXT_DIST_DIR || ".next",
};
