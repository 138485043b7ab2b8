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

export async function runCase(caseJSON: unknown, assetsJSON: unknown): Promise<{ outputs: Output[] }> {
  const c = parseCase(caseJSON);
  const assets = parseAssets(assetsJSON);
  const services = replayServices({ start: parseTime(REPLAY_START)!, http: cannedHttp(canned(c.http_mocks ?? {})) });
  // Smart groups are re-evaluated with the same matcher as the Worker's segments.
  const engine = new Engine({ ...services, matchesQuery });
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
