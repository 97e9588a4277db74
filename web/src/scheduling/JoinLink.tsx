import { Link } from 'react-router-dom';
import type { Appointment } from '../api/types';
import { formatClockTime, localDayKey } from '../shared/time';
import { joinAvailability } from './joinWindow';

/**
 * Renders the "Join consultation" link of one appointment. Outside the join
 * window the link is disabled (`aria-disabled`, no href) with the reason beside it.
 */
export function JoinLink({ appointment, now }: { appointment: Appointment; now: Date }) {
  const availability = joinAvailability(appointment, now);
  if (availability.state === 'open') {
    return (
      <Link className="button" data-testid="join-consultation" to={`/appointments/${appointment.id}/consultation`}>
        Join consultation
      </Link>
    );
  }

  const reason =
    availability.state === 'not-yet'
      ? opensText(availability.opensAt, now)
      : availability.state === 'ended'
        ? 'Ended'
        : 'Cancelled';
  const reasonId = `join-reason-${appointment.id}`;
  return (
    <span className="join">
      <a
        className="button button-disabled"
        role="link"
        aria-disabled="true"
        aria-describedby={reasonId}
        data-testid="join-consultation"
      >
        Join consultation
      </a>
      <span className="join-reason" id={reasonId}>
        {reason}
      </span>
    </span>
  );
}

/** Returns "Opens at 09:20 GMT" today, or "Opens Sat 5 Dec at 00:15 CET" on another day. */
function opensText(opensAt: Date, now: Date): string {
  const time = formatClockTime(opensAt, now);
  return localDayKey(opensAt) === localDayKey(now) ? `Opens at ${time}` : `Opens ${time}`;
}
