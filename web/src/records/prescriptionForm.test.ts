import { describe, expect, it } from 'vitest';
import {
  PRESCRIPTION_FIELDS,
  checkPrescription,
  hasPrescriptionInput,
  prescriptionSummary,
  type PrescriptionCheck,
  type PrescriptionDraft,
} from './prescriptionForm';

function erroredFields(check: PrescriptionCheck): string[] {
  if (check.ok) throw new Error('expected the check to fail, but it passed');
  return Object.keys(check.errors).sort();
}

function requestOf(check: PrescriptionCheck) {
  if (!check.ok) throw new Error(`expected the check to pass, but it failed: ${JSON.stringify(check.errors)}`);
  return check.request;
}

const valid: PrescriptionDraft = {
  appointment_id: '0b9f7c1e-4a43-4d3e-9a51-5d0c1f6a2b77',
  drug: 'amoxicillin',
  strength: '500 mg',
  form: 'capsule',
  dose: '1 capsule',
  route: 'oral',
  frequency: 'three times a day',
  quantity: '15',
};

describe('checkPrescription', () => {
  it('accepts a complete prescription', () => {
    const check = checkPrescription(valid);

    expect(check).toEqual({
      ok: true,
      request: { ...valid, quantity: 15 },
    });
  });

  it('trims text fields', () => {
    const check = checkPrescription({ ...valid, drug: '  amoxicillin ', dose: ' 1 capsule' });

    expect(requestOf(check).drug).toBe('amoxicillin');
    expect(requestOf(check).dose).toBe('1 capsule');
  });

  it('reports every field of an empty form', () => {
    const empty = Object.fromEntries(PRESCRIPTION_FIELDS.map((field) => [field, ''])) as unknown as PrescriptionDraft;

    const check = checkPrescription(empty);

    expect(erroredFields(check)).toEqual([...PRESCRIPTION_FIELDS].sort());
  });

  it.each(['drug', 'strength', 'dose', 'frequency'] as const)('rejects a blank %s', (field) => {
    const check = checkPrescription({ ...valid, [field]: '   ' });

    expect(erroredFields(check)).toEqual([field]);
  });

  it('rejects a form outside the list', () => {
    const check = checkPrescription({ ...valid, form: 'suppository' });

    expect(erroredFields(check)).toEqual(['form']);
  });

  it('rejects a route outside the list', () => {
    const check = checkPrescription({ ...valid, route: 'rectal' });

    expect(erroredFields(check)).toEqual(['route']);
  });

  it.each(['0', '-1', '2.5', '1e3', 'ten', ''])('rejects quantity "%s"', (quantity) => {
    const check = checkPrescription({ ...valid, quantity });

    expect(erroredFields(check)).toEqual(['quantity']);
  });

  it('rejects a missing appointment', () => {
    const check = checkPrescription({ ...valid, appointment_id: '' });

    expect(erroredFields(check)).toEqual(['appointment_id']);
  });
});

describe('hasPrescriptionInput', () => {
  const empty = {
    appointment_id: 'a1',
    drug: '',
    strength: '',
    form: '',
    dose: '',
    route: '',
    frequency: '',
    quantity: '',
  };

  it('ignores the preset appointment', () => {
    expect(hasPrescriptionInput(empty)).toBe(false);
  });

  it('sees any typed or chosen value', () => {
    expect(hasPrescriptionInput({ ...empty, drug: 'Amoxicillin' })).toBe(true);
    expect(hasPrescriptionInput({ ...empty, route: 'oral' })).toBe(true);
  });

  it('ignores whitespace only', () => {
    expect(hasPrescriptionInput({ ...empty, dose: '   ' })).toBe(false);
  });
});

describe('prescriptionSummary', () => {
  it('lists every part of the prescription', () => {
    const summary = prescriptionSummary({
      drug: 'Amoxicillin',
      strength: '500 mg',
      form: 'capsule',
      dose: '1 capsule',
      route: 'oral',
      frequency: 'three times a day',
      quantity: 21,
    });
    expect(summary).toBe('Amoxicillin 500 mg capsule: 1 capsule, oral, three times a day; quantity 21');
  });
});
