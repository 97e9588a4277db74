import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildAvailabilityRequest,
  todayInputValue,
  unusedMinutesAtEnd,
  type AvailabilityCheck,
  type AvailabilityDraft,
} from './availabilityForm';

function errorsOf(check: AvailabilityCheck) {
  if (check.ok) throw new Error('expected the check to fail, but it passed');
  return check.errors;
}

beforeAll(() => {
  process.env.TZ = 'Europe/London';
});

const valid: AvailabilityDraft = { date: '2026-07-01', startTime: '09:00', endTime: '12:00', slotMinutes: '15' };

describe('buildAvailabilityRequest', () => {
  it('converts a valid range to UTC', () => {
    const check = buildAvailabilityRequest(valid);

    expect(check).toEqual({
      ok: true,
      request: { starts_at: '2026-07-01T08:00:00Z', ends_at: '2026-07-01T11:00:00Z', slot_minutes: 15 },
    });
  });

  it('reports every missing field', () => {
    const check = buildAvailabilityRequest({ date: '', startTime: '', endTime: '', slotMinutes: '' });

    expect(Object.keys(errorsOf(check)).sort()).toEqual(['date', 'ends_at', 'slot_minutes', 'starts_at']);
  });

  it('rejects an end at or before the start', () => {
    const check = buildAvailabilityRequest({ ...valid, endTime: '09:00' });

    expect(errorsOf(check).ends_at).toBeTruthy();
  });

  it.each(['0', '-5', '7.5', 'abc'])('rejects slot length "%s"', (slotMinutes) => {
    const check = buildAvailabilityRequest({ ...valid, slotMinutes });

    expect(errorsOf(check).slot_minutes).toBeTruthy();
  });

  it('rejects a slot longer than the range', () => {
    const check = buildAvailabilityRequest({ ...valid, endTime: '09:30', slotMinutes: '45' });

    expect(errorsOf(check).slot_minutes).toContain('30 minutes');
  });

  it('puts an invalid date on the date field', () => {
    const check = buildAvailabilityRequest({ ...valid, date: '2026-02-30' });

    expect(errorsOf(check).date).toBeTruthy();
    expect(errorsOf(check).starts_at).toBeUndefined();
  });
});

describe('unusedMinutesAtEnd', () => {
  it('returns 0 for a whole number of slots', () => {
    expect(unusedMinutesAtEnd(valid)).toBe(0);
  });

  it('returns the minutes left over at the end', () => {
    expect(unusedMinutesAtEnd({ ...valid, endTime: '09:40' })).toBe(10);
  });

  it('returns undefined while the form is incomplete', () => {
    expect(unusedMinutesAtEnd({ ...valid, endTime: '' })).toBeUndefined();
    expect(unusedMinutesAtEnd({ ...valid, slotMinutes: 'x' })).toBeUndefined();
  });

  it('returns undefined when the range is shorter than one slot', () => {
    expect(unusedMinutesAtEnd({ ...valid, endTime: '09:10' })).toBeUndefined();
  });
});

describe('todayInputValue', () => {
  it('pads month and day', () => {
    expect(todayInputValue(new Date(2026, 0, 5, 12, 0))).toBe('2026-01-05');
  });
});
