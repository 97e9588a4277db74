import { useState } from 'react';
import type { Session } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorAlert } from '../shared/ui';
import { passkeysSupported } from './passkeyCeremonies';

interface PasskeyButtonProps {
  label: string;
  testId: string;
  /** Runs the passkey ceremony and returns the new `{user, mfa}`. */
  ceremony: () => Promise<Session>;
}

/** Renders a button that signs in, or completes two-step sign-in, with a passkey. */
export function PasskeyButton({ label, testId, ceremony }: PasskeyButtonProps) {
  const { accept } = useSession();
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  if (!passkeysSupported()) return null;

  async function handleClick() {
    setError(undefined);
    setBusy(true);
    try {
      accept(await ceremony());
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return (
    <div className="passkey-alternative">
      <p className="passkey-divider">or</p>
      <ErrorAlert error={error} testId={`${testId}-error`} />
      <button type="button" className="button button-secondary" data-testid={testId} disabled={busy} onClick={handleClick}>
        {busy ? 'Waiting for your passkey…' : label}
      </button>
    </div>
  );
}
