import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { splitApiError } from './fieldErrors';

describe('splitApiError', () => {
  it('puts a known field error beside its input without the name prefix', () => {
    const error = new ApiError(400, 'invalid_field', 'dose: must not be empty', 'dose');

    const split = splitApiError(error, ['dose', 'drug']);

    expect(split.fieldErrors).toEqual({ dose: 'Must not be empty.' });
    expect(split.formError).toBeUndefined();
  });

  it('keeps a message without the prefix whole', () => {
    const error = new ApiError(422, 'invalid_field', 'The end is before the start.', 'ends_at');

    expect(splitApiError(error, ['ends_at']).fieldErrors).toEqual({ ends_at: 'The end is before the start.' });
  });

  it('shows an unknown field above the form', () => {
    const error = new ApiError(400, 'invalid_field', 'patient_id: not a UUID', 'patient_id');

    const split = splitApiError(error, ['dose']);

    expect(split.fieldErrors).toEqual({});
    expect(split.formError).toBe(error);
  });

  it('shows an error without a field above the form', () => {
    const error = new ApiError(503, 'unavailable', 'try later');

    expect(splitApiError(error, ['dose']).formError).toBe(error);
  });
});
