import { env } from "cloudflare:workers";
import { getProvider, providers } from "./registry";

/**
 * Channel secrets at rest: a channel's secret config keys are kept in D1 only sealed, as one
 * AES-256-GCM ciphertext under the Worker secret EDDY_SECRETS_KEY (32 random bytes, base64), bound
 * to the channel's UUID (its additional data: a sealed value copied onto another channel does not
 * open). The other keys stay readable. Rows written before were plain: they are read as they are
 * and sealed by the cron tick (`sealPlainChannels`).
 */
export type Sealed = { v: 1; keys: string[]; iv: string; data: string };

/** The config key holding the sealed secrets. */
export const SEALED = "$sealed";

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

let cached: { raw: string; key: Promise<CryptoKey> } | undefined;

/** The key, imported once per isolate (again if the secret changes). */
function secretsKey(): Promise<CryptoKey> {
  const raw = env.EDDY_SECRETS_KEY;
  if (!raw) throw new Error("EDDY_SECRETS_KEY is not set: channel secrets are encrypted with it (docs/channels.md, \"Secrets at rest\")");
  if (cached?.raw !== raw) {
    let bytes: Uint8Array;
    try {
      bytes = unb64(raw.trim());
    } catch {
      bytes = new Uint8Array();
    }
    if (bytes.length !== 32) throw new Error("EDDY_SECRETS_KEY must be 32 random bytes in base64 (openssl rand -base64 32)");
    cached = { raw, key: crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]) };
  }
  return cached.key;
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
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(channelUuid) }, await secretsKey(), plain));
  stored[SEALED] = { v: 1, keys, iv: b64(iv), data: b64(data) } satisfies Sealed;
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
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64(sealed.iv), additionalData: new TextEncoder().encode(channelUuid) },
      await secretsKey(),
      unb64(sealed.data),
    ).catch(() => {
      throw new Error(`channel ${channelUuid}: its secrets do not open with EDDY_SECRETS_KEY (was the key changed?)`);
    });
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
 * Seals channels still stored with plain secrets (written before secrets were encrypted), a few
 * per tick. The update only applies if the row is unchanged since it was read. Returns the D1
 * calls made. Without a key nothing is done (the API refuses channel writes until it is set).
 */
export async function sealPlainChannels(db: D1Database): Promise<number> {
  if (!env.EDDY_SECRETS_KEY) return 0;
  // Only rows holding some provider's secret key in plain: the ones left to seal, found by SQL.
  const secretKeys = [...new Set(Object.values(providers).flatMap((p) => p.secretKeys))];
  const plain = secretKeys.map((k) => `json_extract(config, '$.${k}') IS NOT NULL`).join(" OR ");
  const rows = await db
    .prepare(`SELECT uuid, type, config FROM channels WHERE ${plain} ORDER BY uuid LIMIT ?`)
    .bind(SEAL_BATCH)
    .all<{ uuid: string; type: string; config: string }>();
  const updates: D1PreparedStatement[] = [];
  for (const r of rows.results) {
    const config = JSON.parse(r.config) as Record<string, unknown>;
    if (!plainSecrets(r.type, config).length) continue;
    updates.push(db.prepare("UPDATE channels SET config = ? WHERE uuid = ? AND config = ?").bind(JSON.stringify(await sealConfig(r.uuid, r.type, config)), r.uuid, r.config));
  }
  if (updates.length) await db.batch(updates);
  return 1 + (updates.length ? 1 : 0);
}
