/**
 * A UUID (version 8, custom) derived from a string: the same seed always gives the same UUID, so a
 * step repeated after a crash or a second cron tick names the same row (a broadcast's message to a
 * contact, a schedule's fire) instead of making another.
 */
export async function derivedUuid(seed: string): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(seed))).slice(0, 16);
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
