import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { bookAppointment, listClinicians, listFreeSlots } from '../api/endpoints';
import type { Appointment, Slot } from '../api/types';
import { formatTimeRange, localTimeZone } from '../shared/time';
import { ErrorAlert, FormField, Loading, PageTitle, StatusMessage } from '../shared/ui';
import { useResource } from '../shared/useResource';

/** Patient page: choose a clinician, then book one of their free slots. */
export function BookPage() {
  const clinicians = useResource((signal) => listClinicians(signal), []);
  const [clinicianId, setClinicianId] = useState('');
  const clinicianList = clinicians.data;

  return (
    <>
      <PageTitle title="Book an appointment">Book an appointment</PageTitle>
      <ErrorAlert error={clinicians.error} />
      {clinicians.loading && !clinicianList && <Loading />}
      {clinicianList && clinicianList.length === 0 && <p>No clinicians are available to book yet.</p>}
      {clinicianList && clinicianList.length > 0 && (
        <FormField label="Clinician">
          {(props) => (
            <select
              {...props}
              data-testid="clinician-select"
              value={clinicianId}
              onChange={(event) => setClinicianId(event.target.value)}
            >
              <option value="">Choose a clinician</option>
              {clinicianList.map((clinician) => (
                <option key={clinician.id} value={clinician.id}>
                  {clinician.display_name}
                </option>
              ))}
            </select>
          )}
        </FormField>
      )}
      {clinicianId && <FreeSlots key={clinicianId} clinicianId={clinicianId} />}
    </>
  );
}

function FreeSlots({ clinicianId }: { clinicianId: string }) {
  const slots = useResource((signal) => listFreeSlots(clinicianId, signal), [clinicianId]);
  const [booking, setBooking] = useState<string | undefined>(undefined);
  const [booked, setBooked] = useState<Appointment | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  async function book(slot: Slot) {
    setBooking(slot.id);
    setError(undefined);
    setBooked(undefined);
    try {
      setBooked(await bookAppointment(slot.id));
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) {
        setError('Someone else has just booked that time. Choose another slot.');
      } else {
        setError(failure);
      }
    } finally {
      setBooking(undefined);
      slots.reload();
    }
  }

  return (
    <section aria-labelledby="free-slots-heading">
      <h2 id="free-slots-heading">Free times</h2>
      <p>Times are in your time zone, {localTimeZone()}.</p>
      {booked && (
        <StatusMessage testId="booking-confirmation">
          Booked with {booked.clinician.display_name}: {formatTimeRange(booked.starts_at, booked.ends_at)}.{' '}
          <Link to="/appointments">See my appointments</Link>
        </StatusMessage>
      )}
      <ErrorAlert error={error} testId="booking-error" />
      <ErrorAlert error={slots.error} />
      {slots.loading && !slots.data && <Loading />}
      {slots.data && slots.data.length === 0 && <p>This clinician has no free times. Try another clinician.</p>}
      {slots.data && slots.data.length > 0 && (
        <ul className="item-list" data-testid="free-slots">
          {slots.data.map((slot) => {
            const when = formatTimeRange(slot.starts_at, slot.ends_at);
            return (
              <li key={slot.id} className="item" data-testid="slot-row" data-slot-id={slot.id}>
                <span>{when}</span>
                <button
                  type="button"
                  className="button"
                  data-testid="book-slot"
                  aria-label={`Book ${when}`}
                  disabled={booking !== undefined}
                  onClick={() => void book(slot)}
                >
                  {booking === slot.id ? 'Booking…' : 'Book'}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
