import { useState, type FormEvent } from 'react';
import type { Session } from '../api/types';
import { ErrorAlert, FormField } from '../shared/ui';
import { isValidTotpCode, normaliseTotpCode } from './totpCode';
import { useSession } from './session';

interface TotpCodeFormProps {
  submitLabel: string;
  /** Sends the code to the confirm or verify route. */
  send: (code: string) => Promise<Session>;
}

/** Renders the six-digit code form shared by TOTP enrolment and verification. */
export function TotpCodeForm({ submitLabel, send }: TotpCodeFormProps) {
  const { accept } = useSession();
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Each attempt starts without the error of the one before.
    setError(undefined);
    const normalised = normaliseTotpCode(code);
    if (!isValidTotpCode(normalised)) {
      setFieldError('Enter the 6-digit code from your authenticator app.');
      return;
    }
    setFieldError(undefined);
    setSubmitting(true);
    try {
      accept(await send(normalised));
    } catch (failure) {
      setError(failure);
      setCode('');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={error} testId="totp-error" />
      <FormField
        label="6-digit code"
        hint="Open your authenticator app and type the code it shows for Telehealth."
        error={fieldError}
      >
        {(props) => (
          <input
            {...props}
            data-testid="totp-code"
            className="input-code"
            type="text"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={7}
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        )}
      </FormField>
      <button type="submit" className="button" data-testid="totp-submit" disabled={submitting}>
        {submitting ? 'Checking…' : submitLabel}
      </button>
    </form>
  );
}
