import { parseISODateTime } from "./dates";
import { DEFAULT_NUMBER_FORMAT } from "./values/number";
import type { Environment } from "./environment";
import type { LocationHierarchy } from "./locations";
import { SAMPLE_LOCATIONS } from "./sample-locations";
import { evaluateTemplate, evaluateTemplateValue } from "./template";
import { fromJSON } from "./values/json";
import { render } from "./values/render";
import { XObject } from "./values/types";

/** A conformance table, as `test/fixtures/excellent-examples.json`. */
export interface ConformanceTable {
  environment?: {
    timezone?: string;
    date_format?: string;
    time_format?: string;
    default_country?: string;
    default_language?: string;
    allowed_languages?: string[];
    number_format?: { decimal_symbol: string; digit_grouping_symbol: string };
    redaction_policy?: "none" | "urns";
    /** ISO datetime the clock is fixed at. */
    now?: string;
    locations?: LocationHierarchy;
  };
  /** Top-level context names and values (plain JSON, `__default__` allowed); none by default. */
  context?: Record<string, unknown>;
  /** Location hierarchy for has_state/has_district/has_ward; the sample Rwanda one when absent. */
  locations?: LocationHierarchy;
  examples: { group?: string; template: string; expected: string }[];
}

export interface ConformanceReport {
  /** One line per failing row, then `N passed, M failed`. */
  lines: string[];
  passed: number;
  failed: number;
}

/** `expected` of a row whose template must fail to evaluate. */
const EXPECT_ERROR = "ERROR";

function tableEnvironment(table: ConformanceTable): Environment {
  const e = table.environment ?? {};
  const nowText = e.now ?? "2018-04-11T18:24:30.123456Z";
  const nowValue = parseISODateTime(nowText, "UTC");
  if (!nowValue) throw new Error(`environment.now is not an ISO datetime: ${nowText}`);
  const nanos = nowValue.toEpochNanos();
  return {
    date_format: e.date_format ?? "YYYY-MM-DD",
    time_format: e.time_format ?? "tt:mm",
    timezone: e.timezone ?? "UTC",
    default_country: e.default_country,
    default_language: e.default_language,
    allowed_languages: e.allowed_languages ?? [],
    number_format: e.number_format ?? DEFAULT_NUMBER_FORMAT,
    redaction_policy: e.redaction_policy ?? "none",
    now: () => nanos,
    locations: table.locations ?? e.locations ?? SAMPLE_LOCATIONS,
  };
}

/**
 * Evaluates every row: a row passes when the template renders exactly `expected` without errors,
 * or, for `ERROR`, when its single expression evaluates to an error.
 */
export function runConformance(table: ConformanceTable): ConformanceReport {
  const env = tableEnvironment(table);
  const context = fromJSON(table.context ?? {});
  if (!(context instanceof XObject)) throw new Error("context must be an object");
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const { template, expected } of table.examples) {
    let ok: boolean;
    let got: string;
    if (expected === EXPECT_ERROR) {
      const { value, errors } = evaluateTemplateValue(template, context, env);
      ok = value !== null && value.kind === "error";
      got = ok ? EXPECT_ERROR : JSON.stringify(render(value)) + (errors.length ? ` (errors: ${errors.join("; ")})` : "");
    } else {
      const { output, errors } = evaluateTemplate(template, context, env);
      ok = output === expected && errors.length === 0;
      got = JSON.stringify(output) + (errors.length ? ` (errors: ${errors.join("; ")})` : "");
    }
    if (ok) {
      passed++;
    } else {
      failed++;
      const want = expected === EXPECT_ERROR ? EXPECT_ERROR : JSON.stringify(expected);
      lines.push(`FAIL ${template}  expected: ${want}  got: ${got}`);
    }
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return { lines, passed, failed };
}
