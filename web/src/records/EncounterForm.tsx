import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { Encounter, NoteSections } from '../api/types';
import { splitApiError, type FieldErrors } from '../shared/fieldErrors';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, FormField, InvalidFieldsAlert, StatusMessage, focusFirstInvalid } from '../shared/ui';
import { AppointmentField, initialAppointmentId, type AppointmentChoice } from './AppointmentField';
import { countCharacters } from './noteForm';
import {
  EMPTY_SECTIONS,
  MAX_FREE_TEXT_CHARACTERS,
  MAX_SECTION_CHARACTERS,
  NOTE_SECTIONS,
  hasText,
  pickSections,
  sameSections,
} from './notes/noteText';
import { createDraft, getNote, saveDraft, signNote } from './notes/notesApi';

/** How long typing must pause before the draft is saved, in milliseconds. */
export const AUTOSAVE_DELAY_MS = 1500;

type NoteField = keyof NoteSections | 'appointment_id' | 'version';
const NOTE_FIELDS: readonly NoteField[] = [...NOTE_SECTIONS.map(({ field }) => field), 'appointment_id', 'version'];

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: Date } | { kind: 'failed' };

interface EncounterFormProps {
  patientId: string;
  appointmentChoice: AppointmentChoice;
  /** A draft of this clinician to continue, instead of a new note. */
  draft?: Encounter;
  /** Called with the note once it is signed. */
  onSaved?: (encounter: Encounter) => void;
  /** Called with true while the note has text that is not saved, and false once it is saved or emptied. */
  onUnsavedChange?: (unsaved: boolean) => void;
}

function clockTime(date: Date): string {
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(date);
}

/**
 * Clinician editor for a structured encounter note. The note is a draft that
 * only its author can see. It is saved after each pause in typing, together
 * with the version it started from, so a second tab cannot silently
 * overwrite it. Signing saves any change first, then locks the note.
 */
