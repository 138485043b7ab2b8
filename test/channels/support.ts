// Signing helpers for the tests, written from the providers' documentation with crypto.subtle
// directly, so the code under test is never used to sign its own input.
import type { Channel, ChannelType } from "../../worker/channels/types";

const enc = new TextEncoder();

export async function hmacBytes(hash: "SHA-1" | "SHA-256", key: string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
}

export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
export const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
export const b64url = (b: Uint8Array) => b64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export async function sha256Hex(data: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(data))));
}

export function basic(user: string, pass: string): string {
  return "Basic " + btoa(`${user}:${pass}`);
}

export function makeChannel(type: ChannelType, address: string, config: Record<string, unknown>, extra: Partial<Channel> = {}): Channel {
  return { uuid: "0b5a0c3e-5b2c-4c1e-9d55-2f6a3b6f8a11", type, name: "Test channel", address, config, ...extra };
}

export function outbound(urn: string, text: string, extra: { attachments?: string[]; quickReplies?: string[]; statusUrl?: string; inReplyTo?: string; fromPart?: number } = {}) {
  return { uuid: "7f1d2c4e-8a3b-4e5f-9c6d-1a2b3c4d5e6f", urn, text, attachments: [], quickReplies: [], ...extra };
}

/** The fetch the adapters get: the global one, which msw intercepts. */
export const fetcher: typeof fetch = (input, init) => fetch(input, init);
