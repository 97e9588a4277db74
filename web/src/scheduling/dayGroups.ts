import { formatDay, localDayKey, nextDayKey, type TimeFormatOptions } from '../shared/time';

/** Items that start on one local calendar day, under a heading for that day. */
export interface DayGroup<T> {
  /** The day as "YYYY-MM-DD" in the time zone. */
  dayKey: string;
  /** "Today", "Tomorrow" or a date such as "Sat 5 Dec". */
  heading: string;
  items: T[];
}

/**
 * Groups items by the local day of their `starts_at`, keeping their order.
 * The input must be sorted by start time, as the API returns appointments.
 */
export function groupByDay<T extends { starts_at: string }>(
  items: readonly T[],
  now: Date,
  format: TimeFormatOptions = {},
): DayGroup<T>[] {
  const today = localDayKey(now, format);
  const tomorrow = nextDayKey(today);
  const groups: DayGroup<T>[] = [];

  for (const item of items) {
    const start = new Date(item.starts_at);
    const dayKey = localDayKey(start, format);
    const last = groups[groups.length - 1];
    if (last && last.dayKey === dayKey) {
      last.items.push(item);
      continue;
    }
    const heading = dayKey === today ? 'Today' : dayKey === tomorrow ? 'Tomorrow' : formatDay(start, now, format);
    groups.push({ dayKey, heading, items: [item] });
  }
  return groups;
}
