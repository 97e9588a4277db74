import {
  DOSAGE_FORMS,
  ROUTES_OF_ADMINISTRATION,
  type DosageForm,
  type PrescriptionRequest,
  type RouteOfAdministration,
} from '../api/types';
import type { FieldErrors } from '../shared/fieldErrors';

/** The prescription form's inputs, as typed; keys match the API fields. */
export interface PrescriptionDraft {
  appointment_id: string;
  drug: string;
  strength: string;
  form: string;
  dose: string;
  route: string;
  frequency: string;
  quantity: string;
}

export type PrescriptionField = keyof PrescriptionDraft;

export const PRESCRIPTION_FIELDS: readonly PrescriptionField[] = [
  'appointment_id',
  'drug',
  'strength',
  'form',
  'dose',
  'route',
  'frequency',
  'quantity',
];

export type PrescriptionCheck =
  | { ok: true; request: PrescriptionRequest }
  | { ok: false; errors: FieldErrors<PrescriptionField> };

function isDosageForm(value: string): value is DosageForm {
  return (DOSAGE_FORMS as readonly string[]).includes(value);
}

function isRoute(value: string): value is RouteOfAdministration {
  return (ROUTES_OF_ADMINISTRATION as readonly string[]).includes(value);
}

/**
 * Checks that every prescription field is filled in and well-formed before
 * it is sent, and trims the text fields. The server repeats these checks.
 */
export function checkPrescription(draft: PrescriptionDraft): PrescriptionCheck {
  const errors: FieldErrors<PrescriptionField> = {};
  const text = {
    drug: draft.drug.trim(),
    strength: draft.strength.trim(),
    dose: draft.dose.trim(),
    frequency: draft.frequency.trim(),
  };

  if (!draft.appointment_id) errors.appointment_id = 'Choose the appointment this prescription belongs to.';
  if (!text.drug) errors.drug = 'Enter the drug name.';
  if (!text.strength) errors.strength = 'Enter the strength, for example 500 mg.';
  if (!isDosageForm(draft.form)) errors.form = 'Choose a form.';
  if (!text.dose) errors.dose = 'Enter the dose, for example 1 tablet.';
  if (!isRoute(draft.route)) errors.route = 'Choose a route.';
  if (!text.frequency) errors.frequency = 'Enter how often to take it, for example twice a day.';

  const quantityText = draft.quantity.trim();
  const quantity = Number(quantityText);
  if (!quantityText) {
    errors.quantity = 'Enter the quantity to supply.';
  } else if (!/^[0-9]+$/.test(quantityText) || quantity < 1 || !Number.isSafeInteger(quantity)) {
    errors.quantity = 'Quantity must be a whole number, 1 or more.';
  }

  if (Object.keys(errors).length > 0 || !isDosageForm(draft.form) || !isRoute(draft.route)) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    request: {
      appointment_id: draft.appointment_id,
      ...text,
      form: draft.form,
      route: draft.route,
      quantity,
    },
  };
}

/**
 * Tells whether the clinician has typed or chosen anything in the
 * prescription inputs. The appointment is left out because the form fills it
 * in by itself.
 */
export function hasPrescriptionInput(draft: PrescriptionDraft): boolean {
  return PRESCRIPTION_FIELDS.some((field) => field !== 'appointment_id' && draft[field].trim() !== '');
}

/** Summarises a prescription in one line: "Amoxicillin 500 mg capsule: 1 capsule, oral, three times a day; quantity 21". */
export function prescriptionSummary(
  prescription: Pick<PrescriptionRequest, 'drug' | 'strength' | 'form' | 'dose' | 'route' | 'frequency' | 'quantity'>,
): string {
  const { drug, strength, form, dose, route, frequency, quantity } = prescription;
  return `${drug} ${strength} ${form}: ${dose}, ${route}, ${frequency}; quantity ${quantity}`;
}
