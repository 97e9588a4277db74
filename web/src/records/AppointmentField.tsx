import type { Appointment } from '../api/types';
import { formatTimeRange } from '../shared/time';
import { FormField } from '../shared/ui';

export type AppointmentChoice =
  /** The form belongs to one appointment, as on the consultation page. */
  | { kind: 'fixed'; appointment: Appointment }
  /** The clinician picks one of these, as on the records page. */
  | { kind: 'select'; appointments: Appointment[] };

interface AppointmentFieldProps {
  choice: AppointmentChoice;
  value: string;
  onChange: (appointmentId: string) => void;
  error: string | undefined;
  testId: string;
}

/** Renders the appointment a note or prescription is for: a select, or fixed text on the consultation page. */
export function AppointmentField({ choice, value, onChange, error, testId }: AppointmentFieldProps) {
  if (choice.kind === 'fixed') {
    return (
      <p className="field-fixed">
        For the appointment {formatTimeRange(choice.appointment.starts_at, choice.appointment.ends_at)}.
        {error && (
          <span className="field-error" role="alert">
            {' '}
            {error}
          </span>
        )}
      </p>
    );
  }

  return (
    <FormField label="Appointment" error={error}>
      {(props) => (
        <select {...props} data-testid={testId} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">Choose an appointment</option>
          {choice.appointments.map((appointment) => (
            <option key={appointment.id} value={appointment.id}>
              {formatTimeRange(appointment.starts_at, appointment.ends_at)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

/** Returns the appointment to preselect: the one whose start is nearest to now. */
export function nearestAppointmentId(appointments: Appointment[], now: Date): string {
  let nearest: Appointment | undefined;
  for (const appointment of appointments) {
    const distance = Math.abs(Date.parse(appointment.starts_at) - now.getTime());
    if (!nearest || distance < Math.abs(Date.parse(nearest.starts_at) - now.getTime())) {
      nearest = appointment;
    }
  }
  return nearest?.id ?? '';
}

export function initialAppointmentId(choice: AppointmentChoice): string {
  return choice.kind === 'fixed' ? choice.appointment.id : nearestAppointmentId(choice.appointments, new Date());
}
