import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import {
  BREAK_GLASS_REASONS,
  listOwnEpisodes,
  reasonLabel,
  searchPatientForBreakGlass,
  startBreakGlass,
  type BreakGlassEpisode,
} from '../api/admin';
import { ApiError } from '../api/client';
import type { PersonRef } from '../api/types';
import { splitApiError, type FieldErrors } from '../shared/fieldErrors';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, FormField, Loading, PageTitle, StatusMessage } from '../shared/ui';
import { useResource } from '../shared/useResource';

/**
 * Clinician page: emergency access (break-glass) to the record of a patient
 * the clinician does not treat. The patient is found by exact email only, and
 * access needs a reason and a justification; both are audited and reviewed.
 */
export function BreakGlassPage() {
  const episodes = useResource((signal) => listOwnEpisodes(signal), []);
  const [patient, setPatient] = useState<PersonRef | undefined>(undefined);
  const [started, setStarted] = useState<BreakGlassEpisode | undefined>(undefined);

  return (
    <>
      <PageTitle title="Emergency access (break-glass)">Emergency access (break-glass)</PageTitle>
      <div className="alert alert-info">
        <p>
          Use this only when a patient needs care now and you have no appointment with them. Access lasts a limited time,
          covers one patient, and every action in it is recorded and reviewed by an administrator.
        </p>
      </div>

      {started ? (
        <section aria-labelledby="started-heading" className="panel">
          <h2 id="started-heading">Access granted</h2>
          <StatusMessage testId="break-glass-started">
            You have access to the record of {started.patient.display_name} until {formatDateTime(started.expires_at)}.
          </StatusMessage>
          <p>
            <Link to={`/patients/${started.patient.id}/records`} data-testid="break-glass-open-record">
              Open the record of {started.patient.display_name}
            </Link>
          </p>
        </section>
      ) : patient ? (
        <RequestForm
          patient={patient}
          onCancel={() => setPatient(undefined)}
          onStarted={(episode) => {
            setStarted(episode);
            episodes.reload();
          }}
        />
      ) : (
        <SearchForm onFound={setPatient} />
      )}

      <section aria-labelledby="active-heading">
        <h2 id="active-heading">Your active emergency access</h2>
        <ErrorAlert error={episodes.error} />
        {episodes.loading && !episodes.data && <Loading />}
        {episodes.data && episodes.data.length === 0 && <p>You have no active emergency access.</p>}
        {episodes.data && episodes.data.length > 0 && (
          <ul className="item-list" data-testid="break-glass-active">
            {episodes.data.map((episode) => (
              <li key={episode.id} className="item">
                <Link to={`/patients/${episode.patient.id}/records`}>{episode.patient.display_name}</Link>
                <span>
                  {reasonLabel(episode.reason)}, until {formatDateTime(episode.expires_at)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function SearchForm({ onFound }: { onFound: (patient: PersonRef) => void }) {
  const [email, setEmail] = useState('');
  const [emailError, setEmailError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    if (email.trim() === '') {
      setEmailError("Enter the patient's email address exactly.");
      return;
    }
    setEmailError(undefined);
    setSubmitting(true);
    try {
      onFound((await searchPatientForBreakGlass(email.trim())).patient);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) {
        setEmailError('No patient has exactly this email address. Check it and try again.');
      } else {
        setFormError(failure);
      }
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <section aria-labelledby="search-heading" className="panel">
      <h2 id="search-heading">Find the patient</h2>
      <ErrorAlert error={formError} />
      <form onSubmit={handleSubmit} noValidate>
        <FormField
          label="Patient's email address"
          hint="The whole address, exactly. Search by part of a name or address is not possible, and every search is recorded."
          error={emailError}
        >
          {(props) => (
            <input
              {...props}
              data-testid="break-glass-email"
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </FormField>
        <button type="submit" className="button" data-testid="break-glass-search" disabled={submitting}>
          {submitting ? 'Searching…' : 'Find patient'}
        </button>
      </form>
    </section>
  );
}

type RequestField = 'reason' | 'justification';

function RequestForm({
  patient,
  onCancel,
  onStarted,
}: {
  patient: PersonRef;
  onCancel: () => void;
  onStarted: (episode: BreakGlassEpisode) => void;
}) {
  const [reason, setReason] = useState('');
  const [justification, setJustification] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<RequestField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    const errors: FieldErrors<RequestField> = {};
    if (reason === '') errors.reason = 'Choose the reason for emergency access.';
    if (justification.trim().split(/\s+/).filter(Boolean).length < 4) {
      errors.justification = 'Write at least 4 words saying why you need this record now.';
    }
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setSubmitting(true);
    try {
      onStarted(await startBreakGlass(patient.id, reason, justification.trim()));
    } catch (failure) {
      const split = splitApiError(failure, ['reason', 'justification'] as const);
      setFieldErrors(split.fieldErrors);
      setFormError(split.formError);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <section aria-labelledby="request-heading" className="panel">
      <h2 id="request-heading">Request access to the record of {patient.display_name}</h2>
      <ErrorAlert error={formError} testId="break-glass-error" />
      <form onSubmit={handleSubmit} noValidate>
        <FormField label="Reason" error={fieldErrors.reason}>
          {(props) => (
            <select {...props} data-testid="break-glass-reason" required value={reason} onChange={(event) => setReason(event.target.value)}>
              <option value="">Choose a reason</option>
              {BREAK_GLASS_REASONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField
          label="Justification"
          hint="At least 4 words. An administrator reads this when reviewing the access."
          error={fieldErrors.justification}
        >
          {(props) => (
            <textarea
              {...props}
              data-testid="break-glass-justification"
              rows={4}
              required
              value={justification}
              onChange={(event) => setJustification(event.target.value)}
            />
          )}
        </FormField>
        <div className="form-actions">
          <button type="submit" className="button button-danger" data-testid="break-glass-submit" disabled={submitting}>
            {submitting ? 'Requesting…' : 'Get emergency access'}
          </button>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Choose another patient
          </button>
        </div>
      </form>
    </section>
  );
}
