import { describe, expect, it } from 'vitest';
import {
  assertionToJson,
  base64urlToBytes,
  bytesToBase64url,
  creationOptionsFromJson,
  registrationToJson,
  requestOptionsFromJson,
} from './webauthnJson';

function bytes(...values: number[]): ArrayBuffer {
  return new Uint8Array(values).buffer;
}

describe('base64url', () => {
  // RFC 4648 section 10 vectors, in the URL-safe alphabet without padding.
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes "%s" as "%s"', (text, encoded) => {
    expect(bytesToBase64url(new TextEncoder().encode(text))).toBe(encoded);
    expect(new TextDecoder().decode(base64urlToBytes(encoded))).toBe(text);
  });

  it('uses - and _ where base64 has + and /', () => {
    expect(bytesToBase64url(bytes(0xfb, 0xff, 0xbf))).toBe('-_-_');
    expect([...base64urlToBytes('-_-_')]).toEqual([0xfb, 0xff, 0xbf]);
  });

  it.each(['Zg==', 'Zm9v+', 'Zm9v/', 'Z', 'a b'])('rejects "%s"', (text) => {
    expect(() => base64urlToBytes(text)).toThrow(TypeError);
  });
});

describe('passkey options', () => {
  it('decodes creation options', () => {
    const options = creationOptionsFromJson({
      challenge: 'AAEC',
      rp: { id: 'localhost', name: 'Telehealth' },
      user: { id: 'dXNlcg', name: 'a@example.org', displayName: 'Dr A' },
      pubKeyCredParams: [{ type: 'public-key', alg: -8 }],
      timeout: 300000,
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      excludeCredentials: [{ type: 'public-key', id: 'BwgJ' }],
    });
    expect([...new Uint8Array(options.challenge as ArrayBuffer)]).toEqual([0, 1, 2]);
    expect(new TextDecoder().decode(options.user.id as Uint8Array)).toBe('user');
    expect(options.user.displayName).toBe('Dr A');
    expect(options.rp.id).toBe('localhost');
    expect(options.excludeCredentials?.map((item) => [...(item.id as Uint8Array)])).toEqual([[7, 8, 9]]);
  });

  it('decodes request options', () => {
    const options = requestOptionsFromJson({
      challenge: '_w',
      rpId: 'localhost',
      timeout: 1000,
      userVerification: 'required',
      allowCredentials: [],
    });
    expect([...(options.challenge as Uint8Array)]).toEqual([0xff]);
    expect(options.rpId).toBe('localhost');
    expect(options.allowCredentials).toEqual([]);
    expect(options.userVerification).toBe('required');
  });
});

describe('passkey responses', () => {
  const credential = { id: 'AQI', rawId: bytes(1, 2), type: 'public-key' };

  it('encodes a registration', () => {
    expect(
      registrationToJson(credential, { clientDataJSON: bytes(0x7b, 0x7d), attestationObject: bytes(0xa0) }),
    ).toEqual({
      id: 'AQI',
      rawId: 'AQI',
      type: 'public-key',
      response: { clientDataJSON: 'e30', attestationObject: 'oA' },
    });
  });

  it('encodes an assertion with and without a user handle', () => {
    const response = { clientDataJSON: bytes(1), authenticatorData: bytes(2), signature: bytes(3), userHandle: bytes(4) };
    expect(assertionToJson(credential, response).response).toEqual({
      clientDataJSON: 'AQ',
      authenticatorData: 'Ag',
      signature: 'Aw',
      userHandle: 'BA',
    });
    expect(assertionToJson(credential, { ...response, userHandle: null }).response.userHandle).toBeNull();
  });
});
