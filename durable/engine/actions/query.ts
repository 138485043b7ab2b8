/**
 * goflow's contact-query escaping: a value an expression puts into a query is written as a quoted
 * string, so `gender = @fields.gender` becomes `gender = "Male"` and a value with spaces or
 * operators stays one value.
 */
export function quoteQueryValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
