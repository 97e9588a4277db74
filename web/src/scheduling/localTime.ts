// Conversion of what a person types into date and time inputs (their own
// wall-clock time) into the UTC RFC 3339 strings that the API takes.

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

export type LocalTimeResult =
  | { ok: true; instant: Date; utc: string }
  | {
      ok: false;
      reason: 'invalid' | 'nonexistent';
      /** The input at fault. */
      part: 'date' | 'time';
      message: string;
    };

/** Formats an instant as RFC 3339 UTC with whole seconds: "2026-12-04T09:30:00Z". */
export function toRfc3339Utc(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Converts a local date ("YYYY-MM-DD", as from `<input type="date">`) and a
 * local time ("HH:MM" or "HH:MM:SS", as from `<input type="time">`) in the
 * browser's time zone to a UTC instant.
 *
 * A time skipped when clocks go forward (01:30 on the spring change in
 * Europe/London) is rejected as `nonexistent`. A time that occurs twice when
 * clocks go back resolves to the first occurrence, as JavaScript's Date
 * constructor does.
 */
export function localDateTimeToUtc(date: string, time: string): LocalTimeResult {
  const dateMatch = DATE_PATTERN.exec(date);
  if (!dateMatch) {
    return { ok: false, reason: 'invalid', part: 'date', message: `Invalid date "${date}": use the form YYYY-MM-DD.` };
  }
  const timeMatch = TIME_PATTERN.exec(time);
  if (!timeMatch) {
    return { ok: false, reason: 'invalid', part: 'time', message: `Invalid time "${time}": use the form HH:MM.` };
  }

  const year = Number(dateMatch[1]);
  const monthIndex = Number(dateMatch[2]) - 1;
  const day = Number(dateMatch[3]);
  const hours = Number(timeMatch[1]);
  const minutes = Number(timeMatch[2]);
  const seconds = Number(timeMatch[3] ?? '0');

  if (hours > 23 || minutes > 59 || seconds > 59) {
    return { ok: false, reason: 'invalid', part: 'time', message: `Invalid time "${time}".` };
  }

  // setFullYear avoids the Date constructor's mapping of years 0–99 to 1900–1999.
  const instant = new Date(2000, 0, 1, 0, 0, 0, 0);
  instant.setFullYear(year, monthIndex, day);
  instant.setHours(hours, minutes, seconds, 0);

  // The Date methods roll an out-of-range day over into the next month
  // (30 February becomes 2 March), so a changed day means an invalid date.
  if (instant.getFullYear() !== year || instant.getMonth() !== monthIndex || instant.getDate() !== day) {
    return { ok: false, reason: 'invalid', part: 'date', message: `Invalid date "${date}".` };
  }
  // Inside a clock-change gap the Date methods move the time forward, so a
  // changed hour or minute means the local time does not exist that day.
  if (instant.getHours() !== hours || instant.getMinutes() !== minutes) {
    return {
      ok: false,
      reason: 'nonexistent',
      part: 'time',
      message: `${time} does not exist on ${date} in your time zone because the clocks change. Choose another time.`,
    };
  }

  return { ok: true, instant, utc: toRfc3339Utc(instant) };
}
