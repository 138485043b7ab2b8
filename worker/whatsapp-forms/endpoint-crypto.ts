import { fromBase64Url, toBase64 } from "../channels/shared/crypto";

/**
 * Meta's encryption for a form's data endpoint (docs/whatsapp-forms.md), with WebCrypto only: the
 * request's AES-128 key is RSA-OAEP (SHA-256) wrapped with the business's public key; the data is
 * AES-GCM with a 16-byte IV and the 16-byte tag appended; the answer uses the same key and the IV
 * with every bit inverted.
 */
export type Session = { key: CryptoKey; iv: Uint8Array<ArrayBuffer> };

const fromBase64 = (s: string) => fromBase64Url(s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));

const keys = new Map<string, Promise<CryptoKey>>();

/** The PKCS#8 PEM as a decryption key, imported once per isolate. */
export function privateKey(pem: string): Promise<CryptoKey> {
  let key = keys.get(pem);
  if (!key) {
    const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
    const der = fromBase64(body);
    key = der ? crypto.subtle.importKey("pkcs8", der, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"]) : Promise.reject(new Error("the private key is not base64"));
    if (keys.size > 100) keys.clear();
    keys.set(pem, key);
  }
  return key;
}

/** The request's JSON and what its answer is encrypted with; null when anything fails to decrypt (HTTP 421). */
export async function decryptRequest(pem: string, body: { encrypted_flow_data: string; encrypted_aes_key: string; initial_vector: string }): Promise<{ request: unknown; session: Session } | null> {
  try {
    const wrapped = fromBase64(body.encrypted_aes_key);
    const iv = fromBase64(body.initial_vector);
    const data = fromBase64(body.encrypted_flow_data);
    if (!wrapped || !iv || !data || iv.length !== 16) return null;
    const raw = new Uint8Array(await crypto.subtle.decrypt({ name: "RSA-OAEP" }, await privateKey(pem), wrapped));
    if (raw.length !== 16) return null;
    const key = await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, tagLength: 128 }, key, data);
    return { request: JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(plain)), session: { key, iv } };
  } catch {
    return null;
  }
}

/** The answer as Meta expects it: base64 of AES-GCM (ciphertext and tag) under the inverted IV. */
export async function encryptResponse(session: Session, answer: unknown): Promise<string> {
  const flipped = session.iv.map((b) => b ^ 0xff);
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv: flipped, tagLength: 128 }, session.key, new TextEncoder().encode(JSON.stringify(answer)));
  return toBase64(new Uint8Array(sealed));
}

/** The public key (SPKI PEM) of a PKCS#8 RSA private key, for Meta's business_public_key. */
export async function publicKeyPem(privatePem: string): Promise<string> {
  const der = fromBase64(privatePem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, ""));
  if (!der) throw new Error("the private key is not base64");
  const jwk = (await crypto.subtle.exportKey("jwk", await crypto.subtle.importKey("pkcs8", der, { name: "RSA-OAEP", hash: "SHA-256" }, true, ["decrypt"]))) as JsonWebKey;
  const pub = await crypto.subtle.importKey("jwk", { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RSA-OAEP-256", ext: true }, { name: "RSA-OAEP", hash: "SHA-256" }, true, ["encrypt"]);
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", pub)) as ArrayBuffer);
  return `-----BEGIN PUBLIC KEY-----\n${toBase64(spki).match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
}
