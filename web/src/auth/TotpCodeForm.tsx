import { useState, type FormEvent } from 'react';
import { ErrorAlert, FormField } from '../shared/ui';
import { isValidTotpCode, normaliseTotpCode } from './totpCode';

interface TotpCodeFormProps {
  submitLabel: string;
  /** Sends a well-formed code (to confirm, verify or elevate) and handles the response. */
  submit: (code: string) => Promise<void>;
  /** Prefix of the data-testid attributes: `${prefix}-code`, `-submit`, `-error`. */
  testIdPrefix?: string;
}

/** Renders the six-digit code form of TOTP enrolment, verification and admin elevation. */
export function TotpCodeForm({ submitLabel, submit, testIdPrefix = 'totp' }: TotpCodeFormProps) {
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
      await submit(normalised);
    } catch (failure) {
      setError(failure);
      setCode('');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={error} testId={`${testIdPrefix}-error`} />
      <FormField
        label="6-digit code"
        hint="Open your authenticator app and type the code it shows for Telehealth."
        error={fieldError}
      >
        {(props) => (
          <input
            {...props}
            data-testid={`${testIdPrefix}-code`}
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
      <button type="submit" className="button" data-testid={`${testIdPrefix}-submit`} disabled={submitting}>
        {submitting ? 'Checking…' : submitLabel}
      </button>
    </form>
  );
}
