import { useState } from 'react';
import { getAccessReport, type AccessReportEntry } from '../api/audit';
import { useCurrentUser } from '../auth/session';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, Loading, PageTitle } from '../shared/ui';
import { useResource } from '../shared/useResource';

const ROLE_LABELS: Record<string, string> = {
  clinician: 'Clinician',
  admin: 'Clinic administrator',
  auditor: 'Compliance auditor',
  patient: 'Patient',
};

function roleLabel(role: string | null): string {
  if (role === null) return 'Unknown role';
  return ROLE_LABELS[role] ?? role;
}

/** Patient page: who accessed their record, when and why, newest first, a page at a time. */
export function AccessReportPage() {
  const user = useCurrentUser();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const report = useResource((signal) => getAccessReport(user.id, cursor, signal), [user.id, cursor]);

  return (
    <>
      <PageTitle title="Who has accessed my record">Who has accessed my record</PageTitle>
      <p>
        Each time someone at the clinic views or changes your record, joins your video consultation or opens your
        record in an emergency, it is listed here with who it was, when, and why they could. Your own visits to your
        record are not listed, nor attempts that were refused, because nothing was shown to anyone then.
      </p>
      {report.error !== undefined && <ErrorAlert error={report.error} testId="access-report-error" />}
      {report.loading && <Loading />}
      {report.data && !report.loading && (
        <>
          {report.data.entries.length === 0 ? (
            <p data-testid="access-report-empty">No one else has accessed your record.</p>
          ) : (
            <ReportTable entries={report.data.entries} />
          )}
          <nav aria-label="Pages of the access report" className="table-actions">
            <button
              type="button"
              className="button button-secondary"
              disabled={cursors.length === 1}
              onClick={() => setCursors((list) => list.slice(0, -1))}
            >
              Newer accesses
            </button>
            <span>Page {cursors.length}</span>
            <button
              type="button"
              className="button button-secondary"
              data-testid="access-report-next"
              disabled={report.data.next === null}
              onClick={() => {
                const next = report.data?.next;
                if (next) setCursors((list) => [...list, next]);
              }}
            >
              Older accesses
            </button>
          </nav>
        </>
      )}
    </>
  );
}

function ReportTable({ entries }: { entries: AccessReportEntry[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="access-report-table">
        <caption className="visually-hidden">Accesses to your record, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Role</th>
            <th scope="col">Clinic</th>
            <th scope="col">What they did</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr
              key={entry.id}
              className={entry.emergency ? 'row-flagged' : undefined}
              data-testid="access-entry"
              data-event-id={entry.id}
              data-occurred-at={entry.occurred_at}
            >
              <td data-testid="access-entry-time">
                <time dateTime={entry.occurred_at}>{formatDateTime(entry.occurred_at)}</time>
              </td>
              <td data-testid="access-entry-who">{entry.who.display_name ?? 'Unknown person'}</td>
              <td data-testid="access-entry-role">{roleLabel(entry.who.role)}</td>
              <td data-testid="access-entry-clinic">{entry.clinic}</td>
              <td data-testid="access-entry-action">{entry.action}</td>
              <td data-testid="access-entry-reason">
                {entry.emergency && <strong>Emergency access. </strong>}
                {entry.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
