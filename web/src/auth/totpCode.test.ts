import { describe, expect, it } from 'vitest';
import { isValidTotpCode, normaliseTotpCode } from './totpCode';

describe('TOTP code input', () => {
  it('removes a space in the middle', () => {
    expect(normaliseTotpCode('123 456')).toBe('123456');
  });

  it.each(['123456', '000000'])('accepts %s', (code) => {
    expect(isValidTotpCode(code)).toBe(true);
  });

  it.each(['12345', '1234567', '12a456', ''])('rejects "%s"', (code) => {
    expect(isValidTotpCode(code)).toBe(false);
  });
});
