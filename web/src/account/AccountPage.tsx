import { PageTitle } from '../shared/ui';
import { PasskeysPanel } from './PasskeysPanel';

/** Renders the signed-in user's sign-in settings. */
export function AccountPage() {
  return (
    <>
      <PageTitle title="Sign-in and security">Sign-in and security</PageTitle>
      <PasskeysPanel />
    </>
  );
}
