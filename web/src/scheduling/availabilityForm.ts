import type { AvailabilityRequest } from '../api/types';
import type { FieldErrors } from '../shared/fieldErrors';
import { localDateTimeToUtc } from './localTime';

/** The availability form's inputs, as typed. */
export interface AvailabilityDraft {
  date: string;
  startTime: string;
  endTime: string;
  slotMinutes: string;
}

/** Form inputs, named after the API field each one feeds. */
export type AvailabilityField = 'date' | 'starts_at' | 'ends_at' | 'slot_minutes';

export type AvailabilityCheck =
  | { ok: true; request: AvailabilityRequest }
  | { ok: false; errors: FieldErrors<AvailabilityField> };

/**
 * Checks the availability form and converts it to an API request. The range
 * starts and ends on one local date, so an overnight range is two entries.
 * The server makes the final checks (for example against the past).
 */
export function buildAvailabilityRequest(draft: AvailabilityDraft): AvailabilityCheck {
  const errors: FieldErrors<AvailabilityField> = {};

  if (!draft.date) errors.date = 'Enter a date.';
  if (!draft.startTime) errors.starts_at = 'Enter a start time.';
  if (!draft.endTime) errors.ends_at = 'Enter an end time.';

  const slotText = draft.slotMinutes.trim();
  const slotMinutes = Number(slotText);
  if (!slotText) {
    errors.slot_minutes = 'Enter a slot length in minutes.';
  } else if (!/^[0-9]+$/.test(slotText) || slotMinutes < 1) {
    errors.slot_minutes = 'Slot length must be a whole number of minutes, 1 or more.';
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }

  const start = localDateTimeToUtc(draft.date, draft.startTime);
  const end = localDateTimeToUtc(draft.date, draft.endTime);
  if (!start.ok) {
    errors[start.part === 'date' ? 'date' : 'starts_at'] = start.message;
  }
  if (!end.ok && end.part === 'time') {
    errors.ends_at = end.message;
  }
  if (!start.ok || !end.ok) {
    return { ok: false, errors };
  }

  const rangeMinutes = (end.instant.getTime() - start.instant.getTime()) / 60_000;
  if (rangeMinutes <= 0) {
    return { ok: false, errors: { ends_at: 'End time must be after the start time.' } };
  }
  if (slotMinutes > rangeMinutes) {
    return {
      ok: false,
      errors: { slot_minutes: `Slot length must not be longer than the range (${rangeMinutes} minutes).` },
    };
  }

  return { ok: true, request: { starts_at: start.utc, ends_at: end.utc, slot_minutes: slotMinutes } };
}

/**
 * Returns the minutes at the end of the range that do not fill a whole slot
 * and so will not be published, or 0 when the range divides evenly. Returns
 * undefined while the times or the slot length are incomplete or invalid.
 */
export function unusedMinutesAtEnd(draft: AvailabilityDraft): number | undefined {
  const slotText = draft.slotMinutes.trim();
  if (!/^[0-9]+$/.test(slotText) || Number(slotText) < 1) return undefined;
  const slotMinutes = Number(slotText);

  const start = localDateTimeToUtc(draft.date, draft.startTime);
  const end = localDateTimeToUtc(draft.date, draft.endTime);
  if (!start.ok || !end.ok) return undefined;

  const rangeMinutes = Math.round((end.instant.getTime() - start.instant.getTime()) / 60_000);
  if (rangeMinutes < slotMinutes) return undefined;
  return rangeMinutes % slotMinutes;
}

/** Returns today's date in the browser's time zone as "YYYY-MM-DD", the value form of `<input type="date">`. */
export function todayInputValue(now: Date = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}
