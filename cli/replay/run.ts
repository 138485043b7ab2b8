/**
 * Replays a case: starts the session from its trigger, then resumes it once per resume, and returns
 * one output per sprint. Pure (no Node APIs): the CLI, the workerd tests and later the console's
 * simulator share it.
 */
import { z } from "zod";
import {
  cannedHttp,
  Engine,
  EngineError,
  parseTime,
  replayServices,
  type CannedResponse,
  type EngineServices,
  type ResumeJSON,
  type SessionAssets,
  type SessionJSON,
  type TriggerJSON,
} from "../../durable/engine";
import { matchesQuery } from "../../worker/segments/query-matcher";
import { AssetsSchema, CaseSchema, type HttpMock, type Output, type ReplayCase } from "./case";

/** Every replay starts at the same instant, so outputs can be compared byte for byte. */
export const REPLAY_START = "2025-05-04T12:30:45.123456789Z";

/** Input the replay cannot run: the message says what and where. */
export class ReplayError extends Error {}

export function parseCase(json: unknown): ReplayCase {
  const r = CaseSchema.safeParse(json);
  if (!r.success) throw new ReplayError(`invalid case:\n${z.prettifyError(r.error)}`);
  return r.data;
}

export function parseAssets(json: unknown): SessionAssets {
  const r = AssetsSchema.safeParse(json);
  if (!r.success) throw new ReplayError(`invalid assets:\n${z.prettifyError(r.error)}`);
  return r.data as SessionAssets;
}

function canned(mocks: Record<string, HttpMock[]>): Record<string, CannedResponse[]> {
  return Object.fromEntries(
    Object.entries(mocks).map(([url, list]) => [
      url,
      list.map((m): CannedResponse => (m.status === 0 ? { error: "unable to connect to server" } : { status: m.status, body: m.body ?? "", headers: m.headers })),
    ]),
  );
}

/**
 * The replay clock, which can jump forward: a `time_passed` resume comes days or months after the
 * sprint before it, and what follows it is stamped from then (ticking a second at every read, as before).
 */
function movableClock(base: EngineServices): { services: EngineServices; moveTo(ns: bigint): void } {
  let offset = 0n;
  let next = 0n;
  const now = () => {
    const t = base.now() + offset;
    next = t + 1_000_000_000n;
    return t;
  };
  return { services: { ...base, now }, moveTo: (ns) => void (ns > next && (offset += ns - next)) };
}

export async function runCase(caseJSON: unknown, assetsJSON: unknown): Promise<{ outputs: Output[] }> {
  const c = parseCase(caseJSON);
  const assets = parseAssets(assetsJSON);
  const services = replayServices({ start: parseTime(REPLAY_START)!, http: cannedHttp(canned(c.http_mocks ?? {})) });
  // Smart groups are re-evaluated with the same matcher as the Worker's segments.
  const clock = movableClock(services);
  const engine = new Engine({ ...clock.services, matchesQuery });
  const trigger = { ...c.trigger, contact: c.contact, environment: c.environment } as unknown as TriggerJSON;

  const outputs: Output[] = [];
  let session: SessionJSON;
  try {
    const sprint = await engine.start(assets, trigger);
    outputs.push({ events: sprint.events, session: sprint.session as unknown as Output["session"] });
    session = sprint.session;
  } catch (e) {
    throw e instanceof EngineError ? new ReplayError(`trigger: ${e.message}`) : e;
  }
  for (const [i, resume] of c.resumes.entries()) {
    if (resume.type === "time_passed") {
      const to = typeof resume.resumed_on === "string" ? parseTime(resume.resumed_on) : null;
      if (to === null) throw new ReplayError(`resumes[${i}] (time_passed): needs a resumed_on datetime, the time it passes to`);
      clock.moveTo(to);
    }
    try {
      const sprint = await engine.resume(assets, session, resume as unknown as ResumeJSON);
      outputs.push({ events: sprint.events, session: sprint.session as unknown as Output["session"] });
      session = sprint.session;
    } catch (e) {
      throw e instanceof EngineError ? new ReplayError(`resumes[${i}] (${resume.type}): ${e.message}`) : e;
    }
  }
  return { outputs };
}
