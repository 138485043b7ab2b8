import { issuesAt, type Issue } from "./audience-picker";

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export type ScheduleDraft = {
  kind: "once" | "daily" | "weekly" | "monthly" | "yearly";
  date: string;
  weekdays: Weekday[];
  day: number;
  month: number;
  time: string;
  timezone: string;
  endDate: string;
};

const WEEKDAYS: [Weekday, string][] = [["mon", "Mon"], ["tue", "Tue"], ["wed", "Wed"], ["thu", "Thu"], ["fri", "Fri"], ["sat", "Sat"], ["sun", "Sun"]];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export function defaultSchedule(): ScheduleDraft {
  const tomorrow = new Date(Date.now() + 86_400_000);
  return {
    kind: "once",
    date: tomorrow.toISOString().slice(0, 10),
    weekdays: ["mon"],
    day: 1,
    month: tomorrow.getMonth() + 1,
    time: "09:00",
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    endDate: "",
  };
}

/** The API's schedule (docs/schedules.md) from the form. */
export function scheduleOf(s: ScheduleDraft): Record<string, unknown> {
  const common = { time: s.time, timezone: s.timezone, ...(s.kind !== "once" && s.endDate ? { end_date: s.endDate } : {}) };
  switch (s.kind) {
    case "once":
      return { kind: "once", date: s.date, time: s.time, timezone: s.timezone };
    case "daily":
      return { kind: "daily", ...common };
    case "weekly":
      return { kind: "weekly", weekdays: WEEKDAYS.map(([d]) => d).filter((d) => s.weekdays.includes(d)), ...common };
    case "monthly":
      return { kind: "monthly", day: s.day, ...common };
    case "yearly":
      return { kind: "yearly", month: s.month, day: s.day, ...common };
  }
}

let zones: string[] | undefined;
const timeZones = () => (zones ??= (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? []);

/** Once, daily, weekly on chosen days, monthly, yearly, at a local time in a time zone. */
export function SchedulePicker({ value, onChange, issues }: { value: ScheduleDraft; onChange(s: ScheduleDraft): void; issues: Issue[] }) {
  const set = (patch: Partial<ScheduleDraft>) => onChange({ ...value, ...patch });
  const problem = issuesAt(issues, "schedule");
  return (
    <div class="launch-schedule">
      <label>
        Repeats
        <select value={value.kind} onChange={(e) => set({ kind: e.currentTarget.value as ScheduleDraft["kind"] })}>
          <option value="once">once</option>
          <option value="daily">every day</option>
          <option value="weekly">every week</option>
          <option value="monthly">every month</option>
          <option value="yearly">every year</option>
        </select>
      </label>
      {value.kind === "once" && (
        <label>
          Date
          <input type="date" value={value.date} required onInput={(e) => set({ date: e.currentTarget.value })} />
        </label>
      )}
      {value.kind === "weekly" && (
        <fieldset class="launch-weekdays">
          <legend>On</legend>
          {WEEKDAYS.map(([d, label]) => (
            <label key={d} class="launch-check">
              <input
                type="checkbox"
                checked={value.weekdays.includes(d)}
                onChange={() => set({ weekdays: value.weekdays.includes(d) ? value.weekdays.filter((x) => x !== d) : [...value.weekdays, d] })}
              />
              {label}
            </label>
          ))}
        </fieldset>
      )}
      {value.kind === "yearly" && (
        <label>
          Month
          <select value={value.month} onChange={(e) => set({ month: Number(e.currentTarget.value) })}>
            {MONTHS.map((m, i) => (
              <option value={i + 1}>{m}</option>
            ))}
          </select>
        </label>
      )}
      {(value.kind === "monthly" || value.kind === "yearly") && (
        <label>
          Day of the month
          <input type="number" min={1} max={31} value={value.day} onInput={(e) => set({ day: Number(e.currentTarget.value) })} />
        </label>
      )}
      <label>
        Time
        <input type="time" value={value.time} required onInput={(e) => set({ time: e.currentTarget.value })} />
      </label>
      <label>
        Time zone
        <input list="launch-zones" value={value.timezone} required onInput={(e) => set({ timezone: e.currentTarget.value })} />
        <datalist id="launch-zones">
          {timeZones().map((z) => (
            <option value={z} />
          ))}
        </datalist>
      </label>
      {value.kind !== "once" && (
        <label>
          Until (optional)
          <input type="date" value={value.endDate} onInput={(e) => set({ endDate: e.currentTarget.value })} />
        </label>
      )}
      {problem && <p class="launch-error">{problem}</p>}
      {value.kind === "monthly" && value.day > 28 && <p class="launch-hint">In shorter months it fires on the last day.</p>}
    </div>
  );
}
