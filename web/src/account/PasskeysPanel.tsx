import { useState, type FormEvent } from 'react';
import { listPasskeys, removePasskey } from '../api/endpoints';
import type { Passkey } from '../api/types';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, FormField, Loading, StatusMessage } from '../shared/ui';
import { useResource } from '../shared/useResource';
import { addPasskey, passkeysSupported } from './passkeyCeremonies';

const MAX_NAME_LENGTH = 64;

/** Lists the signed-in user's passkeys and lets them add and remove passkeys. */
export function PasskeysPanel() {
  const passkeys = useResource(listPasskeys, []);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function handleAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setStatus(undefined);
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH) {
      setNameError(`Give the passkey a name of 1 to ${MAX_NAME_LENGTH} characters, such as "Work laptop".`);
      return;
    }
    setNameError(undefined);
    setBusy(true);
    try {
      const added = await addPasskey(trimmed);
      setName('');
      setStatus(`Passkey "${added.name}" added.`);
      passkeys.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  async function handleRemove(passkey: Passkey) {
    setError(undefined);
    setStatus(undefined);
    setBusy(true);
    try {
      await removePasskey(passkey.id);
      setStatus(`Passkey "${passkey.name}" removed.`);
      passkeys.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="passkeys-heading" data-testid="passkeys-panel">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p>
        A passkey signs you in with your device's screen lock or a security key instead of a password and code. It
        only works on this site, so it cannot be phished.
      </p>
      {status && <StatusMessage testId="passkey-status">{status}</StatusMessage>}
      <ErrorAlert error={error} testId="passkey-error" />
      {passkeys.data === undefined && passkeys.loading && <Loading>Loading your passkeys…</Loading>}
      {passkeys.error !== undefined && <ErrorAlert error={passkeys.error} />}
      {passkeys.data !== undefined &&
        (passkeys.data.length === 0 ? (
          <p data-testid="passkeys-empty">You have no passkeys yet.</p>
        ) : (
          <ul className="passkey-list" aria-label="Your passkeys">
            {passkeys.data.map((passkey) => (
              <li key={passkey.id} data-testid="passkey-item">
                <span className="passkey-name">{passkey.name}</span>{' '}
                <span className="passkey-dates">
                  added {formatDateTime(passkey.created_at)}
                  {passkey.last_used_at ? `, last used ${formatDateTime(passkey.last_used_at)}` : ', not used yet'}
                </span>{' '}
                <button
                  type="button"
                  className="button button-secondary"
                  data-testid="passkey-remove"
                  aria-label={`Remove passkey ${passkey.name}`}
                  disabled={busy}
                  onClick={() => void handleRemove(passkey)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ))}
      {passkeysSupported() ? (
        <form onSubmit={handleAdd} noValidate>
          <FormField label="Passkey name" hint="A name that tells you which device holds it." error={nameError}>
            {(props) => (
              <input
                {...props}
                data-testid="passkey-name"
                type="text"
                name="passkey-name"
                maxLength={MAX_NAME_LENGTH}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </FormField>
          <button type="submit" className="button" data-testid="passkey-add" disabled={busy}>
            {busy ? 'Waiting for your device…' : 'Add a passkey'}
          </button>
        </form>
      ) : (
        <p>This browser does not support passkeys.</p>
      )}
    </section>
  );
}
