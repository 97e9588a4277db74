import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { acceptInvitation, lookupInvitation } from '../api/admin';
import { splitApiError, type FieldErrors } from '../shared/fieldErrors';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, FormField, Loading, PageTitle, StatusMessage } from '../shared/ui';
import { useResource } from '../shared/useResource';

const MIN_PASSWORD_LENGTH = 12;

type AcceptField = 'display_name' | 'password' | 'confirm';

/** Public page behind an invitation link: set a name and password to create the account. */
export function InvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const invitation = useResource((_signal) => lookupInvitation(token), [token]);
  const [accepted, setAccepted] = useState(false);

  return (
    <div className="narrow">
      <PageTitle title="Accept your invitation">Accept your invitation</PageTitle>
      {invitation.loading && !invitation.data && <Loading />}
      {invitation.error !== undefined && !accepted && <ErrorAlert error={invitation.error} testId="invitation-error" />}
      {accepted ? (
        <>
          <StatusMessage testId="invitation-accepted">Your account is ready.</StatusMessage>
          <p>
            <Link to="/" data-testid="invitation-sign-in">
              Sign in
            </Link>{' '}
            with your email and the password you chose.
          </p>
        </>
      ) : (
        invitation.data && (
          <>
            <p data-testid="invitation-details">
              You are invited as {invitation.data.role} with the email {invitation.data.email}. The invitation expires{' '}
              {formatDateTime(invitation.data.expires_at)}.
            </p>
            <AcceptForm token={token} onAccepted={() => setAccepted(true)} />
          </>
        )
      )}
    </div>
  );
}

function AcceptForm({ token, onAccepted }: { token: string; onAccepted: () => void }) {
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<AcceptField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    const errors: FieldErrors<AcceptField> = {};
    if (displayName.trim() === '') errors.display_name = 'Enter your name as other users should see it.';
    if (password.length < MIN_PASSWORD_LENGTH) errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    if (confirm !== password) errors.confirm = 'Type the same password again.';
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setSubmitting(true);
    try {
      await acceptInvitation(token, displayName.trim(), password);
      onAccepted();
    } catch (failure) {
      const split = splitApiError(failure, ['display_name', 'password'] as const);
      setFieldErrors(split.fieldErrors);
      setFormError(split.formError);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={formError} testId="invitation-accept-error" />
      <FormField label="Your name" hint="Shown to the people you work with or see." error={fieldErrors.display_name}>
        {(props) => (
          <input
            {...props}
            data-testid="invitation-name"
            type="text"
            autoComplete="name"
            required
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
          />
        )}
      </FormField>
      <FormField label="Password" hint={`At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words are easy to remember.`} error={fieldErrors.password}>
        {(props) => (
          <input
            {...props}
            data-testid="invitation-password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        )}
      </FormField>
      <FormField label="Password again" error={fieldErrors.confirm}>
        {(props) => (
          <input
            {...props}
            data-testid="invitation-password-confirm"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
          />
        )}
      </FormField>
      <button type="submit" className="button" data-testid="invitation-submit" disabled={submitting}>
        {submitting ? 'Creating your account…' : 'Create account'}
      </button>
    </form>
  );
}
