/**
 * Hosts a flow's webhook may not call: loopback, private and link-local addresses (the Worker's own
 * network and cloud metadata), and the messaging providers' own APIs (a flow must not drive a
 * channel's account with the credentials a header could carry). Decided on the URL as written: the
 * Workers runtime itself refuses private addresses a public name resolves to.
 */
const PROVIDER_HOSTS = ["api.twilio.com", "graph.facebook.com", "api.telegram.org", "api.nexmo.com", "api.mailgun.net", "api.eu.mailgun.net"];

export function blockedHost(url: URL): string | undefined {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return "a local address";
  if (PROVIDER_HOSTS.some((p) => host === p || host.endsWith(`.${p}`))) return "a messaging provider's API";
  const v4 = ipv4(host);
  if (v4) {
    const [a, b] = v4;
    if (a === 127 || a === 0) return "a loopback address";
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return "a private address";
    if (a === 169 && b === 254) return "a link-local address";
    return undefined;
  }
  if (host.includes(":")) {
    if (host === "::1" || host === "::") return "a loopback address";
    if (/^f[cd][0-9a-f]{2}:/.test(host)) return "a private address";
    if (/^fe[89ab][0-9a-f]:/.test(host)) return "a link-local address";
    const mapped = /^::ffff:(.+)$/.exec(host);
    if (mapped) return blockedHost(new URL(`http://${mappedV4(mapped[1])}/`));
  }
  return undefined;
}

function ipv4(host: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  return m ? m.slice(1).map(Number) : undefined;
}

/** `::ffff:7f00:1` as URL() writes an IPv4-mapped address, back to `127.0.0.1`. */
function mappedV4(tail: string): string {
  if (tail.includes(".")) return tail;
  const [hi, lo] = tail.split(":").map((h) => parseInt(h, 16));
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}
