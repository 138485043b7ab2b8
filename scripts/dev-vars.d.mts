// Types for scripts/dev-vars.mjs (plain JS, so that `npm start` runs it with node alone).
export const PLACEHOLDER: string;
export function ensureDevVars(dir: string): string | null;
