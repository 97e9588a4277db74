import type { FormularyProduct, FrequencyOption, Prescription, PrescriptionRequest } from '../api/types';
import type { FieldErrors } from '../shared/fieldErrors';

/** The prescription form's inputs, as typed; keys match the API fields. */
export interface PrescriptionDraft {
  appointment_id: string;
  drug_code: string;
  dose: string;
  route: string;
  frequency: string;
  as_needed: boolean;
  duration_days: string;
  quantity: string;
  repeats: string;
  instructions: string;
}

export type PrescriptionField = keyof PrescriptionDraft;

export const PRESCRIPTION_FIELDS: readonly PrescriptionField[] = [
  'appointment_id',
  'drug_code',
  'dose',
  'route',
  'frequency',
  'as_needed',
  'duration_days',
  'quantity',
  'repeats',
  'instructions',
];

/** The limits the server applies (src/records/prescription_order.hpp). */
export const MAX_DURATION_DAYS = 365;
export const MAX_REPEATS = 12;
export const MAX_INSTRUCTIONS_CHARACTERS = 500;

export function emptyPrescriptionDraft(appointmentId: string): PrescriptionDraft {
  return {
    appointment_id: appointmentId,
    drug_code: '',
    dose: '',
    route: '',
    frequency: '',
    as_needed: false,
    duration_days: '',
    quantity: '',
    repeats: '0',
    instructions: '',
  };
}

export type PrescriptionCheck =
  | { ok: true; request: PrescriptionRequest }
  | { ok: false; errors: FieldErrors<PrescriptionField> };

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Checks that every field is filled in and well-formed before the request
 * is sent. Whether the route suits the product and the quantity suits the
 * dose, frequency and duration is left to the server, which names the field.
 */
export function checkPrescription(draft: PrescriptionDraft): PrescriptionCheck {
  const errors: FieldErrors<PrescriptionField> = {};
  if (!draft.appointment_id) errors.appointment_id = 'Choose the appointment this prescription belongs to.';
  if (!draft.drug_code) errors.drug_code = 'Choose a product from the formulary.';

  const dose = Number(draft.dose.trim());
  if (!draft.dose.trim()) errors.dose = 'Enter the dose.';
  else if (!Number.isFinite(dose) || dose <= 0) errors.dose = 'Dose must be a number greater than 0.';

  if (!draft.route) errors.route = 'Choose a route.';
  if (!draft.frequency) errors.frequency = 'Choose how often.';

  const duration = wholeNumber(draft.duration_days);
  if (!draft.duration_days.trim()) errors.duration_days = 'Enter the duration in days.';
  else if (duration === undefined || duration < 1 || duration > MAX_DURATION_DAYS) {
    errors.duration_days = `Duration must be a whole number of days from 1 to ${MAX_DURATION_DAYS}.`;
  }

  const quantity = wholeNumber(draft.quantity);
  if (!draft.quantity.trim()) errors.quantity = 'Enter the quantity to supply.';
  else if (quantity === undefined || quantity < 1) errors.quantity = 'Quantity must be a whole number, 1 or more.';

  const repeats = wholeNumber(draft.repeats);
  if (repeats === undefined || repeats > MAX_REPEATS) {
    errors.repeats = `Repeats must be a whole number from 0 to ${MAX_REPEATS}.`;
  }

  const instructions = draft.instructions.trim();
  if ([...instructions].length > MAX_INSTRUCTIONS_CHARACTERS) {
    errors.instructions = `Instructions must be at most ${MAX_INSTRUCTIONS_CHARACTERS} characters.`;
  }

  if (Object.keys(errors).length > 0 || duration === undefined || quantity === undefined || repeats === undefined) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    request: {
      appointment_id: draft.appointment_id,
      drug_code: draft.drug_code,
      dose,
      route: draft.route,
      frequency: draft.frequency,
      as_needed: draft.as_needed,
      duration_days: duration,
      quantity,
      repeats,
      instructions,
    },
  };
}

/**
 * Tells whether the clinician has typed or chosen anything. The appointment
 * and the default of 0 repeats are left out because the form fills them in.
 */
export function hasPrescriptionInput(draft: PrescriptionDraft): boolean {
  return (
    draft.as_needed ||
    draft.repeats.trim() !== '0' ||
    (['drug_code', 'dose', 'route', 'frequency', 'duration_days', 'quantity', 'instructions'] as const).some(
      (field) => draft[field].trim() !== '',
    )
  );
}

/**
 * Returns the supply units that dose x frequency x duration needs, the rule
 * the server applies, or undefined when it cannot be worked out yet or the
 * product's dose is not a measured amount.
 */
export function neededQuantity(
  product: FormularyProduct,
  dose: number,
  frequency: FrequencyOption,
  durationDays: number,
): number | undefined {
  if (product.doses_per_supply_unit === null || !(dose > 0) || !(durationDays > 0)) return undefined;
  const doseUnits = (dose * frequency.per_week * durationDays) / 7;
  return Math.ceil(doseUnits / product.doses_per_supply_unit - 1e-9);
}

/** Filters products whose name or any word of whose display name starts with `prefix`. */
export function searchProducts(products: readonly FormularyProduct[], prefix: string): FormularyProduct[] {
  const wanted = prefix.trim().toLowerCase();
  if (!wanted) return [...products];
  const startsWord = (text: string) =>
    text
      .toLowerCase()
      .split(/[\s(/]+/)
      .some((word) => word.startsWith(wanted));
  return products.filter((product) => startsWord(product.name) || startsWord(product.display));
}

const FREQUENCY_LABELS: Record<string, string> = {
  once_daily: 'once daily',
  twice_daily: 'twice daily',
  three_times_daily: 'three times daily',
  four_times_daily: 'four times daily',
  every_4_hours: 'every 4 hours',
  every_6_hours: 'every 6 hours',
  every_8_hours: 'every 8 hours',
  every_12_hours: 'every 12 hours',
  at_night: 'at night',
  once_weekly: 'once weekly',
};

function plural(count: number, unit: string): string {
  return count === 1 || unit === 'mL' || unit === 'g' ? `${count} ${unit}` : `${count} ${unit}s`;
}

/**
 * Summarises a prescription in one line, for example "amoxicillin 500 MG
 * Oral Capsule: 1 capsule, oral, three times daily for 5 days; quantity 15
 * capsules". Older free-text prescriptions keep their own wording.
 */
export function prescriptionSummary(prescription: Prescription): string {
  if (prescription.drug_code === null) {
    const { drug, strength, form, dose, route, frequency, quantity } = prescription;
    return `${drug} ${strength} ${form}: ${dose}, ${route}, ${frequency}; quantity ${quantity}`;
  }
  const dose = typeof prescription.dose === 'number' ? prescription.dose : Number(prescription.dose);
  const frequency = FREQUENCY_LABELS[prescription.frequency] ?? prescription.frequency;
  const whenNeeded = prescription.as_needed ? ' when needed' : '';
  return (
    `${prescription.drug}: ${plural(dose, prescription.dose_unit ?? '')}, ${prescription.route}, ` +
    `${frequency}${whenNeeded} for ${prescription.duration_days} days; ` +
    `quantity ${plural(prescription.quantity, prescription.supply_unit ?? '')}`
  );
}
