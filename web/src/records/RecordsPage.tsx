import { useCallback, useState } from 'react';
import { useParams } from 'react-router-dom';
import { getPatientRecords } from '../api/endpoints';
import type { Encounter, PatientRecords, User } from '../api/types';
import { useCurrentUser } from '../auth/session';
import { formatTimeRange, localTimeZone } from '../shared/time';
import { ErrorAlert, Loading, PageTitle } from '../shared/ui';
import { useUnsavedChangesGuard, useUnsavedForms } from '../shared/unsavedChanges';
import { useResource } from '../shared/useResource';
import { EncounterForm } from './EncounterForm';
import { NoteItem } from './notes/NoteItem';
import { PrescriptionForm } from './PrescriptionForm';
import { PrescriptionItem } from './prescriptions/PrescriptionItem';

/**
 * Renders a patient's visit history: appointments, encounter notes and
 * prescriptions. A treating clinician also gets forms to add a note or a
 * prescription.
 */
export function RecordsPage() {
  const { patientId = '' } = useParams();
  const user = useCurrentUser();
  const records = useResource((signal) => getPatientRecords(patientId, signal), [patientId]);
  const unsavedForms = useUnsavedForms();
  useUnsavedChangesGuard(unsavedForms.hasUnsavedChanges);
  const [editingDraft, setEditingDraft] = useState<Encounter | undefined>(undefined);
  const isOwnRecord = user.role === 'patient' && user.id === patientId;
  const title = isOwnRecord
    ? 'My records'
    : records.data
      ? `Records for ${records.data.patient.display_name}`
      : 'Patient records';

  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <ErrorAlert error={records.error} testId="records-error" />
      {records.loading && !records.data && <Loading />}
      {records.data && (
        <>
          {user.role === 'clinician' && (
            <ClinicianForms
              records={records.data}
              user={user}
              draft={editingDraft}
              onSaved={() => {
                setEditingDraft(undefined);
                records.reload();
              }}
              onUnsavedChange={unsavedForms.report}
            />
          )}
          <RecordLists
            records={records.data}
            user={user}
            onEditDraft={setEditingDraft}
            onChanged={records.reload}
            onUnsavedChange={unsavedForms.report}
          />
        </>
      )}
    </>
  );
}

interface ClinicianFormsProps {
  records: PatientRecords;
  user: User;
  draft: Encounter | undefined;
  onSaved: () => void;
  onUnsavedChange: (form: string, unsaved: boolean) => void;
}

function ClinicianForms({ records, user, draft, onSaved, onUnsavedChange }: ClinicianFormsProps) {
  const reportNote = useCallback((unsaved: boolean) => onUnsavedChange('note', unsaved), [onUnsavedChange]);
  const reportPrescription = useCallback(
    (unsaved: boolean) => onUnsavedChange('prescription', unsaved),
    [onUnsavedChange],
  );
  // Notes and prescriptions belong to one of this clinician's own booked
  // appointments with the patient.
  const ownAppointments = records.appointments.filter(
    (appointment) => appointment.clinician.id === user.id && appointment.status === 'booked',
  );
  if (ownAppointments.length === 0) {
    return <p>You have no booked appointment with this patient, so you cannot add to the record.</p>;
  }
  const choice = { kind: 'select', appointments: ownAppointments } as const;
  return (
    <div className="two-columns">
      <EncounterForm
        key={draft?.id ?? 'new'}
        patientId={records.patient.id}
        appointmentChoice={choice}
        draft={draft}
        onSaved={onSaved}
        onUnsavedChange={reportNote}
      />
      <PrescriptionForm
        patientId={records.patient.id}
        appointmentChoice={choice}
        onSaved={onSaved}
        onUnsavedChange={reportPrescription}
      />
    </div>
  );
}

interface RecordListsProps {
  records: PatientRecords;
  user: User;
  onEditDraft: (note: Encounter) => void;
  onChanged: () => void;
  onUnsavedChange: (form: string, unsaved: boolean) => void;
}

function RecordLists({ records, user, onEditDraft, onChanged, onUnsavedChange }: RecordListsProps) {
  // A clinician who may write in the record may also amend its signed notes.
  const canAmend =
    user.role === 'clinician' &&
    records.appointments.some((appointment) => appointment.clinician.id === user.id && appointment.status === 'booked');
  const appointmentsById = new Map(records.appointments.map((appointment) => [appointment.id, appointment]));
  return (
    <>
      <p>Times are in your time zone, {localTimeZone()}.</p>
      <section aria-labelledby="records-appointments-heading">
        <h2 id="records-appointments-heading">Appointments</h2>
        {records.appointments.length === 0 ? (
          <p>No appointments.</p>
        ) : (
          <ul className="item-list" data-testid="records-appointments">
            {records.appointments.map((appointment) => (
              <li key={appointment.id} className="item" data-testid="records-appointment-item" data-appointment-id={appointment.id}>
                <span>{formatTimeRange(appointment.starts_at, appointment.ends_at)}</span>
                <span>
                  {appointment.clinician.display_name}
                  {appointment.status === 'cancelled' && <span className="tag tag-cancelled">Cancelled</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="records-encounters-heading">
        <h2 id="records-encounters-heading">Encounter notes</h2>
        {records.encounters.length === 0 ? (
          <p>No encounter notes.</p>
        ) : (
          <ul className="item-list" data-testid="records-encounters">
            {records.encounters.map((encounter) => (
              <NoteItem
                key={encounter.id}
                patientId={records.patient.id}
                note={encounter}
                appointment={appointmentsById.get(encounter.appointment_id)}
                user={user}
                canAmend={canAmend}
                onEditDraft={onEditDraft}
                onChanged={onChanged}
                onUnsavedChange={onUnsavedChange}
              />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="records-prescriptions-heading">
        <h2 id="records-prescriptions-heading">Prescriptions</h2>
        {records.prescriptions.length === 0 ? (
          <p>No prescriptions.</p>
        ) : (
          <ul className="item-list" data-testid="records-prescriptions">
            {records.prescriptions.map((prescription) => (
              <PrescriptionItem
                key={prescription.id}
                patientId={records.patient.id}
                prescription={prescription}
                appointment={appointmentsById.get(prescription.appointment_id)}
                canCancel={user.role === 'clinician'}
                onChanged={onChanged}
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
