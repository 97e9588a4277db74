import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { changePassword } from '../api/endpoints';
import { useSession } from '../auth/session';
import { ErrorAlert, FormField, StatusMessage } from '../shared/ui';

/** Changes the password; every other session of the user ends with it. */
export function ChangePasswordPanel() {
  const { accept } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setFieldErrors({});
    setDone(false);
    setBusy(true);
    try {
      accept(await changePassword(current, next));
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (failure) {
      if (failure instanceof ApiError && failure.field) {
        setFieldErrors({ [failure.field]: failure.message.replace(/^[a-z_]+: /, '') });
      } else {
        setError(failure);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Change your password</h2>
      <ErrorAlert error={error} />
      {done && <StatusMessage testId="password-changed">Your password has changed. Your other sessions have ended.</StatusMessage>}
      <form onSubmit={handleSubmit} noValidate>
        <FormField label="Current password" error={fieldErrors.current_password}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              data-testid="password-current"
              value={current}
              onChange={(event) => setCurrent(event.target.value)}
            />
          )}
        </FormField>
        <FormField
          label="New password"
          hint="At least 12 characters. A few unrelated words make a strong password that is easy to remember."
          error={fieldErrors.new_password}
        >
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="new-password"
              data-testid="password-new"
              value={next}
              onChange={(event) => setNext(event.target.value)}
            />
          )}
        </FormField>
        <button type="submit" className="button" data-testid="password-submit" disabled={busy}>
          Change password
        </button>
      </form>
    </section>
  );
}
