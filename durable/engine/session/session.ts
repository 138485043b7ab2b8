import type { Assets, Flow } from "../assets";
import type { ContactJSON } from "../contact";
import type { EventBody, EventJSON } from "../events/base";
import { runEnded, runStarted } from "../events/run";
import type { Environment } from "../excellent";
import type { LocationHierarchy } from "../excellent/locations";
import type { EngineLimits } from "../limits";
import type { EngineServices } from "../services";
import { formatTime } from "../time";
import type { TriggerJSON } from "../triggers";
import { buildEnvironment } from "./environment";
import type { ResultJSON, RunJSON, RunStatus, SessionJSON, StepJSON } from "./types";

/**
 * A session while a sprint runs: its JSON (a private copy, mutated in place), the events of this
 * sprint, and the services and assets the sprint runs with.
 */
export class Session {
  readonly events: EventJSON[] = [];
  stepsThisSprint = 0;
  /** Bumped at every change the Excellent context can see, so the context is rebuilt only then. */
  version = 0;

  constructor(
    readonly json: SessionJSON,
    readonly assets: Assets,
    readonly services: EngineServices,
    readonly limits: EngineLimits,
  ) {}

  get contact(): ContactJSON {
    return this.json.contact;
  }

  get trigger(): TriggerJSON {
    return this.json.trigger;
  }

  /** The last clock reading, for conversions that need "now" but where goflow reads no clock. */
  lastNow = 0n;

  /** One clock read, as RFC 3339. */
  now(): string {
    this.lastNow = this.services.now();
    return formatTime(this.lastNow);
  }

  private quiet: { from: Environment; env: Environment } | undefined;

  /** An environment whose clock doesn't tick, for the engine's own date parsing; one per environment, as it reads `lastNow` when asked. */
  quietEnvironment(env: Environment): Environment {
    if (this.quiet?.from !== env) this.quiet = { from: env, env: { ...env, now: lastNowOf(this) } };
    return this.quiet.env;
  }

  touch(): void {
    this.version++;
  }

  private envCache: { json: SessionJSON["environment"]; contact: ContactJSON; timezone?: string; language?: string; urns?: string[]; env: Environment } | undefined;

  /**
   * The environment templates see: the session's, with the contact's timezone and language when it
   * has them. Read at every use, as goflow's merged environment is, so a `set_contact_timezone` or
   * `set_contact_language` applies to the very next action; rebuilt only when one of them changed.
   */
  environment(): Environment {
    const contact = this.contact;
    const c = this.envCache;
    if (c && c.json === this.json.environment && c.contact === contact && c.timezone === contact?.timezone && c.language === contact?.language && c.urns === contact?.urns) {
      return c.env;
    }
    const built = buildEnvironment(this.json.environment, contact, this.services, (uuid) => this.assets.channel(uuid));
    const locations = this.assets.source.locations?.[0];
    const env = locations ? { ...built, locations: locations as LocationHierarchy } : built;
    this.envCache = { json: this.json.environment, contact, timezone: contact?.timezone, language: contact?.language, urns: contact?.urns, env };
    return env;
  }

  run(uuid: string | undefined): RunJSON | undefined {
    return uuid ? this.json.runs.find((r) => r.uuid === uuid) : undefined;
  }

  parentOf(run: RunJSON): RunJSON | undefined {
    return this.run(run.parent_uuid);
  }

  /** The last run this run entered, `@child`. */
  childOf(run: RunJSON): RunJSON | undefined {
    for (let i = this.json.runs.length - 1; i >= 0; i--) if (this.json.runs[i].parent_uuid === run.uuid) return this.json.runs[i];
    return undefined;
  }

  /** Stamps an event, keeps it on its run (as goflow's run JSON does) and in this sprint's events. */
  log(run: RunJSON | null, step: StepJSON | null, body: EventBody): EventJSON {
    const event = this.logOnRun(run, step, body);
    this.events.push(event);
    return event;
  }

  /**
   * Stamps an event and keeps it on its run only, not among the sprint's events: how goflow logs
   * the message a resume brings (the caller has it already).
   */
  logOnRun(run: RunJSON | null, step: StepJSON | null, body: EventBody): EventJSON {
    const { type, ...fields } = body;
    const event: EventJSON = { type, created_on: this.now(), ...(step ? { step_uuid: step.uuid } : {}), ...fields };
    if (run) (run.events ??= []).push(event);
    this.touch();
    return event;
  }

  startRun(flow: Flow, parent: RunJSON | undefined, terminal: boolean, step: StepJSON | null): RunJSON {
    const now = this.now();
    const run: RunJSON = {
      uuid: this.services.uuid(),
      flow: flow.ref,
      path: [],
      events: [],
      results: {},
      status: "active",
      created_on: now,
      modified_on: now,
      exited_on: null,
      ...(parent ? { parent_uuid: parent.uuid } : {}),
    };
    this.json.runs.push(run);
    // The event names the flow with its revision (goflow's run_started); the run keeps a plain reference.
    this.log(run, step, runStarted(run.uuid, { ...flow.ref, revision: flow.definition.revision }, parent?.uuid, terminal));
    return run;
  }

  exitRun(run: RunJSON, status: RunStatus): void {
    const now = this.now();
    run.status = status;
    run.exited_on = now;
    run.modified_on = now;
    delete run.expires_on;
    this.log(run, null, runEnded(run.uuid, run.flow, status));
  }

  addStep(run: RunJSON, nodeUUID: string): StepJSON {
    const step: StepJSON = { uuid: this.services.uuid(), node_uuid: nodeUUID, arrived_on: this.now() };
    run.path.push(step);
    run.modified_on = step.arrived_on;
    this.stepsThisSprint++;
    this.touch();
    return step;
  }

  saveResult(run: RunJSON, key: string, result: Omit<ResultJSON, "created_on">): ResultJSON {
    const saved: ResultJSON = { ...result, created_on: this.now() };
    run.results[key] = saved;
    run.modified_on = saved.created_on;
    this.touch();
    return saved;
  }
}

/** The session's last clock reading, as a clock (a function apart, so that it is not renamed at every call). */
function lastNowOf(session: Session): () => bigint {
  return () => session.lastNow;
}
