// A software WebAuthn authenticator built on node:crypto, with its own small
// CBOR encoder (RFC 8949), so the tests share no code with the server's
// verifier. It turns the JSON options of the passkey routes into a
// PublicKeyCredential in its JSON form, as navigator.credentials would.

import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

// COSE algorithm identifiers (IANA COSE Algorithms registry).
export const algorithms = { es256: -7, eddsa: -8, rs256: -257 };

// Encodes the head of a CBOR item: major type and argument, shortest form.
function head(majorType, argument) {
  const major = majorType << 5;
  if (argument < 24) return Buffer.from([major | argument]);
  if (argument < 0x100) return Buffer.from([major | 24, argument]);
  if (argument < 0x10000) {
    const buffer = Buffer.alloc(3);
    buffer[0] = major | 25;
    buffer.writeUInt16BE(argument, 1);
    return buffer;
  }
  const buffer = Buffer.alloc(5);
  buffer[0] = major | 26;
  buffer.writeUInt32BE(argument, 1);
  return buffer;
}

/**
 * Encodes a value as CBOR: integers, strings (text), Buffers (bytes), Maps
 * (keys in insertion order, as CTAP2 sorts COSE keys) and plain objects
 * (text keys).
 */
export function cborEncode(value) {
  if (Number.isInteger(value)) return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cborEncode(k), cborEncode(v)])]);
}

function sha256(data) {
  return createHash('sha256').update(data).digest();
}

function base64url(buffer) {
  return Buffer.from(buffer).toString('base64url');
}

/** Builds the COSE_Key (RFC 9053) of a node:crypto public key. */
function coseKey(publicKey, algorithm) {
  const jwk = publicKey.export({ format: 'jwk' });
  const bytes = (text) => Buffer.from(text, 'base64url');
  switch (algorithm) {
    case algorithms.es256:
      return new Map([[1, 2], [3, -7], [-1, 1], [-2, bytes(jwk.x)], [-3, bytes(jwk.y)]]);
    case algorithms.rs256:
      return new Map([[1, 3], [3, -257], [-1, bytes(jwk.n)], [-2, bytes(jwk.e)]]);
    case algorithms.eddsa:
      return new Map([[1, 1], [3, -8], [-1, 6], [-2, bytes(jwk.x)]]);
    default:
      throw new Error(`unknown COSE algorithm ${algorithm}`);
  }
}

function generateKeys(algorithm) {
  switch (algorithm) {
    case algorithms.es256:
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case algorithms.rs256:
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case algorithms.eddsa:
      return generateKeyPairSync('ed25519');
    default:
      throw new Error(`unknown COSE algorithm ${algorithm}`);
  }
}

export class SoftAuthenticator {
  /** `origin` is what the browser would put in clientDataJSON. */
  constructor(algorithm, origin) {
    this.algorithm = algorithm;
    this.origin = origin;
    this.keys = generateKeys(algorithm);
    this.credentialId = randomBytes(32);
    this.signCount = 0;
    this.userHandle = undefined;
  }

  /** Signs `data` as WebAuthn expects: DER ECDSA, PKCS #1 v1.5 or Ed25519. */
  sign(data) {
    const digest = this.algorithm === algorithms.eddsa ? null : 'sha256';
    return sign(digest, data, this.keys.privateKey);
  }

  clientData(type, challenge, overrides) {
    return Buffer.from(
      JSON.stringify({
        type: overrides.type ?? type,
        challenge: overrides.challenge ?? challenge,
        origin: overrides.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
  }

  // rpIdHash, flags (UP 0x01, UV 0x04, AT 0x40) and the big-endian counter.
  authenticatorData(rpId, { userPresent = true, userVerified = true, attested = false } = {}) {
    const flags = (userPresent ? 0x01 : 0) | (userVerified ? 0x04 : 0) | (attested ? 0x40 : 0);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.signCount);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), counter]);
  }

  /**
   * Creates a credential from registration options, as
   * navigator.credentials.create() does.
   * `overrides` may change origin, rpId, type, challenge, flags or the
   * attestation format ("none", or "packed" for self attestation).
   */
  create(options, overrides = {}) {
    this.userHandle = Buffer.from(options.user.id, 'base64url');
    const rpId = overrides.rpId ?? options.rp.id;
    const clientData = this.clientData('webauthn.create', options.challenge, overrides);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      this.authenticatorData(rpId, { ...overrides, attested: true }),
      Buffer.alloc(16), // AAGUID: zero, as with attestation "none"
      idLength,
      this.credentialId,
      cborEncode(coseKey(this.keys.publicKey, this.algorithm)),
    ]);
    const format = overrides.format ?? 'none';
    const statement =
      format === 'packed'
        ? { alg: this.algorithm, sig: this.sign(Buffer.concat([authData, sha256(clientData)])) }
        : {};
    const attestationObject = cborEncode({ fmt: format, attStmt: statement, authData });
    return {
      id: base64url(this.credentialId),
      rawId: base64url(this.credentialId),
      type: 'public-key',
      response: { clientDataJSON: base64url(clientData), attestationObject: base64url(attestationObject) },
    };
  }

  /**
   * Signs an assertion for request options, as navigator.credentials.get()
   * does, counting one more signature. `overrides` may also corrupt the signature
   * (`badSignature`), sign with another authenticator's key (`signer`) or
   * claim another credential id (`credentialId`).
   */
  get(options, overrides = {}) {
    this.signCount += 1;
    const rpId = overrides.rpId ?? options.rpId;
    const clientData = this.clientData('webauthn.get', options.challenge, overrides);
    const authData = this.authenticatorData(rpId, overrides);
    const signer = overrides.signer ?? this;
    const signature = signer.sign(Buffer.concat([authData, sha256(clientData)]));
    if (overrides.badSignature) signature[signature.length - 5] ^= 0x01;
    const credentialId = overrides.credentialId ?? this.credentialId;
    return {
      id: base64url(credentialId),
      rawId: base64url(credentialId),
      type: 'public-key',
      response: {
        clientDataJSON: base64url(clientData),
        authenticatorData: base64url(authData),
        signature: base64url(signature),
        userHandle: this.userHandle ? base64url(this.userHandle) : null,
      },
    };
  }
}
