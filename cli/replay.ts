// Replay command: `npm run --silent replay -- CASE.json`. The work is in cli/replay/run.ts.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { assetsFileName } from "./replay/case";
import { ReplayError, REPLAY_START, runCase } from "./replay/run";

const HELP = `usage: npm run --silent replay -- CASE.json

Replays a flow session from a case in goflow's runner-test format and prints
only {"outputs": [...]} on stdout: one output per sprint (the start, then one
per resume), each {"events": [...], "session": {...}} in goflow's shapes.

The case file (JSON):
  contact       the contact, as goflow writes it (uuid, name, urns, fields...),
                with Eddy's last_contacted_on and recent_events for segment
                splits (docs/journeys.md)
  environment   goflow's environment, or null for the defaults
  trigger       {"type": "manual" | "msg" | "flow_action", "flow": {uuid, name}, ...}
                (the case's contact and environment go into it; Eddy's
                "variables" gives the flow's variables their first values)
  resumes       [{"type": "msg", "msg": {...}} | {"type": "wait_timeout"}
                 | {"type": "wait_expiration"}
                 | {"type": "time_passed", "resumed_on": "..."} (Eddy's journeys:
                   a pause, a wait for a date or a wait's timeout; the clock jumps there)
                 | {"type": "event", "event": {name, properties, occurred_on}}
                 | {"type": "profile_changed", "contact": {...}}], in order
                 (docs/journeys.md)
  http_mocks    optional: URL -> list of responses used in order, the last one
                repeating; {"status": 200, "body": "...", "headers": {...}},
                status 0 for a connection error. Other URLs fail to connect.
  outputs       optional: the expected outputs (ignored by the replay)

The assets (flows, fields, groups, labels, channels, topics, globals...) are
the file in the same folder named by the case file's name up to its first
dot: two_questions.test_x.json takes two_questions.json.

The clock starts at ${REPLAY_START} and advances one second at
every read; UUIDs and random numbers come from seeded generators, so a replay
always prints the same thing. Eddy's own fields in events start with "_".

Exit code 0 on success, 1 when the case cannot run (bad input, or the engine
refused a trigger or resume), 2 on bad usage.
`;

function readJSON(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ReplayError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ReplayError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  if (argv.length !== 1) {
    process.stderr.write(HELP);
    return 2;
  }
  const [file] = argv;
  try {
    const c = readJSON(file, "case");
    const a = readJSON(join(dirname(file), assetsFileName(file)), "assets file");
    const result = await runCase(c, a);
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    return 0;
  } catch (e) {
    if (!(e instanceof ReplayError)) throw e;
    process.stderr.write(`replay ${file}: ${e.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
