import { beforeAll, describe, expect, it } from 'vitest';
import { localDateTimeToUtc, toRfc3339Utc } from './localTime';

// Node reads TZ again whenever it is assigned, so this fixes the zone that
// Date uses for the rest of this file's worker. Europe/London has a clock
// change each spring and autumn to test against.
beforeAll(() => {
  process.env.TZ = 'Europe/London';
});

describe('localDateTimeToUtc', () => {
  it('converts winter time (UTC+0)', () => {
    const result = localDateTimeToUtc('2026-12-04', '09:30');

    expect(result).toMatchObject({ ok: true, utc: '2026-12-04T09:30:00Z' });
  });

  it('converts summer time (UTC+1)', () => {
    const result = localDateTimeToUtc('2026-07-01', '09:30');

    expect(result).toMatchObject({ ok: true, utc: '2026-07-01T08:30:00Z' });
  });

  it('crosses midnight into the previous UTC day', () => {
    const result = localDateTimeToUtc('2026-07-01', '00:15');

    expect(result).toMatchObject({ ok: true, utc: '2026-06-30T23:15:00Z' });
  });

  it('accepts seconds from the time input', () => {
    const result = localDateTimeToUtc('2026-12-04', '09:30:15');

    expect(result).toMatchObject({ ok: true, utc: '2026-12-04T09:30:15Z' });
  });

  it('rejects a time skipped by the spring change', () => {
    // Clocks in Europe/London go from 01:00 to 02:00 on 29 March 2026.
    const result = localDateTimeToUtc('2026-03-29', '01:30');

    expect(result).toMatchObject({ ok: false, reason: 'nonexistent', part: 'time' });
  });

  it('takes the first of a time repeated in autumn', () => {
    // Clocks in Europe/London go from 02:00 back to 01:00 on 25 October 2026,
    // so 01:30 happens at 00:30Z (BST) and again at 01:30Z (GMT).
    const result = localDateTimeToUtc('2026-10-25', '01:30');

    expect(result).toMatchObject({ ok: true, utc: '2026-10-25T00:30:00Z' });
  });

  it.each([
    ['2026-02-30', 'a day past the end of the month'],
    ['2026-13-01', 'month 13'],
    ['04/12/2026', 'a day-first date'],
    ['', 'an empty date'],
  ])('rejects the date %s (%s)', (date) => {
    const result = localDateTimeToUtc(date, '09:00');

    expect(result).toMatchObject({ ok: false, reason: 'invalid', part: 'date' });
  });

  it.each(['24:00', '09:60', '9:30', ''])('rejects the time "%s"', (time) => {
    const result = localDateTimeToUtc('2026-12-04', time);

    expect(result).toMatchObject({ ok: false, reason: 'invalid', part: 'time' });
  });

  it('keeps years below 100 as written', () => {
    const result = localDateTimeToUtc('0099-06-01', '12:00');

    // The offset in year 99 is London's local mean time, so only the date is checked.
    expect(result).toMatchObject({ ok: true, utc: expect.stringMatching(/^0099-06-01T/) });
  });
});

describe('toRfc3339Utc', () => {
  it('drops milliseconds and keeps Z', () => {
    expect(toRfc3339Utc(new Date(Date.UTC(2026, 11, 4, 9, 30, 0, 999)))).toBe('2026-12-04T09:30:00Z');
  });
});
