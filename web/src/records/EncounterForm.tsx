import { useEffect, useRef, useState, type FormEvent } from 'react';
import { addEncounter } from '../api/endpoints';
import type { Encounter } from '../api/types';
import { splitApiError, type FieldErrors } from '../shared/fieldErrors';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, FormField, InvalidFieldsAlert, StatusMessage, focusFirstInvalid } from '../shared/ui';
import { AppointmentField, initialAppointmentId, type AppointmentChoice } from './AppointmentField';
import { MAX_NOTE_CHARACTERS, checkNote, countCharacters, type NoteField } from './noteForm';

const NOTE_FIELDS: readonly NoteField[] = ['appointment_id', 'note'];

interface EncounterFormProps {
  patientId: string;
  appointmentChoice: AppointmentChoice;
  onSaved?: (encounter: Encounter) => void;
  /** Called with true while the note has text that is not saved, and false once it is saved or emptied. */
  onUnsavedChange?: (unsaved: boolean) => void;
}

/** Clinician form that adds an encounter note to a patient's record. */
export function EncounterForm({ patientId, appointmentChoice, onSaved, onUnsavedChange }: EncounterFormProps) {
  const [appointmentId, setAppointmentId] = useState(() => initialAppointmentId(appointmentChoice));
  const [note, setNote] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<NoteField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<Encounter | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const unsaved = note.trim() !== '';
  useEffect(() => {
    onUnsavedChange?.(unsaved);
  }, [unsaved, onUnsavedChange]);

  function showFieldErrors(errors: FieldErrors<NoteField>) {
    setFieldErrors(errors);
    focusFirstInvalid(form.current);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    setSaved(undefined);
    const check = checkNote(appointmentId, note);
    if (!check.ok) {
      showFieldErrors(check.errors);
      return;
    }
    setFieldErrors({});
    setSubmitting(true);
    try {
      const encounter = await addEncounter(patientId, check.request);
      setSaved(encounter);
      setNote('');
      onSaved?.(encounter);
    } catch (failure) {
      const split = splitApiError(failure, NOTE_FIELDS);
      setFormError(split.formError);
      showFieldErrors(split.fieldErrors);
    } finally {
      setSubmitting(false);
    }
  }

  const length = countCharacters(note);

  return (
    <form ref={form} onSubmit={handleSubmit} noValidate aria-labelledby="encounter-form-heading" className="panel">
      <h2 id="encounter-form-heading">Add an encounter note</h2>
      <InvalidFieldsAlert count={Object.keys(fieldErrors).length} action="save" />
      <ErrorAlert error={formError} testId="note-error" />
      {saved && <StatusMessage testId="note-saved">Note saved at {formatDateTime(saved.created_at)}.</StatusMessage>}
      <AppointmentField
        choice={appointmentChoice}
        value={appointmentId}
        onChange={setAppointmentId}
        error={fieldErrors.appointment_id}
        testId="note-appointment"
      />
      <FormField
        label="Note"
        hint={`${length} of ${MAX_NOTE_CHARACTERS} characters. The patient can read this note.`}
        error={fieldErrors.note}
      >
        {(props) => (
          <textarea
            {...props}
            data-testid="note-text"
            rows={8}
            required
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        )}
      </FormField>
      <button type="submit" className="button" data-testid="note-save" disabled={submitting}>
        {submitting ? 'Saving…' : 'Save note'}
      </button>
    </form>
  );
}
