import type { SessionJSON } from "./types";

const ENDED = new Set(["completed", "expired", "interrupted", "failed"]);

/**
 * goflow does not repeat the path of a run that ended in an earlier sprint: the sprint it ended in
 * showed it, and nothing reads it again (a node's visit count and a resthook's payload are the
 * running run's). Called on the session's own copy as a sprint begins. Accepts both shapes: such a
 * run with its whole path (sessions stored before) or with none at all (`path` missing or null).
 */
export function forgetEndedPaths(session: SessionJSON): void {
  for (const run of session.runs) {
    if (ENDED.has(run.status)) run.path = [];
    else run.path ??= [];
  }
}
