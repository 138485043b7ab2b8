// Counts what an invocation costs on Cloudflare's per-invocation limits, from outside the code
// under test: fetches, calls to Durable Objects (each a subrequest), D1 calls (each a round trip)
// and D1 queries (a batch counts each statement). Every contact-object entry point (RPC and alarm)
// runs in a fresh count, kept by AsyncLocalStorage, so calls that other objects make in the same
// isolate are counted on their own invocations, not the caller's.
import { AsyncLocalStorage } from "node:async_hooks";
import { env } from "cloudflare:workers";
import { ContactSession } from "../../durable/contact/contact-session";
import { getMeta } from "../../durable/contact/storage/schema";

export interface Usage {
  /** `ContactSession.<method>` for an object's invocation, or the name given to `metered`. */
  name: string;
  contact: string | null;
  fetches: number;
  objectCalls: number;
  d1Calls: number;
  d1Queries: number;
}

/** Subrequests as this helper counts them: fetches, object calls and D1 round trips. */
export const subrequests = (u: Usage) => u.fetches + u.objectCalls + u.d1Calls;

const als = new AsyncLocalStorage<Usage>();
const log: Usage[] = [];
let installed = false;

const fresh = (name: string, contact: string | null): Usage => ({ name, contact, fetches: 0, objectCalls: 0, d1Calls: 0, d1Queries: 0 });

function patch<T extends object>(proto: T, method: string, wrap: (original: (...a: unknown[]) => unknown) => (this: unknown, ...a: unknown[]) => unknown): void {
  const p = proto as Record<string, (...a: unknown[]) => unknown>;
  p[method] = wrap(p[method]);
}

/**
 * Installs the counters (once per test file). Call it after msw's `listen` (a `beforeAll` after
 * `twilioOutbox()`): msw replaces `fetch`, and a counter under it would miss mocked requests.
 */
export function installMeter(): void {
  if (installed) return;
  installed = true;
  const realFetch = globalThis.fetch;
  Object.defineProperty(globalThis, "fetch", {
    configurable: true,
    writable: true,
    value: (input: RequestInfo | URL, init?: RequestInit) => {
      const u = als.getStore();
      if (u) u.fetches++;
      return realFetch(input, init);
    },
  });

  const stmt = Object.getPrototypeOf(env.DB.prepare("SELECT 1"));
  for (const m of ["first", "run", "all", "raw"])
    patch(stmt, m, (o) =>
      function (...a) {
        const u = als.getStore();
        if (u) (u.d1Calls++, u.d1Queries++);
        return o.apply(this, a);
      },
    );
  const db = Object.getPrototypeOf(env.DB);
  patch(db, "batch", (o) =>
    function (...a) {
      const u = als.getStore();
      if (u) (u.d1Calls++, (u.d1Queries += (a[0] as unknown[]).length));
      return o.apply(this, a);
    },
  );
  patch(db, "exec", (o) =>
    function (...a) {
      const u = als.getStore();
      if (u) (u.d1Calls++, u.d1Queries++);
      return o.apply(this, a);
    },
  );

  // A stub's every method call is a subrequest.
  const countCalls = (stub: object) =>
    new Proxy(stub, {
      get(target, prop) {
        const v = Reflect.get(target, prop);
        if (typeof v !== "function" || typeof prop === "symbol" || prop === "then") return v;
        return (...a: unknown[]) => {
          const u = als.getStore();
          if (u) u.objectCalls++;
          return Reflect.apply(v, target, a);
        };
      },
    });
  const ns = Object.getPrototypeOf(env.CONTACTS);
  for (const m of ["get", "getByName"])
    patch(ns, m, (o) =>
      function (...a) {
        const stub = o.apply(this, a) as object;
        // Only inside a counted invocation: the test's own stubs stay real (runDurableObjectAlarm checks).
        return als.getStore() ? countCalls(stub) : stub;
      },
    );

  for (const m of ["receive", "startFlow", "sendMessage", "recordEvents", "joinedGroups", "forget", "alarm"]) {
    if (!(m in ContactSession.prototype)) continue;
    patch(ContactSession.prototype, m, (o) =>
      function (this: unknown, ...a) {
        // The alarm has no contact argument: the object knows whose it is.
        const contact = typeof a[0] === "string" ? a[0] : getMeta((this as { ctx: DurableObjectState }).ctx.storage.sql, "contact_uuid");
        const usage = fresh(`ContactSession.${m}`, contact);
        log.push(usage);
        return als.run(usage, () => o.apply(this, a));
      },
    );
  }
}

/** Runs `fn` as one invocation named `name` (e.g. the Worker's fetch handler called directly) and returns its usage. */
export async function metered<T>(name: string, fn: () => Promise<T>): Promise<{ result: T; usage: Usage }> {
  const usage = fresh(name, null);
  const result = await als.run(usage, fn);
  return { result, usage };
}

/** The invocations recorded since the last `takeInvocations()`, and forgets them. */
export function takeInvocations(): Usage[] {
  return log.splice(0, log.length);
}
