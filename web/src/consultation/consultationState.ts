// Pure rules for what the consultation page shows around the call itself:
// the end of the appointment, a participant who left, and why joining failed.
import { ApiError, describeError } from '../api/client';
import type { Appointment } from '../api/types';
import { JOIN_OPENS_BEFORE_START_MS } from '../scheduling/joinWindow';
import { formatWhen, type TimeFormatOptions } from '../shared/time';

/** After the other participant has been gone this long, the patient is told they can close the page. */
export const PEER_GONE_NOTICE_AFTER_MS = 30_000;

/**
 * What the page shows: the live call, the notice that the clinician has gone
 * (patients only, because a clinician may still be writing notes) or the end
 * of the consultation.
 */
export type ConsultationPhase = 'in-call' | 'peer-gone' | 'ended';

export interface PhaseInput {
  role: 'patient' | 'clinician';
  /** The appointment's `ends_at`, when the appointment has loaded. */
  endsAt: string | undefined;
  /** When the other participant left and has not joined again since, else undefined. */
  peerLeftAt: Date | undefined;
  now: Date;
}

export function consultationPhase({ role, endsAt, peerLeftAt, now }: PhaseInput): ConsultationPhase {
  if (endsAt !== undefined && now.getTime() >= Date.parse(endsAt)) {
    return 'ended';
  }
  if (role === 'patient' && peerLeftAt && now.getTime() - peerLeftAt.getTime() >= PEER_GONE_NOTICE_AFTER_MS) {
    return 'peer-gone';
  }
  return 'in-call';
}

/**
 * Why the call could not start. `outside-window` is a 403 from the TURN route
 * or a WebSocket that the server closed before it opened, `not-found` a 404.
 */
export type CallFailure =
  | { kind: 'outside-window' }
  | { kind: 'not-found' }
  | { kind: 'other'; message: string };

/** Sorts an error of the TURN request into a CallFailure. */
export function classifyTurnError(error: unknown): CallFailure {
  if (error instanceof ApiError && error.status === 404) {
    return { kind: 'not-found' };
  }
  if (error instanceof ApiError && error.status === 403 && error.code !== 'mfa_required') {
    return { kind: 'outside-window' };
  }
  return { kind: 'other', message: describeError(error) };
}

/**
 * Returns the sentence for a CallFailure. The join window comes from the
 * appointment (10 minutes before the start until the end) rather than from
 * the server's message, so it is shown in the person's own time zone.
 */
export function describeCallFailure(
  failure: CallFailure,
  appointment: Pick<Appointment, 'starts_at' | 'ends_at'> | undefined,
  now: Date,
  format: TimeFormatOptions = {},
): string {
  switch (failure.kind) {
    case 'not-found':
      return 'This consultation was not found, or it is not yours.';
    case 'other':
      return failure.message;
    case 'outside-window': {
      if (!appointment) {
        return 'This consultation is not open now. You can join from 10 minutes before the start until the end of the appointment.';
      }
      const opensAt = new Date(Date.parse(appointment.starts_at) - JOIN_OPENS_BEFORE_START_MS);
      const closesAt = new Date(appointment.ends_at);
      return (
        `This consultation opens ${formatWhen(opensAt, now, format)} (10 minutes before the start) ` +
        `and closes ${formatWhen(closesAt, now, format)}.`
      );
    }
  }
}
