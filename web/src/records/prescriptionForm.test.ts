import { describe, expect, it } from 'vitest';
import type { FormularyProduct, Prescription } from '../api/types';
import {
  checkPrescription,
  emptyPrescriptionDraft,
  hasPrescriptionInput,
  neededQuantity,
  prescriptionSummary,
  searchProducts,
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

const appointmentId = '0b9f7c1e-4a43-4d3e-9a51-5d0c1f6a2b77';

const valid: PrescriptionDraft = {
  appointment_id: appointmentId,
  drug_code: '308191',
  dose: '1',
  route: 'oral',
  frequency: 'three_times_daily',
  as_needed: false,
  duration_days: '5',
  quantity: '15',
  repeats: '0',
  instructions: '  With food.  ',
};

const capsules: FormularyProduct = {
  code: '308191',
  system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  display: 'amoxicillin 500 MG Oral Capsule',
  name: 'amoxicillin',
  form: 'oral capsule',
  strength: '500 mg',
  routes: ['oral'],
  dose_unit: 'capsule',
  dose_step: 1,
  max_dose: 2,
  supply_unit: 'capsule',
  doses_per_supply_unit: 1,
  max_quantity: null,
};

const inhaler: FormularyProduct = {
  ...capsules,
  code: '745679',
  display: '200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler',
  name: 'albuterol (salbutamol)',
  routes: ['inhalation'],
  dose_unit: 'actuation',
  supply_unit: 'inhaler',
  doses_per_supply_unit: 200,
};

const cream: FormularyProduct = { ...capsules, code: '106258', doses_per_supply_unit: null, max_quantity: 100 };

describe('checkPrescription', () => {
  it('accepts a complete prescription', () => {
    expect(requestOf(checkPrescription(valid))).toEqual({
      appointment_id: appointmentId,
      drug_code: '308191',
      dose: 1,
      route: 'oral',
      frequency: 'three_times_daily',
      as_needed: false,
      duration_days: 5,
      quantity: 15,
      repeats: 0,
      instructions: 'With food.',
    });
  });

  it('reports every field of an empty form', () => {
    const empty = { ...emptyPrescriptionDraft(''), repeats: '' };
    expect(erroredFields(checkPrescription(empty))).toEqual([
      'appointment_id',
      'dose',
      'drug_code',
      'duration_days',
      'frequency',
      'quantity',
      'repeats',
      'route',
    ]);
  });

  it('rejects impossible numbers', () => {
    expect(erroredFields(checkPrescription({ ...valid, dose: '0' }))).toEqual(['dose']);
    expect(erroredFields(checkPrescription({ ...valid, dose: '-1' }))).toEqual(['dose']);
    expect(erroredFields(checkPrescription({ ...valid, duration_days: '366' }))).toEqual(['duration_days']);
    expect(erroredFields(checkPrescription({ ...valid, duration_days: '2.5' }))).toEqual(['duration_days']);
    expect(erroredFields(checkPrescription({ ...valid, quantity: '0' }))).toEqual(['quantity']);
    expect(erroredFields(checkPrescription({ ...valid, repeats: '13' }))).toEqual(['repeats']);
    expect(erroredFields(checkPrescription({ ...valid, instructions: 'x'.repeat(501) }))).toEqual(['instructions']);
  });

  it('leaves route and quantity rules to the server', () => {
    expect(requestOf(checkPrescription({ ...valid, route: 'inhalation', quantity: '14' })).route).toBe('inhalation');
  });
});

describe('hasPrescriptionInput', () => {
  it('ignores the preset fields', () => {
    expect(hasPrescriptionInput(emptyPrescriptionDraft(appointmentId))).toBe(false);
  });

  it('sees any typed or chosen value', () => {
    expect(hasPrescriptionInput({ ...emptyPrescriptionDraft(appointmentId), drug_code: '308191' })).toBe(true);
    expect(hasPrescriptionInput({ ...emptyPrescriptionDraft(appointmentId), as_needed: true })).toBe(true);
    expect(hasPrescriptionInput({ ...emptyPrescriptionDraft(appointmentId), repeats: '2' })).toBe(true);
  });
});

describe('neededQuantity', () => {
  const threeTimesDaily = { code: 'three_times_daily', label: 'three times daily', per_week: 21 };
  const fourTimesDaily = { code: 'four_times_daily', label: 'four times daily', per_week: 28 };

  it('multiplies dose, frequency and duration', () => {
    expect(neededQuantity(capsules, 1, threeTimesDaily, 5)).toBe(15);
  });

  it('rounds up to whole inhalers', () => {
    expect(neededQuantity(inhaler, 2, fourTimesDaily, 30)).toBe(2);
  });

  it('has no rule for a cream', () => {
    expect(neededQuantity(cream, 1, fourTimesDaily, 30)).toBeUndefined();
  });
});

describe('searchProducts', () => {
  it('matches word prefixes of name and display', () => {
    expect(searchProducts([capsules, inhaler], 'SALB').map((product) => product.code)).toEqual(['745679']);
    expect(searchProducts([capsules, inhaler], 'actuat').map((product) => product.code)).toEqual(['745679']);
    expect(searchProducts([capsules, inhaler], 'moxi')).toEqual([]);
    expect(searchProducts([capsules, inhaler], ' ')).toHaveLength(2);
  });
});

describe('prescriptionSummary', () => {
  const base: Prescription = {
    id: 'p-1',
    appointment_id: appointmentId,
    clinician: { id: 'c-1', display_name: 'Dr Ada' },
    created_at: '2031-03-03T08:00:00Z',
    status: 'issued',
    drug_code: '308191',
    drug_system: capsules.system,
    drug: 'amoxicillin 500 MG Oral Capsule',
    form: 'oral capsule',
    strength: '500 mg',
    dose: 1,
    dose_unit: 'capsule',
    route: 'oral',
    frequency: 'three_times_daily',
    as_needed: false,
    duration_days: 5,
    quantity: 15,
    supply_unit: 'capsule',
    repeats: 0,
    instructions: '',
  };

  it('describes a coded prescription', () => {
    expect(prescriptionSummary(base)).toBe(
      'amoxicillin 500 MG Oral Capsule: 1 capsule, oral, three times daily for 5 days; quantity 15 capsules',
    );
  });

  it('keeps the wording of a free-text prescription', () => {
    expect(
      prescriptionSummary({
        ...base,
        drug_code: null,
        drug_system: null,
        drug: 'salbutamol',
        strength: '100 micrograms',
        form: 'inhaler',
        dose: '2 puffs',
        route: 'inhalation',
        frequency: 'when needed',
        quantity: 1,
      }),
    ).toBe('salbutamol 100 micrograms inhaler: 2 puffs, inhalation, when needed; quantity 1');
  });
});
