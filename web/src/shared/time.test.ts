import { describe, expect, it } from 'vitest';
import { formatClockTime, formatDay, formatWhen, localDayKey, nextDayKey } from './time';

const paris = { locale: 'en-GB', timeZone: 'Europe/Paris' };

describe('formatClockTime', () => {
  it('shows only the time on the same day', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    expect(formatClockTime(new Date('2026-12-04T15:05:00Z'), now, paris)).toBe('16:05 CET');
  });

  it('adds the date on another day', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    expect(formatClockTime(new Date('2026-12-04T23:15:00Z'), now, paris)).toBe('Sat 5 Dec at 00:15 CET');
  });

  it('uses the day of the time zone, not of UTC', () => {
    // 23:30 UTC on 4 December is already 5 December in Paris.
    const now = new Date('2026-12-04T23:30:00Z');
    expect(formatClockTime(new Date('2026-12-04T23:45:00Z'), now, paris)).toBe('00:45 CET');
  });

  it('adds the year in another year', () => {
    const now = new Date('2026-12-31T10:00:00Z');
    expect(formatClockTime(new Date('2027-01-02T08:00:00Z'), now, paris)).toBe('Sat 2 Jan 2027 at 09:00 CET');
  });

  it('uses a 12-hour clock where the locale does', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const time = formatClockTime(new Date('2026-12-04T15:05:00Z'), now, { locale: 'en-US', timeZone: 'America/New_York' });
    expect(time).toMatch(/^10:05\sAM EST$/);
  });
});

describe('formatDay', () => {
  it('names weekday, day and month', () => {
    expect(formatDay(new Date('2026-12-05T12:00:00Z'), new Date('2026-12-01T12:00:00Z'), paris)).toBe('Sat 5 Dec');
  });
});

describe('localDayKey', () => {
  it('returns the date in the time zone', () => {
    expect(localDayKey(new Date('2026-12-04T23:30:00Z'), paris)).toBe('2026-12-05');
    expect(localDayKey(new Date('2026-12-04T23:30:00Z'), { timeZone: 'UTC' })).toBe('2026-12-04');
  });
});

describe('nextDayKey', () => {
  it('rolls over months and years', () => {
    expect(nextDayKey('2026-12-04')).toBe('2026-12-05');
    expect(nextDayKey('2026-02-28')).toBe('2026-03-01');
    expect(nextDayKey('2026-12-31')).toBe('2027-01-01');
  });
});

describe('formatWhen', () => {
  const now = new Date('2026-12-04T10:00:00Z');

  it('says "at" today', () => {
    expect(formatWhen(new Date('2026-12-04T15:05:00Z'), now, paris)).toBe('at 16:05 CET');
  });

  it('says "on" another day', () => {
    expect(formatWhen(new Date('2026-12-05T15:05:00Z'), now, paris)).toBe('on Sat 5 Dec at 16:05 CET');
  });
});
