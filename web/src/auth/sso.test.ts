import { describe, expect, it } from 'vitest';
import { describeSsoError } from './sso';

describe('describeSsoError', () => {
  it('names the provider and the fix for a known code', () => {
    expect(describeSsoError('no_account', 'Clinic SSO')).toBe(
      'Single sign-on with Clinic SSO failed. No staff account here matches your provider account. Ask an administrator to create one with the same email address.',
    );
  });

  it('tells patients to use their password', () => {
    expect(describeSsoError('role_not_allowed', 'Clinic SSO')).toContain('for clinic staff only');
  });

  it('gives security-check failures one retry message', () => {
    const expected =
      'Single sign-on with Clinic SSO failed. The response from Clinic SSO failed our security checks, so you were not signed in. Try again; if it fails again, tell your administrator.';
    expect(describeSsoError('bad_signature', 'Clinic SSO')).toBe(expected);
    expect(describeSsoError('nonce_mismatch', 'Clinic SSO')).toBe(expected);
  });
});
