import { describe, expect, it } from 'vitest';
import type { Appointment } from '../api/types';
import { isJoinOpen, joinAvailability } from './joinWindow';

const appointment: Pick<Appointment, 'starts_at' | 'ends_at' | 'status'> = {
  starts_at: '2026-12-04T09:30:00Z',
  ends_at: '2026-12-04T09:45:00Z',
  status: 'booked',
};

const at = (iso: string) => new Date(iso);

describe('joinAvailability', () => {
  it('is closed 10 minutes and 1 second before the start', () => {
    const availability = joinAvailability(appointment, at('2026-12-04T09:19:59Z'));

    expect(availability).toEqual({ state: 'not-yet', opensAt: at('2026-12-04T09:20:00Z') });
  });

  it('opens exactly 10 minutes before the start', () => {
    expect(isJoinOpen(appointment, at('2026-12-04T09:20:00Z'))).toBe(true);
  });

  it('is open during the appointment', () => {
    expect(isJoinOpen(appointment, at('2026-12-04T09:40:00Z'))).toBe(true);
  });

  it('is open one second before the end', () => {
    expect(isJoinOpen(appointment, at('2026-12-04T09:44:59Z'))).toBe(true);
  });

  it('closes at the end', () => {
    expect(joinAvailability(appointment, at('2026-12-04T09:45:00Z'))).toEqual({ state: 'ended' });
  });

  it('stays closed for a cancelled appointment', () => {
    const cancelled = { ...appointment, status: 'cancelled' as const };

    expect(joinAvailability(cancelled, at('2026-12-04T09:30:00Z'))).toEqual({ state: 'cancelled' });
  });
});
