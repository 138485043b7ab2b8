// Conformance command: `npm run --silent conformance -- excellent FILE`.
import { readFileSync } from "node:fs";
import { runConformance, type ConformanceTable } from "../durable/engine/excellent/conformance";

const HELP = `usage: npm run --silent conformance -- excellent FILE

Evaluates every row of an Excellent conformance table (the format of
test/fixtures/excellent-examples.json: an "environment" with "now" fixed, and
"examples" of {template, expected}). Each template must render exactly
"expected"; "ERROR" means its expression must evaluate to an error.

Prints one line per failing row (template, expected, got) and ends with
"N passed, M failed". Exit code 0 when every row passes, 1 otherwise, 2 on
bad usage or an unreadable table.

Optional table keys: "context" (top-level names to plain JSON values, objects
may carry "__default__") and "locations" (a hierarchy {name, aliases?,
children?} for has_state / has_district / has_ward). Without "locations" the
command uses a small sample of Rwanda (Rwanda > Kigali City > Gasabo > Gisozi,
Ndera; Nyarugenge; Eastern Province > Rwamagana), the hierarchy goflow's
documentation examples run against.
`;

function main(argv: string[]): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  const [suite, file] = argv;
  if (suite !== "excellent" || !file) {
    process.stderr.write(HELP);
    return 2;
  }
  let table: ConformanceTable;
  try {
    table = JSON.parse(readFileSync(file, "utf8")) as ConformanceTable;
    if (!Array.isArray(table.examples)) throw new Error("no examples array");
  } catch (e) {
    process.stderr.write(`cannot read table ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const report = runConformance(table);
  process.stdout.write(report.lines.join("\n") + "\n");
  return report.failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
