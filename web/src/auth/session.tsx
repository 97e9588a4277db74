// Session state for the whole app. It lives only in React memory: nothing
// about the user or the session goes to localStorage or sessionStorage, and
// the session cookie itself is HttpOnly.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, clearCsrfToken, setAuthFailureListener } from '../api/client';
import { getSession, signOut as postLogout } from '../api/endpoints';
import type { Session, User } from '../api/types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; notice?: string }
  /** Signed in with a password; a TOTP step is still due. */
  | { status: 'mfa'; step: 'enrol' | 'verify'; user: User | undefined }
  | { status: 'signed-in'; user: User; idleTimeoutSeconds: number | undefined }
  /** The session check itself failed (network or server), so the state is unknown. */
  | { status: 'error'; error: unknown };

/** Maps a `{user, mfa}` body from the sign-in and session routes to a state. */
export function sessionStateFrom(session: Session): SessionState {
  switch (session.mfa) {
    case 'enrol':
    case 'verify':
      return { status: 'mfa', step: session.mfa, user: session.user };
    case 'done':
    case 'not_required':
      return { status: 'signed-in', user: session.user, idleTimeoutSeconds: session.idle_timeout_seconds };
  }
}

interface SessionContextValue {
  state: SessionState;
  /** Stores the `{user, mfa}` response of sign-in or a TOTP step. */
  accept: (session: Session) => void;
  /** Asks the server for the session again, for example after a 403 `mfa_required`. */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  /** Ends the session after inactivity (automatic logoff), with a notice saying why. */
  expire: (notice: string) => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

async function loadSessionState(signal?: AbortSignal): Promise<SessionState> {
  try {
    return sessionStateFrom(await getSession(signal));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return { status: 'signed-out' };
    }
    if (error instanceof ApiError && error.status === 403 && error.code === 'mfa_required') {
      // NOTE: docs/api.md does not state whether the session route itself can
      // respond 403. That error body carries no `mfa` value, so the code step
      // is assumed, and the verify page offers sign-out for a fresh start.
      return { status: 'mfa', step: 'verify', user: undefined };
    }
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      setState(await loadSessionState());
    } catch (error) {
      setState({ status: 'error', error });
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    loadSessionState(controller.signal).then(
      (loaded) => {
        if (!controller.signal.aborted) setState(loaded);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, []);

  // Any API call that finds the session gone or the TOTP step missing moves
  // the whole app to sign-in or to the TOTP page.
  useEffect(() => {
    setAuthFailureListener((error) => {
      if (error.code === 'unauthenticated') {
        clearCsrfToken();
        setState({ status: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' });
      } else {
        void refresh();
      }
    });
    return () => setAuthFailureListener(undefined);
  }, [refresh]);

  const accept = useCallback((session: Session) => setState(sessionStateFrom(session)), []);

  const signOut = useCallback(async () => {
    try {
      await postLogout();
    } catch (error) {
      // The cookie is HttpOnly, so only the server can clear it. If logout
      // failed for any reason other than an already-ended session, say so
      // rather than pretend the user is signed out.
      if (!(error instanceof ApiError && error.status === 401)) {
        throw error;
      }
    }
    clearCsrfToken();
    setState({ status: 'signed-out', notice: 'You have signed out.' });
  }, []);

  const expire = useCallback(async (notice: string) => {
    // The server has already ended the session or is about to; clear the
    // app's state first, whatever the logout call returns.
    clearCsrfToken();
    setState({ status: 'signed-out', notice });
    try {
      await postLogout();
    } catch {
      // The session is gone either way.
    }
  }, []);

  const value = useMemo(
    () => ({ state, accept, refresh, signOut, expire }),
    [state, accept, refresh, signOut, expire],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) {
    throw new Error('useSession must be used inside SessionProvider');
  }
  return value;
}

/** Returns the signed-in user; use only below the signed-in part of the app. */
export function useCurrentUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') {
    throw new Error('useCurrentUser needs a signed-in session');
  }
  return state.user;
}
