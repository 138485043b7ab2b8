// Vars the project adds to the generated Env (worker-configuration.d.ts is generated; don't edit it).
declare global {
  namespace Cloudflare {
    interface Env {
      /** A bootstrap API token, set in .dev.vars locally or as a secret when deployed. */
      EDDY_API_TOKEN?: string;
      /** Encrypts channel secrets in D1: 32 random bytes in base64 (.dev.vars locally, a secret when deployed). */
      EDDY_SECRETS_KEY?: string;
    }
  }
}

export {};
