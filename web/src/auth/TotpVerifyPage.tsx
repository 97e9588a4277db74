import { useState, type FormEvent } from 'react';
import { verifyRecoveryCode, verifyTotp } from '../api/endpoints';
import { PasskeyButton } from '../account/PasskeyButton';
import { passkeySecondFactor } from '../account/passkeyCeremonies';
import { ErrorAlert, FormField, PageTitle } from '../shared/ui';
import { SignOutButton } from './SignOutButton';
import { TotpCodeForm } from './TotpCodeForm';
import { useSession } from './session';

export function TotpVerifyPage() {
  const { accept } = useSession();
  const [useRecovery, setUseRecovery] = useState(false);
  return (
    <div className="narrow">
      <PageTitle title="Enter your sign-in code">Enter your sign-in code</PageTitle>
      {useRecovery ? (
        <>
          <p>Enter one of the recovery codes you saved when you set up two-step sign-in. Each code works once.</p>
          <RecoveryCodeForm />
        </>
      ) : (
        <>
          <p>Your account uses two-step sign-in. Enter the code your authenticator app shows now.</p>
          <TotpCodeForm submitLabel="Continue" submit={async (code) => accept(await verifyTotp(code))} />
        </>
      )}
      <PasskeyButton label="Use a passkey instead" testId="passkey-second-factor" ceremony={passkeySecondFactor} />
      <p>
        <button
          type="button"
          className="button-link"
          data-testid="toggle-recovery"
          onClick={() => setUseRecovery(!useRecovery)}
        >
          {useRecovery ? 'Use my authenticator app instead' : 'I have lost my authenticator: use a recovery code'}
        </button>
      </p>
      <div className="page-actions">
        <SignOutButton />
      </div>
    </div>
  );
}

function RecoveryCodeForm() {
  const { accept } = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setSubmitting(true);
    try {
      accept(await verifyRecoveryCode(code.trim()));
    } catch (failure) {
      setError(failure);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={error} testId="recovery-error" />
      <FormField label="Recovery code" hint="Four groups of four letters and digits, for example abcd-efgh-2345-wxyz.">
        {(props) => (
          <input
            {...props}
            data-testid="recovery-code"
            type="text"
            name="recovery-code"
            autoComplete="off"
            spellCheck={false}
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        )}
      </FormField>
      <button type="submit" className="button" data-testid="recovery-submit" disabled={submitting}>
        {submitting ? 'Checking…' : 'Continue'}
      </button>
    </form>
  );
}
