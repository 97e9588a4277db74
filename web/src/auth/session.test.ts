import { describe, expect, it } from 'vitest';
import type { User } from '../api/types';
import { sessionStateFrom } from './session';

const clinician: User = { id: 'u1', email: 'gp@example.org', role: 'clinician', display_name: 'Dr Ada Jones' };

describe('sessionStateFrom', () => {
  it('sends enrol to the enrolment step', () => {
    expect(sessionStateFrom({ user: clinician, mfa: 'enrol' })).toEqual({ status: 'mfa', step: 'enrol', user: clinician });
  });

  it('sends verify to the code step', () => {
    expect(sessionStateFrom({ user: clinician, mfa: 'verify' })).toEqual({ status: 'mfa', step: 'verify', user: clinician });
  });

  it.each(['done', 'not_required'] as const)('signs in on %s', (mfa) => {
    expect(sessionStateFrom({ user: clinician, mfa })).toEqual({ status: 'signed-in', user: clinician });
  });
});
