// The signed-in user's own security settings: where they are signed in,
// passkeys, the recovery codes that stand in for a lost authenticator, and
// the password.
import type { User } from '../api/types';
import { PageTitle } from '../shared/ui';
import { ChangePasswordPanel } from './ChangePasswordPanel';
import { PasskeysPanel } from './PasskeysPanel';
import { RecoveryCodesPanel } from './RecoveryCodesPanel';
import { SessionsPanel } from './SessionsPanel';

export function SecurityPage({ user }: { user: User }) {
  return (
    <>
      <PageTitle title="Security">Security</PageTitle>
      <p>Signed in as {user.email}.</p>
      <SessionsPanel />
      <PasskeysPanel />
      <RecoveryCodesPanel />
      <ChangePasswordPanel />
    </>
  );
}
