import { useEffect, useState } from 'react';
import { ErrorAlert } from '../shared/ui';
import { describeSsoError, getSsoStatus, takeSsoError, type SsoStatus } from './sso';

/**
 * The "Sign in with <provider>" button, shown only when the server has single
 * sign-on configured, and the explanation of a failed single sign-on. The
 * button is a plain link: the server responds to it with a redirect to the
 * provider, and the provider later redirects back to the server.
 */
export function SsoSignIn() {
  const [status, setStatus] = useState<SsoStatus | undefined>(undefined);
  const [errorCode] = useState(() => takeSsoError(window.location, window.history));

  useEffect(() => {
    const controller = new AbortController();
    getSsoStatus(controller.signal)
      .then(setStatus)
      .catch(() => setStatus({ enabled: false }));
    return () => controller.abort();
  }, []);

  const provider = status?.display_name ?? 'your organisation';
  return (
    <>
      {errorCode !== undefined && status !== undefined && (
        <div className="sso-error">
          <ErrorAlert error={describeSsoError(errorCode, provider)} testId="sso-error" />
        </div>
      )}
      {status?.enabled && status.start_url && (
        <div className="sso-sign-in">
          <p>Clinic staff can sign in with their organisation account.</p>
          <a className="button button-secondary" href={status.start_url} data-testid="sso-sign-in">
            Sign in with {provider}
          </a>
        </div>
      )}
    </>
  );
}
