// Elevated admin sessions: admin pages render only after the admin has
// confirmed a fresh TOTP code, and go back to the prompt when the server reports
// that the elevation has ended (403 `elevation_required`).
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { elevate, endElevation, getElevation } from '../api/admin';
import { ApiError } from '../api/client';
import { TotpCodeForm } from '../auth/TotpCodeForm';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, Loading, PageTitle } from '../shared/ui';

interface ElevationContextValue {
  elevatedUntil: string;
  /** Returns true, and shows the prompt again, when `error` is `elevation_required`. */
  handleError: (error: unknown) => boolean;
}

const ElevationContext = createContext<ElevationContextValue | undefined>(undefined);

export function isElevationRequired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 && error.code === 'elevation_required';
}

type GateState = { status: 'loading' } | { status: 'required' } | { status: 'elevated'; until: string } | { status: 'error'; error: unknown };

/** Renders `children` inside an elevated admin session, asking for a TOTP code first when needed. */
export function ElevationGate({ title, children }: { title: string; children: ReactNode }) {
  const [state, setState] = useState<GateState>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    getElevation(controller.signal).then(
      (elevation) => {
        if (controller.signal.aborted) return;
        setState(elevation.elevated_until ? { status: 'elevated', until: elevation.elevated_until } : { status: 'required' });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, []);

  // The prompt comes back by itself when the elevation runs out.
  const until = state.status === 'elevated' ? state.until : undefined;
  useEffect(() => {
    if (until === undefined) return;
    const timer = window.setTimeout(() => setState({ status: 'required' }), Math.max(0, Date.parse(until) - Date.now()));
    return () => window.clearTimeout(timer);
  }, [until]);

  const handleError = useCallback((error: unknown) => {
    if (!isElevationRequired(error)) return false;
    setState({ status: 'required' });
    return true;
  }, []);

  switch (state.status) {
    case 'loading':
      return <Loading>Checking your admin access…</Loading>;
    case 'error':
      return (
        <>
          <PageTitle title={title}>{title}</PageTitle>
          <ErrorAlert error={state.error} />
        </>
      );
    case 'required':
      return <ElevationPrompt title={title} onElevated={(elevatedUntil) => setState({ status: 'elevated', until: elevatedUntil })} />;
    case 'elevated':
      return (
        <ElevationContext.Provider value={{ elevatedUntil: state.until, handleError }}>
          <ElevationBanner until={state.until} onEnded={() => setState({ status: 'required' })} />
          {children}
        </ElevationContext.Provider>
      );
  }
}

export function useElevation(): ElevationContextValue {
  const value = useContext(ElevationContext);
  if (!value) throw new Error('useElevation must be used inside ElevationGate');
  return value;
}

function ElevationBanner({ until, onEnded }: { until: string; onEnded: () => void }) {
  const [error, setError] = useState<unknown>(undefined);
  async function end() {
    setError(undefined);
    try {
      await endElevation();
      onEnded();
    } catch (failure) {
      setError(failure);
    }
  }
  return (
    <div className="alert alert-info elevation-banner" data-testid="elevation-banner">
      <p>
        Elevated admin access until {formatDateTime(until)}.{' '}
        <button type="button" className="button button-secondary" data-testid="elevation-end" onClick={() => void end()}>
          End elevated access
        </button>
      </p>
      <ErrorAlert error={error} />
    </div>
  );
}

function ElevationPrompt({ title, onElevated }: { title: string; onElevated: (until: string) => void }) {
  async function submit(code: string) {
    const elevation = await elevate(code);
    if (elevation.elevated_until) onElevated(elevation.elevated_until);
  }

  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <section aria-labelledby="elevate-heading" className="panel narrow">
        <h2 id="elevate-heading">Confirm it is you</h2>
        <p>
          Admin functions need elevated access, which lasts a short time. Enter a new code from your authenticator app
          to continue. This is recorded in the audit log.
        </p>
        <TotpCodeForm submitLabel="Confirm" submit={submit} testIdPrefix="elevation" />
      </section>
    </>
  );
}
