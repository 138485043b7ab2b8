import { env } from "cloudflare:workers";
import { getProvider, providers } from "./registry";

/**
 * Channel secrets at rest: a channel's secret config keys are kept in D1 only sealed, as one
 * AES-256-GCM ciphertext under the Worker secret EDDY_SECRETS_KEY (32 random bytes, base64), bound
 * to the channel's UUID (its additional data: a sealed value copied onto another channel does not
 * open). The other keys stay readable. Rows written before were plain: they are read as they are
 * and sealed by the cron tick (`sealChannels`). The key is rotated by giving the old one as
 * EDDY_SECRETS_KEY_OLD: values sealed under it still open, and the cron tick seals them again
 * under the new key (docs/channels.md, "Rotating the key").
 */
export type Sealed = { v: 1; keys: string[]; iv: string; data: string; kid?: string };

/** The config key holding the sealed secrets. */
export const SEALED = "$sealed";

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/**
 * A key and its id: the first 8 bytes of its SHA-256, in hex, stored with what it seals so the
 * cron tick can find values sealed under another key (it says nothing useful about the key).
 */
type Key = { kid: string; key: CryptoKey };

const imported = new Map<string, Promise<Key>>();

async function importKey(name: string, raw: string): Promise<Key> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = unb64(raw.trim());
  } catch {
    bytes = new Uint8Array();
  }
  if (bytes.length !== 32) throw new Error(`${name} must be 32 random bytes in base64 (openssl rand -base64 32)`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const kid = Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  return { kid, key: await crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]) };
}

/** A key from its Worker secret, imported once per isolate (again if the secret changes). */
function keyFrom(name: "EDDY_SECRETS_KEY" | "EDDY_SECRETS_KEY_OLD"): Promise<Key> | undefined {
  // The old key is set only while rotating, so it is not among the Worker's declared variables.
  const raw = (env as { EDDY_SECRETS_KEY?: string; EDDY_SECRETS_KEY_OLD?: string })[name];
  if (!raw) return undefined;
  let key = imported.get(raw);
  if (!key) {
    key = importKey(name, raw);
    imported.set(raw, key);
  }
  return key;
}

/** The key new values are sealed with. */
function secretsKey(): Promise<Key> {
  const key = keyFrom("EDDY_SECRETS_KEY");
  if (!key) throw new Error("EDDY_SECRETS_KEY is not set: channel secrets are encrypted with it (docs/channels.md, \"Secrets at rest\")");
  return key;
}

/** The keys a sealed value may open with, the likeliest first: its own by id, else the current one then the old. */
async function keysFor(sealed: Sealed): Promise<Key[]> {
  const keys = [await secretsKey()];
  const old = await keyFrom("EDDY_SECRETS_KEY_OLD");
  if (old) keys.push(old);
  const own = keys.find((k) => k.kid === sealed.kid);
  return own ? [own] : keys;
}

function isSealed(v: unknown): v is Sealed {
  return !!v && typeof v === "object" && (v as Sealed).v === 1 && typeof (v as Sealed).iv === "string" && typeof (v as Sealed).data === "string";
}

/** The provider's secret keys that hold a value in plain text in this config. */
export function plainSecrets(type: string, config: Record<string, unknown>): string[] {
  const secretKeys = getProvider(type)?.secretKeys ?? [];
  return secretKeys.filter((k) => config[k] !== undefined && config[k] !== null);
}

/** The config as stored: its secret keys replaced by one sealed value (any sealed before are resealed with them). */
export async function sealConfig(channelUuid: string, type: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const open = await openConfig(channelUuid, config);
  const keys = plainSecrets(type, open);
  const stored: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(open)) if (!keys.includes(k)) stored[k] = v;
  if (!keys.length) return stored;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(Object.fromEntries(keys.map((k) => [k, open[k]]))));
  const { kid, key } = await secretsKey();
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(channelUuid) }, key, plain));
  stored[SEALED] = { v: 1, keys, iv: b64(iv), data: b64(data), kid } satisfies Sealed;
  return stored;
}

/** Opened configs by their sealed value: a webhook or an assets reload does not decrypt again. */
const opened = new Map<string, Record<string, unknown>>();

