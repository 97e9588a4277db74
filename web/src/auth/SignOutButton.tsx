import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { describeError } from '../api/client';
import { useSession } from './session';

export function SignOutButton() {
  const { signOut } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function handleClick() {
    setBusy(true);
    setError(undefined);
    try {
      await signOut();
      // The next person to sign in on this browser starts from their own home page.
      navigate('/', { replace: true });
    } catch (failure) {
      setError(`Sign-out failed: ${describeError(failure)}`);
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="button button-secondary" data-testid="sign-out" onClick={handleClick} disabled={busy}>
        Sign out
      </button>
      {error && (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}
