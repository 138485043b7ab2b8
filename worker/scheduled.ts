/** Fired by the cron trigger every minute. Schedules (starts on a timetable) arrive with the starts issue. */
export async function runScheduled(env: Env, at: Date): Promise<void> {
  await env.DB.prepare("INSERT INTO cron_ticks (fired_at) VALUES (?)").bind(at.toISOString()).run();
}
