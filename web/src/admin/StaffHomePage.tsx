import { useCurrentUser } from '../auth/session';
import { PageTitle } from '../shared/ui';

/** Renders the home page of admins and auditors, whose tools are not built yet. */
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
      <section aria-labelledby="coming-heading">
        <h2 id="coming-heading">Not available in the web app yet</h2>
        {isAdmin ? (
          <p data-testid="coming-soon">
            User management (adding clinicians, resetting two-step sign-in, disabling accounts) is planned but not
            built yet. This web app has no admin functions today.
          </p>
        ) : (
          <p data-testid="coming-soon">
            Audit review (searching the access log of patient records) is planned but not built yet. This web app
            has no audit functions today.
          </p>
        )}
      </section>
    </>
  );
}