/** The config with its secrets opened, as the provider adapters take it. A plain (older) config comes back as it is. */
export async function openConfig(channelUuid: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const sealed = config[SEALED];
  if (sealed === undefined) return config;
  if (!isSealed(sealed)) throw new Error(`channel ${channelUuid}: its sealed secrets are not readable`);
  const { [SEALED]: _, ...rest } = config;
  const memo = `${channelUuid}:${sealed.data}`;
  let secrets = opened.get(memo);
  if (!secrets) {
    let plain: ArrayBuffer | undefined;
    for (const { key } of await keysFor(sealed)) {
      plain = await crypto.subtle
        .decrypt({ name: "AES-GCM", iv: unb64(sealed.iv), additionalData: new TextEncoder().encode(channelUuid) }, key, unb64(sealed.data))
        .catch(() => undefined);
      if (plain) break;
    }
    if (!plain) throw new Error(`channel ${channelUuid}: its secrets do not open with EDDY_SECRETS_KEY or EDDY_SECRETS_KEY_OLD (was the key changed without keeping the old one?)`);
    secrets = JSON.parse(new TextDecoder().decode(plain)) as Record<string, unknown>;
    if (opened.size > 1000) opened.clear();
    opened.set(memo, secrets);
  }
  return { ...rest, ...secrets };
}

/** The secret keys a stored config holds a value for, sealed or (older rows) plain, without opening anything. */
export function storedSecretKeys(type: string, config: Record<string, unknown>): string[] {
  const sealed = config[SEALED];
  return [...(isSealed(sealed) ? sealed.keys : []), ...plainSecrets(type, config).filter((k) => config[k] !== "")];
}

/** Rows sealed per cron tick. */
const SEAL_BATCH = 20;

/**
 * Seals, a few per tick, channels still stored with plain secrets (written before secrets were
 * encrypted) and, while EDDY_SECRETS_KEY_OLD is set, those sealed under it (or before key ids
 * were stored) again under EDDY_SECRETS_KEY. An update only applies if the row is unchanged since
 * it was read. Two D1 calls at most; returns how many rows are left to seal (logged while
 * rotating, so the operator knows when the old key can go). Without a key nothing is done (the
 * API refuses channel writes until it is set).
 */
export async function sealChannels(db: D1Database): Promise<{ sealed: number; left: number }> {
  if (!env.EDDY_SECRETS_KEY) return { sealed: 0, left: 0 };
  // Only the rows left to seal, found by SQL: some provider's secret key in plain, or sealed under another key.
  const secretKeys = [...new Set(Object.values(providers).flatMap((p) => p.secretKeys))];
  const wanted = secretKeys.map((k) => `json_extract(config, '$.${k}') IS NOT NULL`);
  const old = await keyFrom("EDDY_SECRETS_KEY_OLD");
  if (old) wanted.push(`(json_extract(config, '$."${SEALED}"') IS NOT NULL AND json_extract(config, '$."${SEALED}".kid') IS NOT ?2)`);
  const rows = await db
    .prepare(`SELECT uuid, type, config, count(*) OVER () AS total FROM channels WHERE ${wanted.join(" OR ")} ORDER BY uuid LIMIT ?1`)
    .bind(SEAL_BATCH, ...(old ? [(await secretsKey()).kid] : []))
    .all<{ uuid: string; type: string; config: string; total: number }>();
  const updates: D1PreparedStatement[] = [];
  for (const r of rows.results) {
    const config = JSON.parse(r.config) as Record<string, unknown>;
    // sealConfig opens what was sealed and seals it all under the current key; a row no key opens stays as it is (logged).
    const resealed = await sealConfig(r.uuid, r.type, config).catch((e: Error) => console.error(e.message));
    if (resealed) updates.push(db.prepare("UPDATE channels SET config = ? WHERE uuid = ? AND config = ?").bind(JSON.stringify(resealed), r.uuid, r.config));
  }
  if (updates.length) await db.batch(updates);
  const left = (rows.results[0]?.total ?? 0) - updates.length;
  if (old) console.log(`channel secrets: ${updates.length} sealed again under EDDY_SECRETS_KEY, ${left} left under EDDY_SECRETS_KEY_OLD or plain`);
  return { sealed: updates.length, left };
}
