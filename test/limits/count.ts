// Counts what one invocation costs against Cloudflare's per-invocation limits (1,000 subrequests,
// 1,000 D1 queries), which local workerd does not enforce. Measured from outside the code under
// test: `fetch`, Durable Object stub calls, D1 statements and queue sends are patched once per test
// file and count into the invocation running them (AsyncLocalStorage), so what other objects in
// the same isolate do meanwhile is not counted on it.
//
//   const { result, cost } = await invocation("cron tick", () => worker.scheduled(...));
//   const cost = await inObject(stub, (instance) => instance.alarm());
//   countEntryPoints(ContactSession, ["receive", "alarm"], contactOf); ... takeInvocations()
//
// Subrequests are counted as Cloudflare documents them: fetches, calls to Durable Objects, and
// calls to D1 and Queues (each D1 round trip: a batch is one call of n queries).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { AsyncLocalStorage } from "node:async_hooks";

export interface Cost {
  /** `Class.method` for an object's entry point, or the name given to `invocation`. */
  name: string;
  /** Whose invocation it was, when countEntryPoints was told how to find it. */
  contact: string | null;
  fetches: number;
  objectCalls: number;
  d1Calls: number;
  d1Queries: number;
  /** D1 calls that write (a batch or a statement with an INSERT, UPDATE or DELETE): D1's write transactions. */
  d1Writes: number;
  queueSends: number;
}

/** Everything Cloudflare counts as a subrequest. */
export const subrequests = (c: Cost) => c.fetches + c.objectCalls + c.d1Calls + c.queueSends;

const als = new AsyncLocalStorage<Cost>();
const log: Cost[] = [];
let installed = false;

const fresh = (name: string, contact: string | null = null): Cost => ({ name, contact, fetches: 0, objectCalls: 0, d1Calls: 0, d1Queries: 0, d1Writes: 0, queueSends: 0 });

type Method = (...a: unknown[]) => unknown;
function wrap(proto: object, method: string, around: (original: Method) => Method): void {
  const p = proto as Record<string, Method>;
  p[method] = around(p[method]);
}

/**
 * Installs the counters (idempotent; each helper below calls it). With msw, call it after
 * `server.listen()`: msw replaces `fetch`, and a counter installed under it misses mocked requests.
 */
export function installCounters(): void {
  if (installed) return;
  installed = true;
  const realFetch = globalThis.fetch;
  Object.defineProperty(globalThis, "fetch", {
    configurable: true,
    writable: true,
    value: (input: RequestInfo | URL, init?: RequestInit) => {
      const c = als.getStore();
      if (c) c.fetches++;
      return realFetch(input, init);
    },
  });

  const statement = Object.getPrototypeOf(env.DB.prepare("SELECT 1"));
  for (const m of ["first", "run", "all", "raw"])
    wrap(statement, m, (o) =>
      function (this: unknown, ...a) {
        const c = als.getStore();
        if (c) (c.d1Calls++, c.d1Queries++, (c.d1Writes += writes(this) ? 1 : 0));
        const failure = failures.find((f) => f.times > 0 && f.match.test(sqlOf(this)));
        if (failure) {
          failure.times--;
          return Promise.reject(new Error("D1_ERROR: injected failure (test/limits/count.ts)"));
        }
        return o.apply(this, a);
      },
    );
  const db = Object.getPrototypeOf(env.DB);
  wrap(db, "batch", (o) =>
    function (this: unknown, ...a) {
      const c = als.getStore();
      if (c) (c.d1Calls++, (c.d1Queries += (a[0] as unknown[]).length), (c.d1Writes += (a[0] as unknown[]).some(writes) ? 1 : 0));
      return o.apply(this, a);
    },
  );
  wrap(db, "exec", (o) =>
    function (this: unknown, ...a) {
      const c = als.getStore();
      // exec runs every statement of its string: count them (an upper bound: `;` inside literals count too).
      if (c) (c.d1Calls++, (c.d1Queries += String(a[0]).split(";").filter((s) => s.trim()).length));
      return o.apply(this, a);
    },
  );

  // Every namespace shares one prototype; a stub got inside a counted invocation counts its calls.
  const countCalls = (stub: object) =>
    new Proxy(stub, {
      get(target, prop) {
        const v = Reflect.get(target, prop);
        if (typeof v !== "function" || typeof prop === "symbol" || prop === "then") return v;
        return (...a: unknown[]) => {
          const c = als.getStore();
          if (c) c.objectCalls++;
          return Reflect.apply(v, target, a);
        };
      },
    });
  for (const m of ["get", "getByName"])
    wrap(Object.getPrototypeOf(env.CONTACTS), m, (o) =>
      function (this: unknown, ...a) {
        const stub = o.apply(this, a) as object;
        // Outside a counted invocation the stub stays as it is (runDurableObjectAlarm checks its type).
        return als.getStore() ? countCalls(stub) : stub;
      },
    );
}

