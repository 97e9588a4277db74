import { useEffect, useRef, useState, type FormEvent } from 'react';
import { cancelPrescription, getPrescriptionVersions } from '../../api/endpoints';
import type { Appointment, Prescription, PrescriptionVersion } from '../../api/types';
import { splitApiError } from '../../shared/fieldErrors';
import { formatDateTime, formatTimeRange } from '../../shared/time';
import { ErrorAlert, FormField, Loading, focusFirstInvalid } from '../../shared/ui';
import { prescriptionSummary } from '../prescriptionForm';

interface PrescriptionItemProps {
  patientId: string;
  prescription: Prescription;
  appointment: Appointment | undefined;
  /** True for a clinician, who may try to cancel; the server decides. */
  canCancel: boolean;
  onChanged: () => void;
}

/** Shows one prescription of a patient's record with its history, and for clinicians a cancel form. */
export function PrescriptionItem({ patientId, prescription, appointment, canCancel, onChanged }: PrescriptionItemProps) {
  const cancelled = prescription.status === 'cancelled';
  return (
    <li
      className="item item-block"
      data-testid="prescription-item"
      data-prescription-id={prescription.id}
      data-status={prescription.status}
    >
      <p className="item-title">
        {prescription.drug}
        {prescription.drug_code === null && ` ${prescription.strength} ${prescription.form}`}
        {cancelled && <span className="tag tag-cancelled">Cancelled</span>}
      </p>
      <p data-testid="prescription-summary">{prescriptionSummary(prescription)}</p>
      <dl className="facts">
        {prescription.drug_code !== null && (
          <>
            <dt>Repeats</dt>
            <dd>{prescription.repeats}</dd>
            <dt>Instructions</dt>
            <dd className="note-text" data-testid="prescription-instructions-text">
              {prescription.instructions || 'None'}
            </dd>
            <dt>RxNorm code</dt>
            <dd>{prescription.drug_code}</dd>
          </>
        )}
        <dt>Prescriber</dt>
        <dd>
          {prescription.clinician.display_name}, {formatDateTime(prescription.created_at)}
        </dd>
      </dl>
      {appointment && <p className="item-meta">Appointment {formatTimeRange(appointment.starts_at, appointment.ends_at)}</p>}
      <VersionHistory patientId={patientId} prescriptionId={prescription.id} revision={prescription.status} />
      {canCancel && !cancelled && (
        <CancelForm patientId={patientId} prescriptionId={prescription.id} onCancelled={onChanged} />
      )}
    </li>
  );
}

function CancelForm({
  patientId,
  prescriptionId,
  onCancelled,
}: {
  patientId: string;
  prescriptionId: string;
  onCancelled: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);
  const form = useRef<HTMLFormElement>(null);

  // As in PrescriptionForm: focus once the error is rendered.
  useEffect(() => {
    if (focusRequest > 0) focusFirstInvalid(form.current);
  }, [focusRequest]);

  if (!open) {
    return (
      <button type="button" className="button button-secondary" data-testid="prescription-cancel-open" onClick={() => setOpen(true)}>
        Cancel this prescription
      </button>
    );
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    if (!reason.trim()) {
      setReasonError('Say why the prescription is cancelled.');
      setFocusRequest((count) => count + 1);
      return;
    }
    setReasonError(undefined);
    setSubmitting(true);
    try {
      await cancelPrescription(patientId, prescriptionId, reason);
      setOpen(false);
      onCancelled();
    } catch (failure) {
      const split = splitApiError(failure, ['reason'] as const);
      setFormError(split.formError);
      setReasonError(split.fieldErrors.reason);
      setFocusRequest((count) => count + 1);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form ref={form} onSubmit={handleSubmit} noValidate className="inline-form" aria-label="Cancel this prescription">
      <ErrorAlert error={formError} testId="prescription-cancel-error" />
      <FormField label="Reason for cancelling" hint="The patient can read the reason." error={reasonError}>
        {(props) => (
          <textarea
            {...props}
            data-testid="prescription-cancel-reason"
            rows={2}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        )}
      </FormField>
      <button type="submit" className="button" data-testid="prescription-cancel-submit" disabled={submitting}>
        {submitting ? 'Cancelling…' : 'Cancel prescription'}
      </button>{' '}
      <button type="button" className="button button-secondary" onClick={() => setOpen(false)}>
        Keep it
      </button>
    </form>
  );
}

function VersionHistory({
  patientId,
  prescriptionId,
  revision,
}: {
  patientId: string;
  prescriptionId: string;
  /** Changes when the prescription does, so an open history is loaded again. */
  revision: string;
}) {
  const [open, setOpen] = useState(false);
  const [versions, setVersions] = useState<PrescriptionVersion[] | undefined>(undefined);
  const [loadedRevision, setLoadedRevision] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const headingId = `prescription-history-${prescriptionId}`;

  async function load() {
    setError(undefined);
    try {
      setVersions(await getPrescriptionVersions(patientId, prescriptionId));
      setLoadedRevision(revision);
    } catch (failure) {
      setError(failure);
    }
  }

  function toggle() {
    const opening = !open;
    setOpen(opening);
    if (opening && (versions === undefined || loadedRevision !== revision)) void load();
  }

  return (
    <div>
      <button
        type="button"
        className="button button-secondary"
        data-testid="prescription-history-toggle"
        aria-expanded={open}
        onClick={toggle}
      >
        {open ? 'Hide history' : 'Show history'}
      </button>
      {open && (
        <section aria-labelledby={headingId}>
          <h3 id={headingId}>History</h3>
          <ErrorAlert error={error} testId="prescription-history-error" />
          {!versions && !error && <Loading />}
          {versions && (
            <ol className="item-list" data-testid="prescription-history">
              {versions.map((version) => (
                <li key={version.version} className="item item-block" data-testid="prescription-version" data-version={version.version}>
                  <p className="item-title">
                    Version {version.version}: {version.action === 'issued' ? 'issued' : 'cancelled'} by{' '}
                    {version.actor.display_name}, {formatDateTime(version.created_at)}
                  </p>
                  <p>{prescriptionSummary(version.prescription)}</p>
                  {version.cancel_reason !== null && (
                    <p className="note-text" data-testid="prescription-version-reason">
                      Reason: {version.cancel_reason}
                    </p>
                  )}
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </div>
  );
}
