import { useState, type FormEvent } from 'react';
import { signIn } from '../api/endpoints';
import { PasskeyButton } from '../account/PasskeyButton';
import { passkeySignIn } from '../account/passkeyCeremonies';
import { ErrorAlert, FormField, PageTitle, StatusMessage } from '../shared/ui';
import { useSession } from './session';
import { SsoSignIn } from './SsoSignIn';

export function SignInPage({ notice }: { notice?: string | undefined }) {
  const { accept } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email address and password.');
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      accept(await signIn(email.trim(), password));
    } catch (failure) {
      setError(failure);
      setPassword('');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div className="narrow">
      <PageTitle title="Sign in">Sign in</PageTitle>
      {notice && <StatusMessage>{notice}</StatusMessage>}
      <ErrorAlert error={error} testId="signin-error" />
      <form onSubmit={handleSubmit} noValidate>
        <FormField label="Email address">
          {(props) => (
            <input
              {...props}
              data-testid="signin-email"
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </FormField>
        <FormField label="Password">
          {(props) => (
            <input
              {...props}
              data-testid="signin-password"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </FormField>
        <button type="submit" className="button" data-testid="signin-submit" disabled={submitting}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <PasskeyButton label="Sign in with a passkey" testId="passkey-sign-in" ceremony={passkeySignIn} />
      <SsoSignIn />
    </div>
  );
}
