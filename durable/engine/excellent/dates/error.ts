/** Raised for invalid input to the date/time library (bad layout, out-of-range parts, unknown unit or zone). */
export class DateError extends Error {
  override name = "DateError";
}
