// `npm run bench`: every bench in turn. A new bench is its own file exporting one async function.
import { engineBench } from "./engine.bench";

const BENCHES: Record<string, () => Promise<void>> = { engine: engineBench };

const only = process.argv.slice(2);
for (const [name, bench] of Object.entries(BENCHES)) {
  if (only.length === 0 || only.includes(name)) await bench();
}
