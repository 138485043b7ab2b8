const encoder = new TextEncoder();
const utf8 = (s: string): Bytes => new Uint8Array(encoder.encode(s));

type Bytes = Uint8Array<ArrayBuffer>;

function toBytes(data: string | ArrayBuffer | Bytes): Bytes {
  if (typeof data === "string") return utf8(data);
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

export async function hmac(hash: "SHA-1" | "SHA-256", key: string, data: string | ArrayBuffer | Bytes): Promise<Bytes> {
  const k = await crypto.subtle.importKey("raw", utf8(key), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, toBytes(data)));
}

export async function sha256(data: string | ArrayBuffer | Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", toBytes(data)));
}

export function toHex(bytes: Bytes): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function toBase64(bytes: Bytes): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function toBase64Url(bytes: Bytes): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url (JWT segments); null when it is not valid base64. */
export function fromBase64Url(s: string): Bytes | null {
  try {
    const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Compares two strings without an early exit, so timing does not reveal how much of a signature matched. */
export function safeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ (y[i] ?? 0);
  return diff === 0;
}

export function basicAuth(user: string, password: string): string {
  return "Basic " + toBase64(utf8(`${user}:${password}`));
}
