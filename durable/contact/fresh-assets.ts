import { assetsFor, STAMP_SQL, type Assets } from "./assets";

/**
 * How long the isolate trusts its assets (flows, triggers, fields, groups, channels) without
 * reading D1's stamp again. API writes in the same isolate forget them at once (`forgetAssets`,
 * called by the API for every write); other isolates, deployed, see an edit within this time.
 */
export const ASSETS_CHECK_MS = 5_000;

let checkedAt = -Infinity;
let trusted: Assets | undefined;

export function forgetAssets(): void {
  trusted = undefined;
}

/** The assets, with no D1 query while they were checked less than ASSETS_CHECK_MS ago. */
export function trustedAssets(now: number): Assets | undefined {
  return trusted && now - checkedAt < ASSETS_CHECK_MS ? trusted : undefined;
}

/** The statement that reads the stamp, to run in the caller's batch when the assets need checking. */
export const stampStatement = (db: D1Database) => db.prepare(STAMP_SQL);

/** The assets for a stamp just read: reloaded when it changed, and trusted from now on. */
export async function assetsAfterCheck(db: D1Database, stamp: string, now: number): Promise<Assets> {
  const assets = await assetsFor(db, stamp, now);
  trusted = assets;
  checkedAt = now;
  return assets;
}

/** The assets without a contact read (alarms, sends, events). */
export async function currentAssets(db: D1Database, now: number): Promise<Assets> {
  const hit = trustedAssets(now);
  if (hit) return hit;
  const row = await stampStatement(db).first<{ stamp: string }>();
  return assetsAfterCheck(db, row?.stamp ?? "", now);
}
