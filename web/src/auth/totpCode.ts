/** RFC 6238 codes as authenticator apps show them: six decimal digits. */
const TOTP_CODE = /^[0-9]{6}$/;

/** Removes the spaces that some apps show in the middle of a code ("123 456"). */
export function normaliseTotpCode(input: string): string {
  return input.replace(/\s+/g, '');
}

export function isValidTotpCode(code: string): boolean {
  return TOTP_CODE.test(code);
}
