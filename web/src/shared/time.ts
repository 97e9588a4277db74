// Display of API times (UTC, RFC 3339) in the browser's own time zone. Every
// displayed time names its zone, so a patient and a clinician in different
// zones can tell which time is meant.

const dateTimeOptions: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** Formats one instant, for example "Fri 4 Dec 2026, 09:30 GMT". */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, dateTimeOptions).format(new Date(iso));
}

/** Formats a start and end, naming the day once when both fall on it. */
export function formatTimeRange(startIso: string, endIso: string): string {
  return new Intl.DateTimeFormat(undefined, dateTimeOptions).formatRange(new Date(startIso), new Date(endIso));
}

/** Formats only the clock time with its zone, for example "09:20 GMT". */
export function formatClockTime(date: Date): string {
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(date);
}

/** Returns the browser's IANA time zone, for example "Europe/London". */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
