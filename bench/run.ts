// `npm run bench`: every bench in turn, or the ones named (`npm run bench -- webhook`).
// A new bench is its own file exporting one async function, listed here.
import { consoleBench } from "./console.bench";
import { cronBench } from "./cron.bench";
import { engineBench } from "./engine.bench";
import { startBench } from "./start.bench";
import { timersBench } from "./timers.bench";
import { webhookBench } from "./webhook.bench";

const BENCHES: Record<string, () => Promise<void>> = { engine: engineBench, webhook: webhookBench, start: startBench, cron: cronBench, console: consoleBench, timers: timersBench };

const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(", ")} (have: ${Object.keys(BENCHES).join(", ")})`);
  process.exit(2);
}
for (const [name, bench] of Object.entries(BENCHES)) {
  if (only.length === 0 || only.includes(name)) await bench();
}
