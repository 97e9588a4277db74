// The three passkey ceremonies of the web app: each requests options from
// the server, lets the browser talk to the authenticator and sends the
// result back.
import {
  passkeyRegistrationOptions,
  passkeySecondFactorOptions,
  passkeySignInOptions,
  registerPasskey,
  signInWithPasskey,
  verifyPasskey,
} from '../api/endpoints';
import type { Passkey, Session } from '../api/types';
import {
  assertionToJson,
  creationOptionsFromJson,
  registrationToJson,
  requestOptionsFromJson,
  type RequestOptionsJson,
} from './webauthnJson';

/** True when this browser offers WebAuthn at all. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function';
}

// The browser rejects with NotAllowedError both when the person cancels and
// when the request times out, and the error does not tell the two apart.
function explain(error: unknown): never {
  if (error instanceof DOMException) {
    if (error.name === 'NotAllowedError' || error.name === 'AbortError') {
      throw new Error('The passkey request was cancelled or timed out. Try again.');
    }
    if (error.name === 'InvalidStateError') {
      throw new Error('This authenticator already holds a passkey for your account.');
    }
    throw new Error(`Your browser could not use a passkey (${error.name}).`);
  }
  throw error;
}

/** Creates a passkey on an authenticator and registers it under `name`. */
export async function addPasskey(name: string): Promise<Passkey> {
  const options = creationOptionsFromJson(await passkeyRegistrationOptions());
  let credential: Credential | null;
  try {
    credential = await navigator.credentials.create({ publicKey: options });
  } catch (error) {
    explain(error);
  }
  if (!(credential instanceof PublicKeyCredential)) throw new Error('The browser returned no passkey.');
  const response = credential.response as AuthenticatorAttestationResponse;
  return registerPasskey(name, registrationToJson(credential, response));
}

async function getAssertion(optionsJson: RequestOptionsJson) {
  let credential: Credential | null;
  try {
    credential = await navigator.credentials.get({ publicKey: requestOptionsFromJson(optionsJson) });
  } catch (error) {
    explain(error);
  }
  if (!(credential instanceof PublicKeyCredential)) throw new Error('The browser returned no passkey.');
  return assertionToJson(credential, credential.response as AuthenticatorAssertionResponse);
}

/** Completes two-step sign-in with a passkey after the password. */
export async function passkeySecondFactor(): Promise<Session> {
  return verifyPasskey(await getAssertion(await passkeySecondFactorOptions()));
}

/** Signs in with a passkey alone; the authenticator chooses the account. */
export async function passkeySignIn(): Promise<Session> {
  return signInWithPasskey(await getAssertion(await passkeySignInOptions()));
}
