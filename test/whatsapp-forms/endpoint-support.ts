// Requests encrypted as WhatsApp encrypts them (Meta's endpoint protocol, docs/whatsapp-forms.md), written here
// with WebCrypto directly so the code under test never encrypts its own input.
import { exports } from "cloudflare:workers";
import { ORIGIN } from "../api/helpers";
import { b64, hex, hmacBytes } from "../channels/support";
import { APP_SECRET } from "./meta-mock";

export const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

/** A 2048-bit RSA-OAEP key pair and its private key as the PKCS#8 PEM a channel's flows_private_key holds. */
export async function endpointKeys(): Promise<{ keys: CryptoKeyPair; pem: string }> {
  const keys = (await crypto.subtle.generateKey({ name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["encrypt", "decrypt"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", keys.privateKey)) as ArrayBuffer);
  return { keys, pem: `-----BEGIN PRIVATE KEY-----\n${b64(pkcs8).match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n` };
}

/** One request as WhatsApp sends it: a fresh AES-128 key wrapped for the public key, a 16-byte IV, the tag appended; signed with the app secret. */
export async function askEndpoint(
  publicKey: CryptoKey,
  endpointUrl: string,
  payload: unknown,
  opts: { secret?: string; tamper?: boolean } = {},
): Promise<{ res: Response; open: () => Promise<unknown> }> {
  const aes = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const key = await crypto.subtle.importKey("raw", aes, "AES-GCM", false, ["encrypt", "decrypt"]);
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, tagLength: 128 }, key, new TextEncoder().encode(JSON.stringify(payload))));
  if (opts.tamper) data[0] ^= 1;
  const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, publicKey, aes));
  const body = JSON.stringify({ encrypted_flow_data: b64(data), encrypted_aes_key: b64(wrapped), initial_vector: b64(iv) });
  const sig = "sha256=" + hex(await hmacBytes("SHA-256", opts.secret ?? APP_SECRET, body));
  const res = await exports.default.fetch(endpointUrl.replace(/^https?:\/\/[^/]+/, ORIGIN), { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body });
  return {
    res,
    open: async () => {
      const flipped = iv.map((b) => b ^ 0xff);
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: flipped, tagLength: 128 }, key, unb64(await res.text()));
      return JSON.parse(new TextDecoder().decode(plain));
    },
  };
}
