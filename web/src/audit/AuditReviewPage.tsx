import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  EMPTY_FILTERS,
  exportAuditEvents,
  listAuditEvents,
  type AuditEvent,
  type AuditFilters,
} from '../api/audit';
import { splitApiError } from '../shared/fieldErrors';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, FormField, Loading, PageTitle, StatusMessage, focusFirstInvalid } from '../shared/ui';
import { useResource } from '../shared/useResource';

const FILTER_FIELDS = ['patient_id', 'actor_id', 'event_type', 'outcome', 'from', 'to', 'flagged'] as const;
type FilterField = (typeof FILTER_FIELDS)[number];

/** The form's values: times are datetime-local text in the browser's time zone. */
type FormValues = AuditFilters;

/** Converts a datetime-local value to RFC 3339 in UTC with whole seconds, or '' when empty. */
export function localInputToRfc3339(value: string): string {
  if (value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toFilters(values: FormValues): AuditFilters {
  return {
    ...values,
    patient_id: values.patient_id.trim(),
    actor_id: values.actor_id.trim(),
    event_type: values.event_type.trim(),
    from: localInputToRfc3339(values.from),
    to: localInputToRfc3339(values.to),
  };
}

/** Auditor page: search the audit log, flagged events first, page through it and export it. */
export function AuditReviewPage() {
  const [values, setValues] = useState<FormValues>(EMPTY_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_FILTERS);
  // The cursors of the pages before the current one, so "Previous" can return.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useResource((signal) => listAuditEvents(filters, cursor, signal), [filters, cursor]);
  const form = useRef<HTMLFormElement>(null);

  const split = splitApiError(page.error, FILTER_FIELDS);
  const fieldErrors = split.fieldErrors;
  const hasFieldError = Object.keys(fieldErrors).length > 0;
  useEffect(() => {
    if (hasFieldError) focusFirstInvalid(form.current);
  }, [page.error, hasFieldError]);

  function update(field: FilterField, value: string) {
    setValues((current) => ({ ...current, [field]: value }));
  }

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFilters(toFilters(values));
    setCursors([undefined]);
  }

  function clear() {
    setValues(EMPTY_FILTERS);
    setFilters(EMPTY_FILTERS);
    setCursors([undefined]);
  }

  return (
    <>
      <PageTitle title="Audit review">Audit review</PageTitle>
      <p>
        Every access to patient records, sign-in and administrative action is in this log. Flagged events come first:
        accesses inside an emergency (break-glass) episode and denied attempts. Within each group the newest come first.
        Your searches and exports are recorded in the log too.
      </p>
      <form ref={form} onSubmit={search} noValidate aria-labelledby="filters-heading" className="audit-filters">
        <h2 id="filters-heading">Filters</h2>
        <div className="filter-grid">
          <FormField label="Patient id" hint="The patient's user id (a UUID)." error={fieldErrors.patient_id}>
            {(props) => <input {...props} data-testid="audit-filter-patient" value={values.patient_id} onChange={(e) => update('patient_id', e.target.value)} />}
          </FormField>
          <FormField label="Actor id" hint="The user id of who acted." error={fieldErrors.actor_id}>
            {(props) => <input {...props} data-testid="audit-filter-actor" value={values.actor_id} onChange={(e) => update('actor_id', e.target.value)} />}
          </FormField>
          <FormField label="Event type" hint="Exact, such as records.read, or a prefix ending in a dot, such as auth." error={fieldErrors.event_type}>
            {(props) => <input {...props} data-testid="audit-filter-event-type" value={values.event_type} onChange={(e) => update('event_type', e.target.value)} />}
          </FormField>
          <FormField label="Outcome" error={fieldErrors.outcome}>
            {(props) => (
              <select {...props} data-testid="audit-filter-outcome" value={values.outcome} onChange={(e) => update('outcome', e.target.value)}>
                <option value="">Any outcome</option>
                <option value="allowed">Allowed</option>
                <option value="denied">Denied</option>
                <option value="failed">Failed</option>
              </select>
            )}
          </FormField>
          <FormField label="Flagged" error={fieldErrors.flagged}>
            {(props) => (
              <select {...props} data-testid="audit-filter-flagged" value={values.flagged} onChange={(e) => update('flagged', e.target.value)}>
                <option value="">Flagged and not flagged</option>
                <option value="true">Flagged only</option>
                <option value="false">Not flagged only</option>
              </select>
            )}
          </FormField>
          <FormField label="From" hint="Your local time; included." error={fieldErrors.from}>
            {(props) => <input {...props} type="datetime-local" step="1" data-testid="audit-filter-from" value={values.from} onChange={(e) => update('from', e.target.value)} />}
          </FormField>
          <FormField label="To" hint="Your local time; not included." error={fieldErrors.to}>
            {(props) => <input {...props} type="datetime-local" step="1" data-testid="audit-filter-to" value={values.to} onChange={(e) => update('to', e.target.value)} />}
          </FormField>
        </div>
        <div className="table-actions">
          <button type="submit" className="button" data-testid="audit-search">
            Search
          </button>
          <button type="button" className="button button-secondary" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>

      <ExportPanel filters={filters} />

      <section aria-labelledby="results-heading">
        <h2 id="results-heading">Events</h2>
        <ErrorAlert error={split.formError} testId="audit-error" />
        {page.loading && <Loading>Searching the audit log…</Loading>}
        {page.data && !page.error && (
          <>
            {page.data.events.length === 0 ? (
              <p data-testid="audit-empty">No event matches these filters.</p>
            ) : (
              <EventsTable events={page.data.events} />
            )}
            <nav aria-label="Pages of events" className="table-actions">
              <button
                type="button"
                className="button button-secondary"
                data-testid="audit-previous"
                disabled={cursors.length === 1}
                onClick={() => setCursors((list) => list.slice(0, -1))}
              >
                Previous page
              </button>
              <span>Page {cursors.length}</span>
              <button
                type="button"
                className="button button-secondary"
                data-testid="audit-next"
                disabled={page.data.next === null}
                onClick={() => {
                  const next = page.data?.next;
                  if (next) setCursors((list) => [...list, next]);
                }}
              >
                Next page
              </button>
            </nav>
          </>
        )}
      </section>
    </>
  );
}

function flagText(event: AuditEvent): string {
  const reasons = event.flag_reasons.map((reason) => (reason === 'break_glass' ? 'break-glass' : 'denied'));
  return `Flagged: ${reasons.join(', ')}`;
}

function EventsTable({ events }: { events: AuditEvent[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table audit-table" data-testid="audit-table">
        <caption className="visually-hidden">Audit events, flagged first, then newest first</caption>
        <thead>
          <tr>
            <th scope="col">Flag</th>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Outcome</th>
            <th scope="col">Actor</th>
            <th scope="col">Patient id</th>
            <th scope="col">Record</th>
            <th scope="col">Client</th>
            <th scope="col">Ids</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr
              key={event.id}
              className={event.flagged ? 'row-flagged' : undefined}
              data-testid="audit-row"
              data-event-id={event.id}
              data-flagged={event.flagged ? 'true' : 'false'}
            >
              <td data-testid="audit-row-flag">{event.flagged ? <strong>{flagText(event)}</strong> : 'None'}</td>
              <td>{formatDateTime(event.occurred_at)}</td>
              <td data-testid="audit-row-type">{event.event_type}</td>
              <td data-testid="audit-row-outcome">{event.outcome}</td>
              <td data-testid="audit-row-actor">
                {event.actor_display_name ?? 'Unknown'}
                {event.actor_role && ` (${event.actor_role})`}
                {event.actor_id && <div className="audit-id">{event.actor_id}</div>}
              </td>
              <td className="audit-id">{event.patient_id ?? ''}</td>
              <td>
                {event.record_type ?? ''}
                {event.record_id && <div className="audit-id">{event.record_id}</div>}
              </td>
              <td>
                {event.client_ip ?? ''}
                {event.user_agent && <div className="audit-id">{event.user_agent}</div>}
              </td>
              <td className="audit-id">
                <div>
                  Event {event.id} ({event.chain} #{event.seq})
                </div>
                {event.request_id && <div>Request {event.request_id}</div>}
                {event.break_glass_id && <div>Break-glass episode {event.break_glass_id}</div>}
                {event.result_ids && <div>Returned {event.result_ids.length} ids</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Export buttons for the filters of the last search; an export contains at most 10 000 events. */
function ExportPanel({ filters }: { filters: AuditFilters }) {
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [next, setNext] = useState<{ format: 'csv' | 'json'; cursor: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function download(format: 'csv' | 'json', cursor?: string) {
    setError(undefined);
    setStatus(undefined);
    setBusy(true);
    try {
      const result = await exportAuditEvents(filters, format, cursor);
      const url = URL.createObjectURL(result.blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = result.filename;
      link.click();
      URL.revokeObjectURL(url);
      setNext(result.next ? { format, cursor: result.next } : undefined);
      setStatus(
        result.next
          ? `Saved ${result.filename}. More events match than one export contains; export the next part to continue.`
          : `Saved ${result.filename}.`,
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      <p>Exports the events of the last search, in the same order, up to 10 000 events a file.</p>
      <ErrorAlert error={error} testId="audit-export-error" />
      {status && <StatusMessage testId="audit-export-status">{status}</StatusMessage>}
      <div className="table-actions">
        <button type="button" className="button button-secondary" data-testid="audit-export-csv" disabled={busy} onClick={() => void download('csv')}>
          Export CSV
        </button>
        <button type="button" className="button button-secondary" data-testid="audit-export-json" disabled={busy} onClick={() => void download('json')}>
          Export JSON
        </button>
        {next && (
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => void download(next.format, next.cursor)}>
            Export the next part
          </button>
        )}
      </div>
    </section>
  );
}
