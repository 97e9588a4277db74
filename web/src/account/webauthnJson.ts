// Conversions between the JSON of the passkey routes (binary fields as
// base64url without padding, RFC 4648 section 5) and the ArrayBuffers that
// navigator.credentials takes and returns.

/** Encodes bytes as base64url without padding. */
export function bytesToBase64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url without padding; throws TypeError for any other text. */
export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new TypeError('The server sent a value that is not base64url.');
  }
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export interface CredentialDescriptorJson {
  type: 'public-key';
  id: string;
}

/** The body of POST /api/auth/passkeys/register/options. */
export interface CreationOptionsJson {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout: number;
  attestation: AttestationConveyancePreference;
  authenticatorSelection: AuthenticatorSelectionCriteria;
  excludeCredentials: CredentialDescriptorJson[];
}

/** The body of the verify and login options routes. */
export interface RequestOptionsJson {
  challenge: string;
  rpId: string;
  timeout: number;
  userVerification: UserVerificationRequirement;
  allowCredentials: CredentialDescriptorJson[];
}

function descriptors(list: CredentialDescriptorJson[]): PublicKeyCredentialDescriptor[] {
  return list.map((item) => ({ type: item.type, id: base64urlToBytes(item.id) }));
}

/** Builds the options of navigator.credentials.create() from the server's JSON. */
export function creationOptionsFromJson(json: CreationOptionsJson): PublicKeyCredentialCreationOptions {
  return {
    challenge: base64urlToBytes(json.challenge),
    rp: json.rp,
    user: { id: base64urlToBytes(json.user.id), name: json.user.name, displayName: json.user.displayName },
    pubKeyCredParams: json.pubKeyCredParams,
    timeout: json.timeout,
    attestation: json.attestation,
    authenticatorSelection: json.authenticatorSelection,
    excludeCredentials: descriptors(json.excludeCredentials),
  };
}

/** Builds the options of navigator.credentials.get() from the server's JSON. */
export function requestOptionsFromJson(json: RequestOptionsJson): PublicKeyCredentialRequestOptions {
  return {
    challenge: base64urlToBytes(json.challenge),
    rpId: json.rpId,
    timeout: json.timeout,
    userVerification: json.userVerification,
    allowCredentials: descriptors(json.allowCredentials),
  };
}

/** The fields of a PublicKeyCredential that the finish routes read. */
interface CredentialLike {
  id: string;
  rawId: ArrayBuffer;
  type: string;
}

export interface RegistrationJson {
  id: string;
  rawId: string;
  type: string;
  response: { clientDataJSON: string; attestationObject: string };
}

export interface AssertionJson {
  id: string;
  rawId: string;
  type: string;
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle: string | null };
}

/** Encodes the result of navigator.credentials.create() for POST /api/auth/passkeys. */
export function registrationToJson(
  credential: CredentialLike,
  response: Pick<AuthenticatorAttestationResponse, 'clientDataJSON' | 'attestationObject'>,
): RegistrationJson {
  return {
    id: credential.id,
    rawId: bytesToBase64url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: bytesToBase64url(response.clientDataJSON),
      attestationObject: bytesToBase64url(response.attestationObject),
    },
  };
}

/** Encodes the result of navigator.credentials.get() for the verify and login routes. */
export function assertionToJson(
  credential: CredentialLike,
  response: Pick<AuthenticatorAssertionResponse, 'clientDataJSON' | 'authenticatorData' | 'signature' | 'userHandle'>,
): AssertionJson {
  return {
    id: credential.id,
    rawId: bytesToBase64url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: bytesToBase64url(response.clientDataJSON),
      authenticatorData: bytesToBase64url(response.authenticatorData),
      signature: bytesToBase64url(response.signature),
      userHandle: response.userHandle ? bytesToBase64url(response.userHandle) : null,
    },
  };
}
