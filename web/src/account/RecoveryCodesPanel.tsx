import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { generateRecoveryCodes, getRecoveryCodeCount } from '../api/endpoints';
import { ErrorAlert } from '../shared/ui';

/**
 * Shows how many recovery codes are left and makes a new set. The codes are
 * shown once, here; the server keeps only their hashes.
 */
export function RecoveryCodesPanel() {
  const [remaining, setRemaining] = useState<number | undefined>(undefined);
  const [codes, setCodes] = useState<string[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    getRecoveryCodeCount(controller.signal).then(
      (body) => setRemaining(body.remaining),
      (failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      },
    );
    return () => controller.abort();
  }, []);

  async function generate() {
    setError(undefined);
    try {
      const body = await generateRecoveryCodes();
      setCodes(body.codes);
      setRemaining(body.codes.length);
    } catch (failure) {
      setError(failure instanceof ApiError && failure.code === 'conflict' ? failure.message : failure);
    }
  }

  return (
    <section aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">Recovery codes</h2>
      <p>
        If you lose your authenticator app, a recovery code lets you sign in once instead of a 6-digit code. Keep them
        somewhere safe and apart from your password.
      </p>
      {remaining !== undefined && (
        <p data-testid="recovery-remaining">
          You have {remaining} unused recovery code{remaining === 1 ? '' : 's'}.
        </p>
      )}
      <ErrorAlert error={error} />
      {codes && (
        <>
          <p role="status">
            Your new codes are below. They are shown only now, and the codes you had before no longer work.
          </p>
          <ol className="recovery-codes" data-testid="recovery-codes">
            {codes.map((code) => (
              <li key={code}>{code}</li>
            ))}
          </ol>
        </>
      )}
      <button type="button" className="button button-secondary" data-testid="recovery-generate" onClick={() => void generate()}>
        {remaining ? 'Replace my recovery codes' : 'Create recovery codes'}
      </button>
    </section>
  );
}
