// Automatic logoff (HIPAA 164.312(a)(2)(iii)) as the user sees it. The server
// ends a session after its idle timeout. This component warns shortly before,
// offers to stay signed in, and clears the app when the time is up, so that no
// patient information stays on an unattended screen.
import { useEffect, useState } from 'react';
import { lastRequestTime } from '../api/client';
import { getSession } from '../api/endpoints';
import { useSession } from './session';

/** Seconds of warning before logoff: a minute, or a third of a short timeout. */
export function warningLeadSeconds(idleTimeoutSeconds: number): number {
  return Math.min(60, Math.floor(idleTimeoutSeconds / 3));
}

/** Seconds left before the server's idle timeout, from the last request. */
export function secondsLeft(idleTimeoutSeconds: number, lastRequestMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil(idleTimeoutSeconds - (nowMs - lastRequestMs) / 1000));
}

// The user typing or clicking counts as activity: while they are busy (a long
// note, a consultation) the session is kept alive by at most one request a minute.
const activityEvents = ['keydown', 'pointerdown'] as const;
const keepAliveIntervalMs = 60_000;

export function IdleLogout({ idleTimeoutSeconds }: { idleTimeoutSeconds: number }) {
  const { expire } = useSession();
  const [left, setLeft] = useState(idleTimeoutSeconds);
  const lead = warningLeadSeconds(idleTimeoutSeconds);

  useEffect(() => {
    const timer = window.setInterval(() => {
      setLeft(secondsLeft(idleTimeoutSeconds, lastRequestTime(), Date.now()));
    }, 1000);
    return () => window.clearInterval(timer);
  }, [idleTimeoutSeconds]);

  useEffect(() => {
    const onActivity = () => {
      if (Date.now() - lastRequestTime() > keepAliveIntervalMs) void getSession().catch(() => undefined);
    };
    for (const name of activityEvents) window.addEventListener(name, onActivity);
    return () => {
      for (const name of activityEvents) window.removeEventListener(name, onActivity);
    };
  }, []);

  useEffect(() => {
    if (left === 0) {
      const minutes = idleTimeoutSeconds / 60;
      const span = Number.isInteger(minutes)
        ? `${minutes} minute${minutes === 1 ? '' : 's'}`
        : `${idleTimeoutSeconds} seconds`;
      void expire(`You were signed out after ${span} without activity, to protect patient information.`);
    }
  }, [left, idleTimeoutSeconds, expire]);

  if (left > lead || left === 0) return null;
  return (
    <div className="idle-warning" role="alertdialog" aria-labelledby="idle-warning-text" data-testid="idle-warning">
      <p id="idle-warning-text">
        For your privacy you will be signed out in {left} second{left === 1 ? '' : 's'} because of inactivity.
      </p>
      <button
        type="button"
        className="button"
        data-testid="idle-stay"
        autoFocus
        onClick={() => void getSession().catch(() => undefined)}
      >
        Stay signed in
      </button>
    </div>
  );
}
