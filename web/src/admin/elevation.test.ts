import { describe, expect, it } from 'vitest';
import { reasonLabel } from '../api/admin';
import { ApiError } from '../api/client';
import { isElevationRequired } from './elevation';

describe('isElevationRequired', () => {
  it('matches 403 elevation_required', () => {
    expect(isElevationRequired(new ApiError(403, 'elevation_required', 'elevate first'))).toBe(true);
  });

  it('ignores other 403 codes', () => {
    expect(isElevationRequired(new ApiError(403, 'forbidden', 'no'))).toBe(false);
    expect(isElevationRequired(new ApiError(403, 'mfa_required', 'code first'))).toBe(false);
  });

  it('ignores non-API errors', () => {
    expect(isElevationRequired(new Error('elevation_required'))).toBe(false);
    expect(isElevationRequired(undefined)).toBe(false);
  });
});

describe('reasonLabel', () => {
  it('labels each stored reason', () => {
    expect(reasonLabel('emergency_treatment')).toBe('Emergency treatment');
    expect(reasonLabel('patient_unable_to_consent')).toBe('Patient unable to consent');
    expect(reasonLabel('urgent_continuity_of_care')).toBe('Urgent continuity of care');
    expect(reasonLabel('clinical_safety_concern')).toBe('Clinical safety concern');
  });

  it('shows an unknown code as it is', () => {
    expect(reasonLabel('new_reason')).toBe('new_reason');
  });
});