export function EncounterForm({ patientId, appointmentChoice, draft, onSaved, onUnsavedChange }: EncounterFormProps) {
  const [appointmentId, setAppointmentId] = useState(() => draft?.appointment_id ?? initialAppointmentId(appointmentChoice));
  const [sections, setSections] = useState<NoteSections>(() => (draft ? pickSections(draft) : { ...EMPTY_SECTIONS }));
  // The server's copy of the draft: its id, version and saved sections.
  const [stored, setStored] = useState<Encounter | undefined>(draft);
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });
  const [conflict, setConflict] = useState<string | undefined>(undefined);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<NoteField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [signed, setSigned] = useState<Encounter | undefined>(undefined);
  const [signing, setSigning] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // The save in flight, so that a second save (or signing) waits for it.
  const inFlight = useRef<Promise<Encounter | undefined> | undefined>(undefined);
  const latest = useRef({ sections, stored, appointmentId });
  latest.current = { sections, stored, appointmentId };

  const storedSections = stored ? pickSections(stored) : EMPTY_SECTIONS;
  const dirty = !sameSections(sections, storedSections);
  const unsaved = dirty && hasText(sections);

  useEffect(() => {
    onUnsavedChange?.(unsaved || saveState.kind === 'saving');
  }, [unsaved, saveState.kind, onUnsavedChange]);

  const showFieldErrors = useCallback((errors: FieldErrors<NoteField>) => {
    setFieldErrors(errors);
    focusFirstInvalid(form.current);
  }, []);

  // Saves the current text as the draft's next version. Returns the stored
  // note, or undefined when the save failed (the error is shown).
  const save = useCallback(async (): Promise<Encounter | undefined> => {
    if (inFlight.current) await inFlight.current;
    const { sections: text, stored: current, appointmentId: appointment } = latest.current;
    if (current && sameSections(text, pickSections(current))) return current;
    if (!appointment) {
      showFieldErrors({ appointment_id: 'Choose the appointment this note belongs to.' });
      return undefined;
    }
    setSaveState({ kind: 'saving' });
    const attempt = (async () => {
      try {
        const saved = current
          ? await saveDraft(patientId, current.id, current.version, text)
          : await createDraft(patientId, appointment, text);
        setStored(saved);
        setFieldErrors({});
        setFormError(undefined);
        setSaveState({ kind: 'saved', at: new Date() });
        return saved;
      } catch (failure) {
        setSaveState({ kind: 'failed' });
        if (failure instanceof ApiError && failure.status === 409) {
          setConflict(failure.message.replace(/^version: /, ''));
          return undefined;
        }
        const split = splitApiError(failure, NOTE_FIELDS);
        setFormError(split.formError);
        showFieldErrors(split.fieldErrors);
        return undefined;
      }
    })();
    inFlight.current = attempt;
    try {
      return await attempt;
    } finally {
      if (inFlight.current === attempt) inFlight.current = undefined;
    }
  }, [patientId, showFieldErrors]);

  // Autosave after a pause in typing, but not while a conflict with another tab's save is shown.
  useEffect(() => {
    if (!unsaved || conflict !== undefined || saveState.kind === 'saving') return undefined;
    const timer = window.setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [sections, unsaved, conflict, saveState.kind, save]);

  async function reloadLatest() {
    if (!stored) return;
    try {
      const latestNote = await getNote(patientId, stored.id);
      setStored(latestNote);
      setSections(pickSections(latestNote));
      setConflict(undefined);
      setSaveState({ kind: 'saved', at: new Date(latestNote.updated_at) });
    } catch (failure) {
      setFormError(failure);
    }
  }

  async function handleSign(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    if (!hasText(sections)) {
      showFieldErrors({ presenting_complaint: 'Write in at least one section before signing.' });
      return;
    }
    setSigning(true);
    try {
      const saved = await save();
      if (!saved) return;
      const note = await signNote(patientId, saved.id, saved.version);
      setSigned(note);
      setStored(undefined);
      setSections({ ...EMPTY_SECTIONS });
      setSaveState({ kind: 'idle' });
      onSaved?.(note);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) {
        setConflict(failure.message.replace(/^version: /, ''));
      } else {
        const split = splitApiError(failure, NOTE_FIELDS);
        setFormError(split.formError);
        showFieldErrors(split.fieldErrors);
      }
    } finally {
      setSigning(false);
    }
  }

  function setSection(field: keyof NoteSections, value: string) {
    setSections((previous) => ({ ...previous, [field]: value }));
  }

  return (
    <form ref={form} onSubmit={handleSign} noValidate aria-labelledby="encounter-form-heading" className="panel" data-testid="note-editor">
      <h2 id="encounter-form-heading">{stored ? 'Draft encounter note' : 'New encounter note'}</h2>
      <p>Only you can see a draft. The patient sees the note once you sign it, and a signed note can only be amended.</p>
      <InvalidFieldsAlert count={Object.keys(fieldErrors).length} action="save" />
      <ErrorAlert error={formError} testId="note-error" />
      {conflict !== undefined && (
        <div className="alert alert-error" role="alert" data-testid="note-conflict">
          <p>Not saved: {conflict}</p>
          <button type="button" className="button button-secondary" onClick={() => void reloadLatest()} data-testid="note-reload">
            Load the latest version
          </button>
        </div>
      )}
      {signed && signed.signature && (
        <StatusMessage testId="note-signed">Note signed at {formatDateTime(signed.signature.signed_at)}.</StatusMessage>
      )}
      <p className="item-meta" role="status" data-testid="note-save-status">
        {saveState.kind === 'saving'
          ? 'Saving…'
          : saveState.kind === 'saved' && !dirty
            ? `Saved at ${clockTime(saveState.at)}`
            : dirty && hasText(sections)
              ? 'Not saved yet'
              : ''}
      </p>
      {stored ? (
        <p className="field-fixed">Draft version {stored.version}.</p>
      ) : (
        <AppointmentField
          choice={appointmentChoice}
          value={appointmentId}
          onChange={setAppointmentId}
          error={fieldErrors.appointment_id}
          testId="note-appointment"
        />
      )}
      {NOTE_SECTIONS.map(({ field, label }) => {
        const maximum = field === 'free_text' ? MAX_FREE_TEXT_CHARACTERS : MAX_SECTION_CHARACTERS;
        return (
          <FormField
            key={field}
            label={label}
            hint={`${countCharacters(sections[field])} of ${maximum} characters.`}
            error={fieldErrors[field]}
          >
            {(props) => (
              <textarea
                {...props}
                data-testid={`note-section-${field}`}
                rows={field === 'free_text' ? 5 : 3}
                value={sections[field]}
                onChange={(event) => setSection(field, event.target.value)}
              />
            )}
          </FormField>
        );
      })}
      <button type="submit" className="button" data-testid="note-sign" disabled={signing || conflict !== undefined}>
        {signing ? 'Signing…' : 'Sign note'}
      </button>
    </form>
  );
}
