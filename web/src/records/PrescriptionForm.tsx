import { useEffect, useRef, useState, type FormEvent } from 'react';
import { addPrescription } from '../api/endpoints';
import { DOSAGE_FORMS, ROUTES_OF_ADMINISTRATION, type Prescription } from '../api/types';
import { splitApiError, type FieldErrors } from '../shared/fieldErrors';
import { ErrorAlert, FormField, InvalidFieldsAlert, StatusMessage, focusFirstInvalid } from '../shared/ui';
import { AppointmentField, initialAppointmentId, type AppointmentChoice } from './AppointmentField';
import {
  PRESCRIPTION_FIELDS,
  checkPrescription,
  hasPrescriptionInput,
  type PrescriptionDraft,
  type PrescriptionField,
} from './prescriptionForm';

interface PrescriptionFormProps {
  patientId: string;
  appointmentChoice: AppointmentChoice;
  onSaved?: (prescription: Prescription) => void;
  /** Called with true while any prescription input holds a value that is not saved. */
  onUnsavedChange?: (unsaved: boolean) => void;
}

type TextField = 'drug' | 'strength' | 'dose' | 'frequency';

const TEXT_FIELDS: Record<TextField, { label: string; hint: string }> = {
  drug: { label: 'Drug', hint: 'The generic name, for example amoxicillin.' },
  strength: { label: 'Strength', hint: 'For example 500 mg.' },
  dose: { label: 'Dose', hint: 'How much to take each time, for example 1 capsule.' },
  frequency: { label: 'Frequency', hint: 'For example three times a day for 5 days.' },
};

/** Clinician form that adds a prescription to a patient's record. */
export function PrescriptionForm({ patientId, appointmentChoice, onSaved, onUnsavedChange }: PrescriptionFormProps) {
  const [draft, setDraft] = useState<PrescriptionDraft>(() => ({
    appointment_id: initialAppointmentId(appointmentChoice),
    drug: '',
    strength: '',
    form: '',
    dose: '',
    route: '',
    frequency: '',
    quantity: '',
  }));
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<PrescriptionField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<Prescription | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const unsaved = hasPrescriptionInput(draft);
  useEffect(() => {
    onUnsavedChange?.(unsaved);
  }, [unsaved, onUnsavedChange]);

  function update(field: PrescriptionField, value: string) {
    setDraft((previous) => ({ ...previous, [field]: value }));
  }

  function showFieldErrors(errors: FieldErrors<PrescriptionField>) {
    setFieldErrors(errors);
    focusFirstInvalid(form.current);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    setSaved(undefined);
    const check = checkPrescription(draft);
    if (!check.ok) {
      showFieldErrors(check.errors);
      return;
    }
    setFieldErrors({});
    setSubmitting(true);
    try {
      const prescription = await addPrescription(patientId, check.request);
      setSaved(prescription);
      setDraft((previous) => ({
        ...previous,
        drug: '',
        strength: '',
        form: '',
        dose: '',
        route: '',
        frequency: '',
        quantity: '',
      }));
      onSaved?.(prescription);
    } catch (failure) {
      const split = splitApiError(failure, PRESCRIPTION_FIELDS);
      setFormError(split.formError);
      showFieldErrors(split.fieldErrors);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form ref={form} onSubmit={handleSubmit} noValidate aria-labelledby="prescription-form-heading" className="panel">
      <h2 id="prescription-form-heading">Add a prescription</h2>
      <InvalidFieldsAlert count={Object.keys(fieldErrors).length} action="save" />
      <ErrorAlert error={formError} testId="prescription-error" />
      {saved && (
        <StatusMessage testId="prescription-saved">
          Prescription saved: {saved.drug} {saved.strength}.
        </StatusMessage>
      )}
      <AppointmentField
        choice={appointmentChoice}
        value={draft.appointment_id}
        onChange={(value) => update('appointment_id', value)}
        error={fieldErrors.appointment_id}
        testId="prescription-appointment"
      />
      <div className="form-grid">
        <TextInput field="drug" draft={draft} errors={fieldErrors} update={update} />
        <TextInput field="strength" draft={draft} errors={fieldErrors} update={update} />
        <FormField label="Form" error={fieldErrors.form}>
          {(props) => (
            <select {...props} data-testid="prescription-form" value={draft.form} onChange={(event) => update('form', event.target.value)}>
              <option value="">Choose a form</option>
              {DOSAGE_FORMS.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <TextInput field="dose" draft={draft} errors={fieldErrors} update={update} />
        <FormField label="Route" error={fieldErrors.route}>
          {(props) => (
            <select {...props} data-testid="prescription-route" value={draft.route} onChange={(event) => update('route', event.target.value)}>
              <option value="">Choose a route</option>
              {ROUTES_OF_ADMINISTRATION.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <TextInput field="frequency" draft={draft} errors={fieldErrors} update={update} />
        <FormField label="Quantity" hint="The number of units to supply." error={fieldErrors.quantity}>
          {(props) => (
            <input
              {...props}
              data-testid="prescription-quantity"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={draft.quantity}
              onChange={(event) => update('quantity', event.target.value)}
            />
          )}
        </FormField>
      </div>
      <button type="submit" className="button" data-testid="prescription-save" disabled={submitting}>
        {submitting ? 'Saving…' : 'Save prescription'}
      </button>
    </form>
  );
}

interface TextInputProps {
  field: TextField;
  draft: PrescriptionDraft;
  errors: FieldErrors<PrescriptionField>;
  update: (field: PrescriptionField, value: string) => void;
}

function TextInput({ field, draft, errors, update }: TextInputProps) {
  const { label, hint } = TEXT_FIELDS[field];
  return (
    <FormField label={label} hint={hint} error={errors[field]}>
      {(props) => (
        <input
          {...props}
          data-testid={`prescription-${field}`}
          type="text"
          autoComplete="off"
          value={draft[field]}
          onChange={(event) => update(field, event.target.value)}
        />
      )}
    </FormField>
  );
}
