// The names the dev server answers to. A page on any other name that resolves to this machine
// (DNS rebinding: attacker.example pointed at 127.0.0.1) would otherwise be same-origin with
// the page, the sandbox and the proxy, and could use the key the proxy holds.

/** The names every local server answers to. */
export const LOCAL_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/** A name as a Host header writes it: lower case, no trailing dot, IPv6 in brackets. */
function canonical(name) {
  let host = String(name).trim().toLowerCase().replace(/\.$/, "");
  if (host.includes(":") && !host.startsWith("[")) host = `[${host}]`;
  return host;
}

/** The name of a Host header (`name`, `name:port`, `[v6]:port`), or null when it is not one. */
export function hostName(header) {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/i.exec(String(header ?? "").trim());
  return match ? canonical(match[1]) : null;
}

/**
 * A check for Host headers: true for the local names, `listenHost` and each of `allowed`
 * (names without ports; any port is accepted).
 */
export function hostCheck(listenHost, allowed = []) {
  const names = new Set([...LOCAL_NAMES, listenHost, ...allowed].filter((n) => typeof n === "string" && n.trim()).map(canonical));
  const check = (header) => {
    const name = hostName(header);
    return name !== null && names.has(name);
  };
  check.names = [...names];
  return check;
}

/** Reads ALLOWED_HOSTS: names separated by commas, spaces allowed; empty entries ignored. */
export function parseAllowedHosts(text) {
  return String(text ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}
