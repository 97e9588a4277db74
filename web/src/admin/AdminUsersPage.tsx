import { useEffect, useState, type FormEvent } from 'react';
import { assignRole, changeUser, inviteUser, listUsers, type AdminUser, type CreatedInvitation, type UserAction } from '../api/admin';
import type { Role } from '../api/types';
import { useCurrentUser } from '../auth/session';
import { splitApiError, type FieldErrors } from '../shared/fieldErrors';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, FormField, Loading, PageTitle, StatusMessage } from '../shared/ui';
import { useResource } from '../shared/useResource';
import { useElevation } from './elevation';

const ROLES: readonly Role[] = ['patient', 'clinician', 'admin', 'auditor'];

/** Admin page: list users, invite one, and deactivate, reactivate, reset MFA or change a role. */
export function AdminUsersPage() {
  const { handleError } = useElevation();
  const users = useResource((signal) => listUsers(signal), []);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);

  useEffect(() => {
    handleError(users.error);
  }, [users.error, handleError]);

  async function run(description: string, action: () => Promise<AdminUser>) {
    setStatus(undefined);
    setActionError(undefined);
    try {
      const user = await action();
      setStatus(`${description}: ${user.email}.`);
      users.reload();
    } catch (failure) {
      if (!handleError(failure)) setActionError(failure);
    }
  }

  return (
    <>
      <PageTitle title="Users">Users</PageTitle>
      <InviteForm onInvited={() => users.reload()} />
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">All users</h2>
        {status && <StatusMessage testId="user-action-status">{status}</StatusMessage>}
        <ErrorAlert error={actionError} testId="user-action-error" />
        {users.error !== undefined && !users.data && <ErrorAlert error={users.error} />}
        {users.loading && !users.data && <Loading />}
        {users.data && <UsersTable users={users.data} run={run} />}
      </section>
    </>
  );
}

function UsersTable({ users, run }: { users: AdminUser[]; run: (description: string, action: () => Promise<AdminUser>) => Promise<void> }) {
  const me = useCurrentUser();
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="users-table">
        <caption className="visually-hidden">Users, by email</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Two-step sign-in</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow key={user.id} user={user} isSelf={user.id === me.id} run={run} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UserRow({
  user,
  isSelf,
  run,
}: {
  user: AdminUser;
  isSelf: boolean;
  run: (description: string, action: () => Promise<AdminUser>) => Promise<void>;
}) {
  const [role, setRole] = useState<Role>(user.role);
  const act = (description: string, action: UserAction) => void run(description, () => changeUser(user.id, action));
  return (
    <tr data-testid="user-row" data-user-id={user.id} data-email={user.email}>
      <th scope="row">
        {user.email}
        {isSelf && <span className="user-role"> (you)</span>}
      </th>
      <td>{user.display_name}</td>
      <td data-testid="user-role">{user.role}</td>
      <td data-testid="user-status">
        {user.active ? 'Active' : 'Deactivated'}
        {user.locked ? ', locked' : ''}
      </td>
      <td data-testid="user-mfa">{user.totp_enabled ? 'Enrolled' : 'Not enrolled'}</td>
      <td>
        <div className="table-actions">
          {user.active ? (
            <button type="button" className="button button-danger" data-testid="user-deactivate" onClick={() => act('Deactivated', 'deactivate')}>
              Deactivate<span className="visually-hidden"> {user.email}</span>
            </button>
          ) : (
            <button type="button" className="button button-secondary" data-testid="user-reactivate" onClick={() => act('Reactivated', 'reactivate')}>
              Reactivate<span className="visually-hidden"> {user.email}</span>
            </button>
          )}
          <button
            type="button"
            className="button button-secondary"
            data-testid="user-reset-mfa"
            disabled={!user.totp_enabled}
            onClick={() => act('Two-step sign-in reset', 'mfa-reset')}
          >
            Reset two-step sign-in<span className="visually-hidden"> for {user.email}</span>
          </button>
          <label className="visually-hidden" htmlFor={`role-${user.id}`}>
            New role for {user.email}
          </label>
          <select id={`role-${user.id}`} data-testid="user-role-select" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button button-secondary"
            data-testid="user-role-submit"
            disabled={role === user.role}
            onClick={() => void run(`Role changed to ${role}`, () => assignRole(user.id, role))}
          >
            Change role<span className="visually-hidden"> of {user.email}</span>
          </button>
        </div>
      </td>
    </tr>
  );
}

type InviteField = 'email' | 'role';

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const { handleError } = useElevation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('clinician');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<InviteField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [invitation, setInvitation] = useState<CreatedInvitation | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    setInvitation(undefined);
    setCopied(false);
    if (email.trim() === '') {
      setFieldErrors({ email: 'Enter the email address of the person to invite.' });
      return;
    }
    setFieldErrors({});
    setSubmitting(true);
    try {
      setInvitation(await inviteUser(email.trim(), role));
      setEmail('');
      onInvited();
    } catch (failure) {
      if (handleError(failure)) return;
      const split = splitApiError(failure, ['email', 'role'] as const);
      setFieldErrors(split.fieldErrors);
      setFormError(split.formError);
    } finally {
      setSubmitting(false);
    }
  }

  async function copyLink(link: string) {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // The link stays selectable in the text box when the clipboard is unavailable.
      setCopied(false);
    }
  }

  return (
    <section aria-labelledby="invite-heading" className="panel">
      <h2 id="invite-heading">Invite a user</h2>
      <p>The invitation link works once and expires. Telehealth sends no email: pass the link on yourself.</p>
      <ErrorAlert error={formError} testId="invite-error" />
      <form onSubmit={handleSubmit} noValidate className="form-grid">
        <FormField label="Email" error={fieldErrors.email}>
          {(props) => (
            <input
              {...props}
              data-testid="invite-email"
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </FormField>
        <FormField label="Role" error={fieldErrors.role}>
          {(props) => (
            <select {...props} data-testid="invite-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <div className="form-actions">
          <button type="submit" className="button" data-testid="invite-submit" disabled={submitting}>
            {submitting ? 'Inviting…' : 'Create invitation'}
          </button>
        </div>
      </form>
      {invitation && (
        <div data-testid="invite-result">
          <StatusMessage>
            Invitation for {invitation.email} ({invitation.role}) created. It expires {formatDateTime(invitation.expires_at)}.
          </StatusMessage>
          <FormField label="Invitation link">
            {(props) => <input {...props} data-testid="invite-link" type="text" readOnly value={invitation.link} onFocus={(event) => event.target.select()} />}
          </FormField>
          <button type="button" className="button button-secondary" data-testid="invite-copy" onClick={() => void copyLink(invitation.link)}>
            Copy link
          </button>
          {copied && <span role="status"> Copied.</span>}
        </div>
      )}
    </section>
  );
}