const failures: { match: RegExp; times: number }[] = [];
/** The SQL of a prepared statement (workerd keeps it on the statement). */
const sqlOf = (statement: unknown) => String((statement as { statement?: string }).statement ?? "");
const writes = (statement: unknown) => /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sqlOf(statement));

/**
 * Makes the next `times` single statements (first/run/all/raw, anywhere in the isolate: the
 * Worker or a Durable Object) whose SQL matches `match` fail as D1 does when it is overloaded.
 * Returns how many failures are still to come.
 */
export function failD1(match: RegExp, times: number): () => number {
  installCounters();
  const failure = { match, times };
  failures.push(failure);
  return () => failure.times;
}

/** Runs `fn` as one invocation named `name` (a handler called directly) and returns what it cost. */
export async function invocation<T>(name: string, fn: () => Promise<T>): Promise<{ result: T; cost: Cost }> {
  installCounters();
  const cost = fresh(name);
  log.push(cost);
  const result = await als.run(cost, fn);
  return { result, cost };
}

/** Runs `fn` inside a Durable Object (its alarm, say) as one invocation and returns what it cost. */
export async function inObject<O extends Rpc.DurableObjectBranded>(stub: DurableObjectStub<O>, fn: (instance: O) => Promise<unknown>, name = "object"): Promise<Cost> {
  installCounters();
  return runInDurableObject(stub, async (instance: O) => (await invocation(name, () => fn(instance))).cost);
}

const counted = new Set<string>();

/**
 * Counts every call of these entry points of a Durable Object class (RPC methods, `alarm`) as an
 * invocation of its own, named `Class.method`, whoever makes it: `takeInvocations()` lists them.
 * `contactOf` names whose invocation it was (from the object and the call's arguments). Once per
 * method and test file: asking again changes nothing.
 */
export function countEntryPoints<O>(cls: { prototype: O; name: string }, methods: string[], contactOf?: (object: O, args: unknown[]) => string | null): void {
  installCounters();
  for (const m of methods) {
    const key = `${cls.name}.${m}`;
    if (!(m in (cls.prototype as object)) || counted.has(key)) continue;
    counted.add(key);
    wrap(cls.prototype as object, m, (o) =>
      function (this: unknown, ...a) {
        const cost = fresh(key, contactOf?.(this as O, a) ?? null);
        log.push(cost);
        return als.run(cost, () => o.apply(this, a));
      },
    );
  }
}

/** The invocations recorded since the last call, forgotten. */
export function takeInvocations(): Cost[] {
  return log.splice(0, log.length);
}

/**
 * A queue binding that keeps what is sent instead of delivering it (counted as a subrequest per
 * send), so a test can hand the messages to the consumer itself, one counted batch at a time.
 */
export function capturedQueue<Body = unknown>(): Queue<Body> & { sent: Body[] } {
  const sent: Body[] = [];
  const count = () => {
    const c = als.getStore();
    if (c) c.queueSends++;
  };
  return {
    sent,
    async send(body: Body) {
      count();
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<Body>>) {
      count();
      for (const m of messages) sent.push(m.body);
    },
  } as unknown as Queue<Body> & { sent: Body[] };
}

/**
 * A Durable Object namespace whose stubs answer every call with `undefined` and record it (counted
 * as a subrequest): for counting a path that calls many objects without running those objects.
 */
export function recordedNamespace<T extends Rpc.DurableObjectBranded | undefined = undefined>(): DurableObjectNamespace<T> & { calls: { name: string; method: string; args: unknown[] }[] } {
  const calls: { name: string; method: string; args: unknown[] }[] = [];
  const stub = (name: string) =>
    new Proxy(
      {},
      {
        get: (_, method) =>
          typeof method === "symbol" || method === "then"
            ? undefined
            : async (...args: unknown[]) => {
                const c = als.getStore();
                if (c) c.objectCalls++;
                calls.push({ name, method, args });
              },
      },
    );
  return { calls, getByName: stub, get: (id: DurableObjectId) => stub(id.toString()), idFromName: (name: string) => ({ toString: () => name, name }) } as unknown as DurableObjectNamespace<T> & {
    calls: { name: string; method: string; args: unknown[] }[];
  };
}
