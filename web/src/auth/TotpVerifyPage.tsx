import { verifyTotp } from '../api/endpoints';
import { PasskeyButton } from '../account/PasskeyButton';
import { passkeySecondFactor } from '../account/passkeyCeremonies';
import { PageTitle } from '../shared/ui';
import { SignOutButton } from './SignOutButton';
import { TotpCodeForm } from './TotpCodeForm';

export function TotpVerifyPage() {
  return (
    <div className="narrow">
      <PageTitle title="Enter your sign-in code">Enter your sign-in code</PageTitle>
      <p>Your account uses two-step sign-in. Enter the code your authenticator app shows now.</p>
      <TotpCodeForm submitLabel="Continue" send={verifyTotp} />
      <PasskeyButton label="Use a passkey instead" testId="passkey-second-factor" ceremony={passkeySecondFactor} />
      <div className="page-actions">
        <SignOutButton />
      </div>
    </div>
  );
}
