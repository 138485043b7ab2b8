// The first API token for `npm start`: without .dev.vars every API call answers 401 and nothing says
// why, so the first start writes one with a random EDDY_API_TOKEN (and replaces the example's
// placeholder, which the Worker never accepts).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** EDDY_API_TOKEN's value in .dev.vars.example; worker/api/auth.ts refuses it. */
export const PLACEHOLDER = "change-me-to-a-long-random-string";

const LINE = /^EDDY_API_TOKEN=.*$/m;

/**
 * Makes sure `dir`/.dev.vars holds a usable EDDY_API_TOKEN. Returns the file's path when it wrote
 * one (so the caller says where it is, once), or null when the file was already usable. The token
 * itself is never returned or printed: it stays in the file.
 */
export function ensureDevVars(dir) {
  const path = join(dir, ".dev.vars");
  const line = `EDDY_API_TOKEN=eddy_dev_${randomBytes(32).toString("hex")}`;
  if (!existsSync(path)) {
    writeFileSync(path, `# Written by npm start: the first API token (README, "The first API token"). Git-ignored.\n${line}\n`, { mode: 0o600 });
    ensureSecretsKey(path);
    return path;
  }
  const text = readFileSync(path, "utf8");
  const current = text.match(LINE)?.[0].slice("EDDY_API_TOKEN=".length).trim();
  const keyed = ensureSecretsKey(path);
  if (current && current !== PLACEHOLDER) return keyed ? path : null;
  writeFileSync(path, current === undefined ? `${readFileSync(path, "utf8").replace(/\n?$/, "\n")}${line}\n` : readFileSync(path, "utf8").replace(LINE, line), { mode: 0o600 });
  return path;
}

const KEY_LINE = /^EDDY_SECRETS_KEY=.*$/m;

/** Gives .dev.vars an EDDY_SECRETS_KEY (channel secrets are encrypted with it) if it has none. Returns whether it wrote one. */
function ensureSecretsKey(path) {
  const text = readFileSync(path, "utf8");
  const current = text.match(KEY_LINE)?.[0].slice("EDDY_SECRETS_KEY=".length).trim();
  if (current) return false;
  const line = `EDDY_SECRETS_KEY=${randomBytes(32).toString("base64")}`;
  writeFileSync(path, current === undefined ? `${text.replace(/\n?$/, "\n")}${line}\n` : text.replace(KEY_LINE, line), { mode: 0o600 });
  return true;
}
