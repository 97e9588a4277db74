// Display of API times (UTC, RFC 3339) in the browser's own time zone. Every
// displayed time names its zone, so a patient and a clinician in different
// zones can tell which time is meant. Clock times use the locale's short form
// (`hour: 'numeric', minute: '2-digit'`) everywhere.

/** Locale and time zone for formatting; both default to the browser's own. */
export interface TimeFormatOptions {
  locale?: string;
  timeZone?: string;
}

const clockOptions: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };

const dateTimeOptions: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  ...clockOptions,
  timeZoneName: 'short',
};

function formatter(options: Intl.DateTimeFormatOptions, format: TimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(format.locale, { ...options, timeZone: format.timeZone });
}

/** Formats one instant, for example "Fri, 4 Dec 2026, 09:30 GMT". */
export function formatDateTime(iso: string, format: TimeFormatOptions = {}): string {
  return formatter(dateTimeOptions, format).format(new Date(iso));
}

/** Formats a start and end, naming the day once when both fall on it. */
export function formatTimeRange(startIso: string, endIso: string, format: TimeFormatOptions = {}): string {
  return formatter(dateTimeOptions, format).formatRange(new Date(startIso), new Date(endIso));
}

/**
 * Returns the calendar date of an instant in the time zone as "YYYY-MM-DD",
 * a key for comparing and grouping days.
 */
export function localDayKey(date: Date, format: TimeFormatOptions = {}): string {
  // The en-CA locale writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: format.timeZone,
  }).format(date);
}

/** Returns the "YYYY-MM-DD" key of the calendar day after `dayKey`. */
export function nextDayKey(dayKey: string): string {
  const year = Number(dayKey.slice(0, 4));
  const month = Number(dayKey.slice(5, 7));
  const day = Number(dayKey.slice(8, 10));
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/**
 * Formats a clock time with its zone. When the instant is not on the same
 * day as `now`, the date comes first: "09:20 GMT" today, "Sat 5 Dec at
 * 00:15 CET" on another day, with the year added when that differs too.
 */
export function formatClockTime(date: Date, now: Date = new Date(), format: TimeFormatOptions = {}): string {
  const time = formatter({ ...clockOptions, timeZoneName: 'short' }, format).format(date);
  if (localDayKey(date, format) === localDayKey(now, format)) {
    return time;
  }
  return `${formatDay(date, now, format)} at ${time}`;
}

/**
 * Formats an instant to follow a verb: "at 09:20 GMT" today, "on Sat 5 Dec at
 * 00:15 CET" on another day.
 */
export function formatWhen(date: Date, now: Date = new Date(), format: TimeFormatOptions = {}): string {
  const time = formatClockTime(date, now, format);
  return localDayKey(date, format) === localDayKey(now, format) ? `at ${time}` : `on ${time}`;
}

/** Formats the day of an instant, for example "Sat 5 Dec", with the year when it is not the year of `now`. */
export function formatDay(date: Date, now: Date = new Date(), format: TimeFormatOptions = {}): string {
  const sameYear = localDayKey(date, format).slice(0, 4) === localDayKey(now, format).slice(0, 4);
  const parts = formatter(
    { weekday: 'short', day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric' },
    format,
  ).formatToParts(date);
  // Joined by hand so that English reads "Sat 5 Dec" without the comma
  // that en-GB puts after the weekday.
  return parts
    .filter((part) => part.type !== 'literal')
    .map((part) => part.value)
    .join(' ');
}

/** Returns the browser's IANA time zone, for example "Europe/London". */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
