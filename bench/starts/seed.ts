/** Bulk rows for local D1 as SQL files (literal multi-row INSERTs: D1 binds at most 100 parameters). */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { contactPhone } from "../webhook/eddy";

/** Bytes of values per INSERT: statements stay well under D1's 100 KB. */
const STATEMENT_BYTES = 50_000;

type Value = string | number | null;
const literal = (v: Value) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replaceAll("'", "''")}'`);

/** Writes `INSERT INTO table (columns) VALUES ...` statements for `count` rows made by `row(i)`. */
async function insertRows(out: NodeJS.WritableStream, table: string, columns: string[], count: number, row: (i: number) => Value[]): Promise<void> {
  let values: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (!out.write(`INSERT INTO ${table} (${columns.join(",")}) VALUES ${values.join(",")};\n`)) await once(out, "drain");
    values = [];
    bytes = 0;
  };
  for (let i = 0; i < count; i++) {
    const v = `(${row(i).map(literal).join(",")})`;
    values.push(v);
    bytes += v.length + 1;
    if (bytes >= STATEMENT_BYTES) await flush();
  }
  if (values.length) await flush();
}

async function writeFile(file: string, write: (out: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  const out = createWriteStream(file);
  await write(out);
  out.end();
  await once(out, "finish");
}

/** `count` active contacts, each with a phone number, all in one group (the start's audience); `prefix`: more SQL first. */
export async function writeAudience(file: string, count: number, groupUuid: string, prefix = ""): Promise<void> {
  const at = new Date().toISOString();
  const uuids = Array.from({ length: count }, () => randomUUID());
  await writeFile(file, async (out) => {
    out.write(prefix);
    out.write(`INSERT INTO groups (uuid, name) VALUES ('${groupUuid}', 'Bench audience');\n`);
    await insertRows(out, "contacts", ["uuid", "name", "created_on", "modified_on"], count, (i) => [uuids[i], `Contact ${i}`, at, at]);
    await insertRows(out, "contact_urns", ["scheme", "path", "contact_uuid"], count, (i) => ["tel", contactPhone(i), uuids[i]]);
    await insertRows(out, "group_members", ["group_uuid", "contact_uuid"], count, (i) => [groupUuid, uuids[i]]);
  });
}

/**
 * A published, active background flow without nodes, as SQL: for starts whose coordinator must
 * be able to start it but that reach no contact's flow (the floor's bare objects, an empty audience).
 */
export function flowRows(flowUuid: string): string {
  const definition = JSON.stringify({ uuid: flowUuid, name: "Bench", spec_version: "14.4.2", language: "eng", type: "messaging_background", nodes: [] });
  return (
    `INSERT INTO flows (uuid, name, type, status, draft, published_version) VALUES (${[flowUuid, "Bench", "messaging_background", "active", definition, 1].map(literal).join(",")});\n` +
    `INSERT INTO flow_versions (flow_uuid, version, definition) VALUES (${[flowUuid, 1, definition].map(literal).join(",")});\n`
  );
}

export type ScheduleRow = { schedule: Record<string, unknown>; nextFireAt: string };

/** `count` schedules of `flowUuid` for `audience`, the i-th as `row(i)` says; `prefix`: more SQL first. */
export async function writeSchedules(file: string, count: number, flowUuid: string, audience: Record<string, unknown>, row: (i: number) => ScheduleRow, prefix = ""): Promise<void> {
  const at = new Date().toISOString();
  const start = JSON.stringify({ audience, options: { interrupt: true } });
  await writeFile(file, async (out) => {
    out.write(prefix);
    await insertRows(out, "schedules", ["uuid", "schedule", "flow_uuid", "start", "next_fire_at", "created_on", "modified_on"], count, (i) => {
      const r = row(i);
      return [randomUUID(), JSON.stringify(r.schedule), flowUuid, start, r.nextFireAt, at, at];
    });
  });
}
