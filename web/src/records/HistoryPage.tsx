import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { getTimeline, type TimelineEntry } from '../api/timeline';
import { useCurrentUser } from '../auth/session';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, Loading, PageTitle } from '../shared/ui';
import { useResource } from '../shared/useResource';
import { entryTitle, isUpcoming, statusLabel } from './timelineLabels';

/**
 * Renders a patient's visit history: appointments, consultation notes and
 * prescriptions, newest first. Older entries are added below the list on
 * request, so the entries already read stay where they are.
 */
export function HistoryPage() {
  const { patientId = '' } = useParams();
  const user = useCurrentUser();
  const firstPage = useResource((signal) => getTimeline(patientId, undefined, signal), [patientId]);
  const [older, setOlder] = useState<TimelineEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(undefined);

  useEffect(() => {
    setOlder([]);
    setNext(firstPage.data?.next ?? null);
  }, [firstPage.data]);

  async function showOlder() {
    if (next === null) return;
    setLoadingOlder(true);
    setOlderError(undefined);
    try {
      const page = await getTimeline(patientId, next);
      setOlder((list) => [...list, ...page.entries]);
      setNext(page.next);
    } catch (error) {
      setOlderError(error);
    } finally {
      setLoadingOlder(false);
    }
  }

  const isOwnRecord = user.role === 'patient' && user.id === patientId;
  const title = isOwnRecord ? 'My visit history' : 'Visit history';
  const entries = [...(firstPage.data?.entries ?? []), ...older];
  const now = new Date();

  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        <Link to={`/patients/${patientId}/records`} data-testid="history-records-link">
          {isOwnRecord ? 'Read my notes and prescriptions in full' : 'Open the full records'}
        </Link>
      </p>
      <ErrorAlert error={firstPage.error} testId="history-error" />
      {firstPage.loading && !firstPage.data && <Loading />}
      {firstPage.data && (
        <>
          {entries.length === 0 ? (
            <p data-testid="history-empty">Nothing is recorded yet.</p>
          ) : (
            <ol className="item-list" aria-label="Visit history, newest first" data-testid="history-list">
              {entries.map((entry) => (
                <li key={`${entry.kind}:${entry.id}`} className="item" data-testid="history-entry" data-kind={entry.kind} data-id={entry.id}>
                  <p className="item-title">
                    <span data-testid="history-entry-title">{entryTitle(entry)}</span>
                    <span className={`tag tag-${entry.status}`} data-testid="history-entry-status">
                      {isUpcoming(entry, now) ? 'Upcoming' : statusLabel(entry.status)}
                    </span>
                  </p>
                  <p>
                    <time dateTime={entry.occurred_at}>{formatDateTime(entry.occurred_at)}</time>
                    {' · '}
                    <span data-testid="history-entry-clinician">{entry.clinician.display_name}</span>
                  </p>
                </li>
              ))}
            </ol>
          )}
          <ErrorAlert error={olderError} testId="history-older-error" />
          {next !== null && (
            <button
              type="button"
              className="button button-secondary"
              data-testid="history-older"
              disabled={loadingOlder}
              onClick={() => void showOlder()}
            >
              {loadingOlder ? 'Loading older entries…' : 'Show older entries'}
            </button>
          )}
        </>
      )}
    </>
  );
}
