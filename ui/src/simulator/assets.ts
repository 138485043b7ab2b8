import { api } from "../api";

type Def = { uuid?: string; nodes?: { actions?: { type: string; flow?: { uuid: string } }[] }[] };

/** Flows a definition enters (enter_flow), as goflow needs them among the assets. */
function enteredFlows(def: Def): string[] {
  return (def.nodes ?? []).flatMap((n) => (n.actions ?? []).filter((a) => a.type === "enter_flow" && a.flow?.uuid).map((a) => a.flow!.uuid));
}

/**
 * The definition and every flow it can reach through enter_flow, each at the version contacts
 * would enter (the published one; the draft of a never-published flow). A flow that cannot be
 * read is left out: entering it fails the run, as it would in the Worker.
 */
export async function reachableFlows(root: Def, limit = 20): Promise<unknown[]> {
  const out: unknown[] = [root];
  const seen = new Set([root.uuid]);
  const queue = enteredFlows(root);
  while (queue.length && out.length < limit) {
    const uuid = queue.shift()!;
    if (seen.has(uuid)) continue;
    seen.add(uuid);
    try {
      const flow = await api<{ published_version: number | null; definition: Def }>(`flows/${uuid}`);
      const def = flow.published_version === null ? flow.definition : (await api<{ definition: Def }>(`flows/${uuid}/versions/${flow.published_version}`)).definition;
      out.push(def);
      queue.push(...enteredFlows(def));
    } catch {
      // left out: see above
    }
  }
  return out;
}
