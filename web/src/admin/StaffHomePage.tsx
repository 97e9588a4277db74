import { Link } from 'react-router-dom';
import { useCurrentUser } from '../auth/session';
import { PageTitle } from '../shared/ui';

/** Renders the home page of admins and auditors, with links to their tools. */
export function StaffHomePage() {
  const user = useCurrentUser();
  const isAdmin = user.role === 'admin';
  const title = isAdmin ? 'Administration' : 'Audit';
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        You are signed in as {user.display_name} ({user.role}).
      </p>
      {isAdmin ? (
        <section aria-labelledby="tools-heading">
          <h2 id="tools-heading">Admin tools</h2>
          <p>Each tool asks for a new code from your authenticator app first, and admin access then lasts a short time.</p>
          <ul>
            <li>
              <Link to="/admin/users" data-testid="admin-users-link">
                Users
              </Link>
              : invite people, deactivate or reactivate accounts, reset two-step sign-in, change roles.
            </li>
            <li>
              <Link to="/admin/break-glass" data-testid="admin-break-glass-link">
                Break-glass review
              </Link>
              : review each emergency access to a patient record.
            </li>
          </ul>
        </section>
      ) : (
        <section aria-labelledby="tools-heading">
          <h2 id="tools-heading">Audit tools</h2>
          <ul>
            <li>
              <Link to="/audit" data-testid="audit-review-link">
                Audit review
              </Link>
              : search the audit log, flagged events first, and export it as CSV or JSON.
            </li>
          </ul>
        </section>
      )}
    </>
  );
}
