import { Engine, realServices } from "../engine";
import { cappedFetchHttp } from "./http";

/** What every part of the contact object works with during one operation. */
export interface Ctx {
  db: D1Database;
  sql: SqlStorage;
  storage: DurableObjectStorage;
  contactUuid: string;
  /** The Worker's public origin, for status callback URLs; learnt from the requests that reach the object. */
  origin: string | null;
  now(): number;
}

/** One engine for the isolate: it holds no state between sprints. */
export const engine = new Engine(realServices(cappedFetchHttp()));

export const iso = (ms: number) => new Date(ms).toISOString();
