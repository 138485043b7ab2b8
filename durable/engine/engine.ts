import { executeAction } from "./actions";
import { Assets, FlowInvalid, FlowNotFound, type Flow, type SessionAssets } from "./assets";
import { cloneContact } from "./contact";
import type { EventJSON } from "./events/base";
import { failure, type DiagnosticCode } from "./events/diagnostics";
import { msgReceived } from "./events/msg";
import { waitTimedOut } from "./events/run";
import type { Node } from "./flow/schema";
import { DEFAULT_LIMITS, type EngineLimits } from "./limits";
import type { ResumeJSON } from "./resumes";
import { route, takeCategory, type Routed } from "./routers";
import { CONTACT_CHANGING_ACTIONS, reevaluateQueryGroups } from "./query-groups";
import { makeScope } from "./scope";
import type { EngineServices } from "./services";
import { forgetEndedPaths } from "./session/ended-runs";
import { Session } from "./session/session";
import type { RunJSON, SessionJSON, StepJSON } from "./session/types";
import { parseTime } from "./time";
import { msgTriggerInput, TRIGGER_TYPES, withMsg, type TriggerJSON } from "./triggers";
import { beginMsgWait, triggerAnswersWait } from "./waits/msg";
import { beginTimedWait, resumeMismatch, resumeTimedWait } from "./waits/timed";
import { initVariables } from "./variables/run";
import { cloneJSON } from "./session/clone";

/** What one call to the engine gives back: the new session state and what happened, in order. */
export interface Sprint {
  session: SessionJSON;
  events: EventJSON[];
}

/** Bad input from the caller (a session that isn't waiting, a flow that isn't there...): nothing ran. */
export class EngineError extends Error {}

/** Where a visit leaves the traversal. */
type Visit = { next: string | undefined } | { waiting: true } | { failed: true } | { entered: RunJSON; flow: Flow; variables?: Record<string, unknown> };

const RESUME_TYPES = ["msg", "wait_timeout", "wait_expiration", "time_passed", "profile_changed", "event"];

/**
 * goflow's engine: starts sessions from triggers and resumes waiting ones, visiting nodes until the
 * session waits or ends. Pure: all I/O is the injected services, state is the JSON passed in and out.
 */
export class Engine {
  readonly limits: EngineLimits;

