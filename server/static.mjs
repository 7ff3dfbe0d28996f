// Serves files from a few folders, each under a URL prefix, with the right types and no way
// out of those folders.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".mp4": "video/mp4",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * A handler for `mounts`, a list of [urlPrefix, folder]; it returns false when no file matches,
 * so the caller can answer 404 or try something else.
 */
export function staticFiles(mounts) {
  const roots = mounts.map(([prefix, dir]) => [prefix, resolve(dir)]);
  return async function serve(req, res, headers = {}) {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      return false;
    }
    if (pathname.includes("\0")) return false;
    for (const [prefix, root] of roots) {
      if (!pathname.startsWith(prefix)) continue;
      let file = resolve(join(root, pathname.slice(prefix.length)));
      if (file !== root && !file.startsWith(root + sep)) return false;
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, "index.html");
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) continue;
      // no-cache with a validator: the browser asks each time and, when the file is unchanged,
      // keeps what it has (for the wasm, Chromium then also keeps its compiled code).
      const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      const common = { "Cache-Control": "no-cache", ETag: etag, "X-Content-Type-Options": "nosniff", ...headers };
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, common);
        res.end();
        return true;
      }
      res.writeHead(200, {
        "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
        "Content-Length": info.size,
        ...common,
      });
      if (req.method === "HEAD") res.end();
      else createReadStream(file).pipe(res);
      return true;
    }
    return false;
  };
}
