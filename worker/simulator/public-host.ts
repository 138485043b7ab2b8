/**
 * Whether a URL's host may be called by the simulator's webhook relay: never the Worker itself,
 * loopback, private, link-local or carrier-grade NAT ranges, nor names that only resolve inside a
 * network. The check is on the host as written (IPv4 in any of its numeric spellings, IPv6
 * literals, names): Workers cannot resolve DNS before fetching, and Cloudflare's edge does not
 * route to private addresses anyway; this keeps `wrangler dev` and self-hosted runs honest.
 */
export function refusedHost(url: URL): string | undefined {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (!host) return "has no host";
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is this machine`;
  if (/\.(local|internal|lan|home\.arpa|intranet|corp)$/.test(host) || !host.includes(".") && !host.startsWith("[")) return `${host} is a local network name`;
  if (host.startsWith("[")) return refusedIPv6(host.slice(1, -1));
  const v4 = parseIPv4(host);
  return v4 ? refusedIPv4(v4, host) : undefined;
}

/** An IPv4 address as the URL parser normalised it (WHATWG turns 0x7f.1 and 2130706433 into 127.0.0.1). */
function parseIPv4(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

function refusedIPv4([a, b]: number[], host: string): string | undefined {
  const why =
    a === 0 ? "an unspecified address"
    : a === 127 ? "loopback"
    : a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ? "a private address"
    : a === 169 && b === 254 ? "link-local"
    : a === 100 && b >= 64 && b <= 127 ? "carrier-grade NAT"
    : a >= 224 ? "multicast or reserved"
    : undefined;
  return why && `${host} is ${why}`;
}

function refusedIPv6(ip: string): string | undefined {
  if (ip === "::1" || ip === "::") return `${ip} is loopback`;
  // IPv4-mapped (::ffff:7f00:1 as the URL parser writes ::ffff:127.0.0.1).
  const mapped = ip.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (mapped) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return refusedIPv4([hi >> 8, hi & 255, lo >> 8, lo & 255], ip) ?? undefined;
  }
  if (/^f[cd]/.test(ip)) return `${ip} is a private address`;
  if (/^fe[89ab]/.test(ip)) return `${ip} is link-local`;
  return undefined;
}
