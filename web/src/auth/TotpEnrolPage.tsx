import { useEffect, useRef, useState } from 'react';
import QRCode from 'qrcode';
import { confirmTotp, enrolTotp } from '../api/endpoints';
import type { TotpEnrolment } from '../api/types';
import { ErrorAlert, Loading, PageTitle } from '../shared/ui';
import { SignOutButton } from './SignOutButton';
import { TotpCodeForm } from './TotpCodeForm';
import { useSession } from './session';

/**
 * First sign-in of a clinician or admin: shows a new TOTP secret as a QR code
 * and as text, then confirms it with a code from the app.
 */
export function TotpEnrolPage() {
  const { accept } = useSession();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | undefined>(undefined);
  const [qrDataUrl, setQrDataUrl] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  // Each enrol call makes a new secret on the server, which replaces the one
  // shown. StrictMode runs effects twice in development, so this ref keeps it
  // to one call per visit to the page.
  const requested = useRef(false);

  useEffect(() => {
    if (requested.current) return;
    requested.current = true;
    // A new request starts without the error of an earlier one.
    setError(undefined);
    enrolTotp().then(setEnrolment, setError);
  }, []);

  useEffect(() => {
    if (!enrolment) return;
    let current = true;
    QRCode.toDataURL(enrolment.otpauth_uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }).then(
      (url) => {
        if (current) setQrDataUrl(url);
      },
      (failure: unknown) => {
        if (current) setError(`The QR code could not be drawn (${String(failure)}). Type the key below instead.`);
      },
    );
    return () => {
      current = false;
    };
  }, [enrolment]);

  return (
    <div className="narrow">
      <PageTitle title="Set up two-step sign-in">Set up two-step sign-in</PageTitle>
      <p>
        Clinical and admin accounts need a code from an authenticator app each time you sign in. Set one up now.
      </p>
      <ErrorAlert error={error} testId="totp-enrol-error" />
      {!enrolment && !error && <Loading>Creating your key…</Loading>}
      {enrolment && (
        <>
          <h2>1. Add Telehealth to your app</h2>
          <p>Scan this QR code with your authenticator app.</p>
          {qrDataUrl && (
            <img
              className="qr-code"
              src={qrDataUrl}
              width={240}
              height={240}
              alt="QR code containing your Telehealth sign-in key"
              data-testid="totp-qr"
            />
          )}
          <p>If you cannot scan it, type this key into the app instead:</p>
          <p className="secret" data-testid="totp-secret">
            {enrolment.secret}
          </p>
          <h2>2. Confirm with a code</h2>
          <TotpCodeForm submitLabel="Confirm and continue" submit={async (code) => accept(await confirmTotp(code))} />
        </>
      )}
      <div className="page-actions">
        <SignOutButton />
      </div>
    </div>
  );
}