  constructor(
    readonly services: EngineServices,
    options?: Partial<EngineLimits>,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options };
  }

  async start(assets: SessionAssets, input: TriggerJSON): Promise<Sprint> {
    const trigger = withMsg(input);
    if (!trigger || !TRIGGER_TYPES.includes(trigger.type)) throw new EngineError(`unknown trigger type: ${String(trigger?.type)}`);
    if (!trigger.flow?.uuid) throw new EngineError("trigger has no flow");
    if (!trigger.contact?.uuid) throw new EngineError("trigger has no contact");
    if (trigger.type === "msg" && !trigger.msg) throw new EngineError("msg trigger has no msg");
    const a = new Assets(assets);
    const flow = this.loadFlow(a, trigger.flow.uuid);

    const json: SessionJSON = {
      uuid: this.services.uuid(),
      type: flow.definition.type,
      environment: cloneJSON(trigger.environment ?? {}),
      // Kept as given, as goflow does: the record of what started the session.
      trigger: cloneJSON(trigger),
      contact: cloneContact(trigger.contact),
      runs: [],
      status: "active",
    };
    const s = new Session(json, a, this.services, this.limits);
    if (trigger.type === "msg") json.input = msgTriggerInput(trigger, trigger.triggered_on ?? s.now());

    // goflow re-evaluates the contact's smart groups as the session starts.
    reevaluateQueryGroups(s, null, null);
    const run = s.startRun(flow, undefined, false, null);
    await this.traverse(s, run, flow.definition.nodes[0]?.uuid, trigger.variables);
    return this.finish(s);
  }

  async resume(assets: SessionAssets, session: SessionJSON, input: ResumeJSON): Promise<Sprint> {
    const resume = withMsg(input);
    if (!resume || !RESUME_TYPES.includes(resume.type)) throw new EngineError(`unknown resume type: ${String(resume?.type)}`);
    if (session?.status !== "waiting") throw new EngineError(`only a waiting session can be resumed, this one is ${session?.status}`);
    const json = cloneJSON(session);
    forgetEndedPaths(json);
    const run = [...json.runs].reverse().find((r) => r.status === "waiting");
    if (!run) throw new EngineError("session is waiting but none of its runs is");
    const a = new Assets(assets);
    const flow = this.loadFlow(a, run.flow.uuid);
    const step = run.path[run.path.length - 1];
    const node = step && flow.node(step.node_uuid);
    const wait = node?.router?.wait;
    if (!step || !node || !wait) throw new EngineError(`run ${run.uuid} is not at a wait`);
    const mismatch = resumeMismatch(wait.type, resume);
    if (mismatch) throw new EngineError(mismatch);
    if (resume.type === "wait_timeout" && wait.type === "msg" && !wait.timeout) throw new EngineError("the wait has no timeout");
    if (resume.type === "msg" && !resume.msg) throw new EngineError("msg resume has no msg");

    if (resume.contact) json.contact = cloneContact(resume.contact);
    if (resume.environment) json.environment = cloneJSON(resume.environment);
    const waited = json.wait;
    delete json.wait;
    json.status = "active";
    const s = new Session(json, a, this.services, this.limits);

    // Every sprint so far ended at a wait, so the waits the runs logged count them.
    if (sprintsSoFar(json) >= this.limits.maxSprintsPerSession) {
      this.fail(s, run, step, `reached maximum number of sprints per session (${this.limits.maxSprintsPerSession})`, "sprint_limit");
      return this.finish(s);
    }

    if (resume.type === "wait_expiration") {
      s.exitRun(run, "expired");
      await this.traverse(s, run, undefined);
      return this.finish(s);
    }

    run.status = "active";
    delete run.expires_on;
    const scope = makeScope(s, run, flow, node, step);
    let routed: Routed;
    if (resume.type === "msg") {
      const msg = cloneJSON(resume.msg);
      json.input = msgTriggerInput({ msg } as Parameters<typeof msgTriggerInput>[0], resume.resumed_on ?? s.now());
      s.touch();
      // goflow: the resume logs the message on the run; it is not one of the sprint's events.
      s.logOnRun(run, step, msgReceived(msg));
      routed = route(node.router!, scope);
    } else if (wait.type !== "msg") {
      const outcome = resumeTimedWait(wait, scope, waited, resume, (resume.resumed_on && parseTime(resume.resumed_on)) || s.services.now());
      if (outcome === "waiting") return this.finish(s);
      if ("refused" in outcome) throw new EngineError(outcome.refused);
      routed = outcome;
    } else {
      s.log(run, step, waitTimedOut());
      routed = { categoryUUID: wait.timeout!.category_uuid, value: "", input: "" };
    }
    const next = this.leave(s, run, node, step, routed);
    if (next !== null) await this.traverse(s, run, next);
    return this.finish(s);
  }

  /**
   * Ends a waiting or active session because something else takes over (a new messaging flow for
   * the contact): its open runs end `interrupted`, innermost first.
   */
  interrupt(session: SessionJSON): Sprint {
    if (session?.status !== "waiting" && session?.status !== "active") throw new EngineError(`a ${session?.status} session can't be interrupted`);
    const s = new Session(cloneJSON(session), new Assets({ flows: [] }), this.services, this.limits);
    forgetEndedPaths(s.json);
    for (const run of [...s.json.runs].reverse()) {
      if (run.status === "active" || run.status === "waiting") s.exitRun(run, "interrupted");
    }
    s.json.status = "interrupted";
    delete s.json.wait;
    return { session: s.json, events: s.events };
  }

  private loadFlow(a: Assets, uuid: string): Flow {
    try {
      return a.flow(uuid);
    } catch (e) {
      if (e instanceof FlowNotFound || e instanceof FlowInvalid) throw new EngineError(e.message);
      throw e;
    }
  }

  /**
   * Visits nodes from `destination` until the session waits, fails or has nowhere to go; a run that
   * runs out of nodes completes and hands back to the run that entered it.
   */
  private async traverse(s: Session, run: RunJSON, destination: string | undefined, variables?: Record<string, unknown>): Promise<void> {
    let current = run;
    let dest = destination;
    // Values for the variables of the run about to begin: the trigger's, or those enter_flow passes.
    let passed = variables;
    for (;;) {
      while (dest) {
        const visit = await this.visit(s, current, dest, passed);
        passed = undefined;
        if ("waiting" in visit || "failed" in visit) return;
        if ("entered" in visit) {
          current = visit.entered;
          passed = visit.variables;
          dest = visit.flow.definition.nodes[0]?.uuid;
        } else {
          dest = visit.next;
        }
      }
      if (current.status === "active") s.exitRun(current, "completed");

      // Back to the closest ancestor still going (a terminal entry completed the one in between).
      let parent = s.parentOf(current);
      while (parent && parent.status !== "active") parent = s.parentOf(parent);
      if (!parent) return;
      current = parent;
      const flow = s.assets.flow(current.flow.uuid);
      const step = current.path[current.path.length - 1];
      const node = flow.node(step.node_uuid)!;
      const routed: Routed = node.router ? route(node.router, makeScope(s, current, flow, node, step)) : { categoryUUID: "", value: "" };
      const next = this.leave(s, current, node, step, routed);
      if (next === null) return;
      dest = next;
    }
  }

  private async visit(s: Session, run: RunJSON, nodeUUID: string, passed?: Record<string, unknown>): Promise<Visit> {
    if (s.stepsThisSprint >= this.limits.maxStepsPerSprint) {
      return this.fail(s, run, null, `reached maximum number of steps per sprint (${this.limits.maxStepsPerSprint})`, "step_limit");
    }
    const flow = s.assets.flow(run.flow.uuid);
    const node = flow.node(nodeUUID);
    if (!node) return this.fail(s, run, null, `flow '${flow.ref.name}' has no node ${nodeUUID}`, "broken_flow");
    const step = s.addStep(run, node.uuid);
    const scope = makeScope(s, run, flow, node, step);
    if (run.path.length === 1) initVariables(scope, passed);

    let pushed: { flow: Flow; terminal: boolean; variables?: Record<string, unknown> } | undefined;
    for (const action of node.actions) {
      const outcome = await executeAction(action, scope);
      if (CONTACT_CHANGING_ACTIONS.has(action.type)) reevaluateQueryGroups(s, run, step);
      if (!outcome) continue;
      if ("fail" in outcome) return this.fail(s, run, step, outcome.fail, outcome.code);
      pushed = { flow: outcome.enter, terminal: outcome.terminal, variables: outcome.variables };
    }
    if (pushed) {
      if (pushed.terminal) s.exitRun(run, "completed");
      return { entered: s.startRun(pushed.flow, run, pushed.terminal, step), flow: pushed.flow, variables: pushed.variables };
    }

    const router = node.router;
    if (!router) {
      const next = this.leave(s, run, node, step, { categoryUUID: "", value: "" });
      return next === null ? { failed: true } : { next };
    }
    if (router.wait && router.wait.type !== "msg") {
      const outcome = beginTimedWait(router.wait, scope);
      if (outcome === "waiting") return { waiting: true };
      const next = this.leave(s, run, node, step, outcome);
      return next === null ? { failed: true } : { next };
    }
    if (router.wait && !triggerAnswersWait(s, run)) {
      beginMsgWait(s, run, step, router.wait, flow.definition.expire_after_minutes);
      return { waiting: true };
    }
    const next = this.leave(s, run, node, step, route(router, scope));
    return next === null ? { failed: true } : { next };
  }

  /**
   * Leaves a node through the routed category's exit (or, without a router, its only exit): the
   * next node, undefined when the exit goes nowhere, null when the run failed.
   */
  private leave(s: Session, run: RunJSON, node: Node, step: StepJSON, routed: Routed): string | undefined | null {
    if ("fail" in routed) {
      this.fail(s, run, step, routed.fail, "broken_flow");
      return null;
    }
    let exitUUID: string | undefined;
    if (node.router) {
      const flow = s.assets.flow(run.flow.uuid);
      const taken = takeCategory(node.router, makeScope(s, run, flow, node, step), routed);
      if ("fail" in taken) {
        this.fail(s, run, step, taken.fail, "broken_flow");
        return null;
      }
      exitUUID = taken.exitUUID;
    } else {
      exitUUID = node.exits[0]?.uuid;
    }
    const exit = node.exits.find((e) => e.uuid === exitUUID);
    if (!exit) {
      this.fail(s, run, step, `node ${node.uuid} has no exit ${exitUUID}`, "broken_flow");
      return null;
    }
    step.exit_uuid = exit.uuid;
    return exit.destination_uuid ?? undefined;
  }

  /** Logs the reason, fails the run and every run above it, and the session. */
  private fail(s: Session, run: RunJSON, step: StepJSON | null, reason: string, code?: DiagnosticCode): { failed: true } {
    s.log(run, step, failure(reason, code));
    for (let r: RunJSON | undefined = run; r; r = s.parentOf(r)) {
      if (r.status === "active" || r.status === "waiting") s.exitRun(r, "failed");
    }
    s.json.status = "failed";
    delete s.json.wait;
    return { failed: true };
  }

  private finish(s: Session): Sprint {
    if (s.json.status === "active") s.json.status = "completed";
    if (s.json.status !== "waiting") delete s.json.wait;
    return { session: s.json, events: s.events };
  }
}

/** The events that begin a wait: one per sprint that ended waiting. */
const WAIT_EVENTS = new Set(["msg_wait", "pause_wait", "profile_change_wait", "event_wait", "date_wait"]);

/** How many sprints the session has had: each of them ended at a wait its run logged. */
function sprintsSoFar(session: SessionJSON): number {
  let n = 0;
  for (const run of session.runs) for (const e of run.events ?? []) if (WAIT_EVENTS.has(e.type)) n++;
  return n;
}
