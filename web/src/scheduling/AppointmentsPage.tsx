import { Link } from 'react-router-dom';
import { listAppointments } from '../api/endpoints';
import type { Appointment, User } from '../api/types';
import { useCurrentUser } from '../auth/session';
import { formatTimeRange, localTimeZone } from '../shared/time';
import { ErrorAlert, Loading, PageTitle } from '../shared/ui';
import { useNow } from '../shared/useNow';
import { useResource } from '../shared/useResource';
import { groupByDay } from './dayGroups';
import { JoinLink } from './JoinLink';

// Re-checks the join window this often, so the link enables itself on time
// without a reload. Fifteen seconds is a trade-off between promptness and
// re-rendering the list.
const JOIN_CHECK_INTERVAL_MS = 15_000;

/** Lists the signed-in patient's or clinician's appointments, soonest first. */
export function AppointmentsPage() {
  const user = useCurrentUser();
  const appointments = useResource((signal) => listAppointments(signal), []);
  const now = useNow(JOIN_CHECK_INTERVAL_MS);
  const title = user.role === 'patient' ? 'My appointments' : 'Appointments';

  const all = appointments.data ?? [];
  const upcoming = all.filter((appointment) => Date.parse(appointment.ends_at) > now.getTime());
  const past = all.filter((appointment) => Date.parse(appointment.ends_at) <= now.getTime()).reverse();

  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        Times are in your time zone, {localTimeZone()}. You can join a consultation from 10 minutes before it starts.
      </p>
      <p>
        <button type="button" className="button button-secondary" onClick={appointments.reload}>
          Refresh
        </button>
      </p>
      <ErrorAlert error={appointments.error} />
      {appointments.loading && !appointments.data && <Loading />}
      {appointments.data && (
        <>
          <section aria-labelledby="upcoming-heading">
            <h2 id="upcoming-heading">Upcoming</h2>
            {upcoming.length === 0 ? (
              <p>
                No upcoming appointments.
                {user.role === 'patient' && (
                  <>
                    {' '}
                    <Link to="/book">Book an appointment</Link>.
                  </>
                )}
              </p>
            ) : user.role === 'clinician' ? (
              <UpcomingByDay appointments={upcoming} user={user} now={now} />
            ) : (
              <AppointmentList appointments={upcoming} user={user} now={now} testId="upcoming-appointments" />
            )}
          </section>
          <section aria-labelledby="past-heading">
            <h2 id="past-heading">Past</h2>
            {past.length === 0 ? (
              <p>No past appointments.</p>
            ) : (
              <AppointmentList appointments={past} user={user} now={now} testId="past-appointments" />
            )}
          </section>
        </>
      )}
    </>
  );
}

/**
 * A clinician's upcoming appointments under "Today", "Tomorrow" and then date
 * headings. The outer element keeps the `upcoming-appointments` test id.
 */
function UpcomingByDay({ appointments, user, now }: { appointments: Appointment[]; user: User; now: Date }) {
  return (
    <div data-testid="upcoming-appointments">
      {groupByDay(appointments, now).map((group) => (
        <section key={group.dayKey} aria-labelledby={`day-${group.dayKey}`} data-testid="appointment-day">
          <h3 id={`day-${group.dayKey}`} className="day-heading">
            {group.heading}
          </h3>
          <AppointmentList appointments={group.items} user={user} now={now} />
        </section>
      ))}
    </div>
  );
}

interface AppointmentListProps {
  appointments: Appointment[];
  user: User;
  now: Date;
  testId?: string;
}

function AppointmentList({ appointments, user, now, testId }: AppointmentListProps) {
  return (
    <ul className="item-list" data-testid={testId}>
      {appointments.map((appointment) => {
        const otherParty = user.role === 'patient' ? appointment.clinician : appointment.patient;
        return (
          <li
            key={appointment.id}
            className="item item-appointment"
            data-testid="appointment-row"
            data-appointment-id={appointment.id}
          >
            <div>
              <p className="item-title">{formatTimeRange(appointment.starts_at, appointment.ends_at)}</p>
              <p>
                {user.role === 'patient' ? 'With ' : 'Patient: '}
                {otherParty.display_name}
                {appointment.status === 'cancelled' && <span className="tag tag-cancelled">Cancelled</span>}
              </p>
            </div>
            <div className="item-actions">
              {user.role === 'clinician' && (
                <Link
                  to={`/patients/${appointment.patient.id}/records`}
                  data-testid="patient-records-link"
                  aria-label={`Records for ${appointment.patient.display_name}`}
                >
                  Records
                </Link>
              )}
              {user.role === 'clinician' && (
                <Link
                  to={`/patients/${appointment.patient.id}/history`}
                  data-testid="patient-history-link"
                  aria-label={`Visit history of ${appointment.patient.display_name}`}
                >
                  History
                </Link>
              )}
              <JoinLink appointment={appointment} now={now} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
