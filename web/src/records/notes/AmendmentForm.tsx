import { useRef, useState, type FormEvent } from 'react';
import type { NoteAmendment } from '../../api/types';
import { splitApiError, type FieldErrors } from '../../shared/fieldErrors';
import { ErrorAlert, FormField, InvalidFieldsAlert, focusFirstInvalid } from '../../shared/ui';
import { addAmendment } from './notesApi';

type AmendmentField = 'text' | 'reason';
const AMENDMENT_FIELDS: readonly AmendmentField[] = ['text', 'reason'];

interface AmendmentFormProps {
  patientId: string;
  encounterId: string;
  onAdded: (amendment: NoteAmendment) => void;
  onUnsavedChange?: (unsaved: boolean) => void;
}

/** Adds a signed amendment (an addendum with its reason) to a signed note. */
export function AmendmentForm({ patientId, encounterId, onAdded, onUnsavedChange }: AmendmentFormProps) {
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<AmendmentField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  function update(setter: (value: string) => void, value: string, other: string) {
    setter(value);
    onUnsavedChange?.(value.trim() !== '' || other.trim() !== '');
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    const errors: FieldErrors<AmendmentField> = {};
    if (text.trim() === '') errors.text = 'Enter the amendment.';
    if (reason.trim() === '') errors.reason = 'Say why the note is amended.';
    if (Object.keys(errors).length > 0) {
      setFieldErrors(errors);
      focusFirstInvalid(form.current);
      return;
    }
    setSubmitting(true);
    try {
      const amendment = await addAmendment(patientId, encounterId, text, reason);
      setText('');
      setReason('');
      setFieldErrors({});
      onUnsavedChange?.(false);
      onAdded(amendment);
    } catch (failure) {
      const split = splitApiError(failure, AMENDMENT_FIELDS);
      setFormError(split.formError);
      setFieldErrors(split.fieldErrors);
      focusFirstInvalid(form.current);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form ref={form} onSubmit={handleSubmit} noValidate className="amendment-form" aria-label="Add an amendment" data-testid="amendment-form">
      <InvalidFieldsAlert count={Object.keys(fieldErrors).length} action="add the amendment" />
      <ErrorAlert error={formError} testId="amendment-error" />
      <FormField label="Amendment" hint="The signed note stays as it is; this is added after it." error={fieldErrors.text}>
        {(props) => (
          <textarea {...props} data-testid="amendment-text" rows={3} value={text} onChange={(event) => update(setText, event.target.value, reason)} />
        )}
      </FormField>
      <FormField label="Reason for the amendment" error={fieldErrors.reason}>
        {(props) => (
          <input {...props} data-testid="amendment-reason" value={reason} onChange={(event) => update(setReason, event.target.value, text)} />
        )}
      </FormField>
      <button type="submit" className="button" data-testid="amendment-save" disabled={submitting}>
        {submitting ? 'Adding…' : 'Sign and add amendment'}
      </button>
    </form>
  );
}
