import type { Appointment } from '../api/types';

/** The consultation opens this long before `starts_at` (docs/api.md, video consultation). */
export const JOIN_OPENS_BEFORE_START_MS = 10 * 60 * 1000;

export type JoinAvailability =
  | { state: 'open' }
  | { state: 'not-yet'; opensAt: Date }
  | { state: 'ended' }
  | { state: 'cancelled' };

/**
 * Tells whether the consultation of an appointment can be joined at `now`.
 * The window is half-open: it opens 10 minutes before the start and closes
 * at the end, as the server's TURN and signaling routes enforce.
 */
export function joinAvailability(
  appointment: Pick<Appointment, 'starts_at' | 'ends_at' | 'status'>,
  now: Date,
): JoinAvailability {
  if (appointment.status !== 'booked') {
    return { state: 'cancelled' };
  }
  const opensAt = new Date(Date.parse(appointment.starts_at) - JOIN_OPENS_BEFORE_START_MS);
  const closesAt = Date.parse(appointment.ends_at);
  if (now.getTime() < opensAt.getTime()) {
    return { state: 'not-yet', opensAt };
  }
  if (now.getTime() >= closesAt) {
    return { state: 'ended' };
  }
  return { state: 'open' };
}

export function isJoinOpen(appointment: Pick<Appointment, 'starts_at' | 'ends_at' | 'status'>, now: Date): boolean {
  return joinAvailability(appointment, now).state === 'open';
}
