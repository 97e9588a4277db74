import { describe, expect, it } from 'vitest';
import { groupByDay } from './dayGroups';

const paris = { locale: 'en-GB', timeZone: 'Europe/Paris' };
const now = new Date('2026-12-04T10:00:00Z');

function at(starts_at: string) {
  return { starts_at };
}

describe('groupByDay', () => {
  it('labels today, tomorrow and later dates', () => {
    const groups = groupByDay(
      [at('2026-12-04T14:00:00Z'), at('2026-12-04T15:00:00Z'), at('2026-12-05T09:00:00Z'), at('2026-12-07T09:00:00Z')],
      now,
      paris,
    );

    expect(groups.map((group) => group.heading)).toEqual(['Today', 'Tomorrow', 'Mon 7 Dec']);
    expect(groups.map((group) => group.items.length)).toEqual([2, 1, 1]);
  });

  it('groups by the local day, not the UTC day', () => {
    // 23:30 UTC on 4 December is 00:30 on 5 December in Paris.
    const groups = groupByDay([at('2026-12-04T23:30:00Z')], now, paris);

    expect(groups.map((group) => group.heading)).toEqual(['Tomorrow']);
    expect(groups.map((group) => group.dayKey)).toEqual(['2026-12-05']);
  });

  it('returns no groups for no items', () => {
    expect(groupByDay([], now, paris)).toEqual([]);
  });
});
