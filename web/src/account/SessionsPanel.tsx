import { useCallback, useEffect, useState } from 'react';
import { endSession, listSessions } from '../api/endpoints';
import type { SessionSummary } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorAlert, Loading, StatusMessage } from '../shared/ui';

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Lists the user's sessions and lets them end any one, this one included. */
export function SessionsPanel() {
  const { expire } = useSession();
  const [sessions, setSessions] = useState<SessionSummary[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setSessions(await listSessions(signal));
    } catch (failure) {
      if (!signal?.aborted) setError(failure);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  async function end(session: SessionSummary) {
    setError(undefined);
    try {
      await endSession(session.id);
      if (session.current) {
        await expire('You ended this session.');
        return;
      }
      setNotice('The session has ended.');
      await load();
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      <ErrorAlert error={error} />
      {notice && <StatusMessage>{notice}</StatusMessage>}
      {sessions === undefined ? (
        <Loading>Loading your sessions…</Loading>
      ) : (
        <table className="session-list" data-testid="session-list">
          <thead>
            <tr>
              <th scope="col">Browser</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id} data-testid="session-row">
                <td>
                  {session.user_agent || 'Unknown browser'}
                  {session.current && <strong> (this session)</strong>}
                </td>
                <td>{session.client_ip || 'unknown'}</td>
                <td>{formatTime(session.created_at)}</td>
                <td>{formatTime(session.last_seen_at)}</td>
                <td>
                  <button type="button" className="button button-secondary" onClick={() => void end(session)}>
                    {session.current ? 'Sign out here' : 'End session'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
