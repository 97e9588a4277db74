import type { EncounterRequest } from '../api/types';
import type { FieldErrors } from '../shared/fieldErrors';

/** Maximum length of an encounter note that the API accepts, in characters. */
export const MAX_NOTE_CHARACTERS = 20_000;

export type NoteField = 'appointment_id' | 'note';

export type NoteCheck = { ok: true; request: EncounterRequest } | { ok: false; errors: FieldErrors<NoteField> };

/**
 * Counts characters as Unicode code points, so an emoji or a character
 * outside the Basic Multilingual Plane counts once.
 */
// NOTE: docs/api.md gives "1 to 20 000 characters" without stating whether the
// server counts code points, UTF-16 units or bytes. Code points are assumed.
export function countCharacters(text: string): number {
  return Array.from(text).length;
}

/** Checks an encounter note before it is sent; the server repeats the checks. */
export function checkNote(appointmentId: string, note: string): NoteCheck {
  const errors: FieldErrors<NoteField> = {};
  if (!appointmentId) {
    errors.appointment_id = 'Choose the appointment this note belongs to.';
  }
  const length = countCharacters(note);
  if (note.trim() === '') {
    errors.note = 'Enter a note.';
  } else if (length > MAX_NOTE_CHARACTERS) {
    errors.note = `The note is ${length} characters long; the maximum is ${MAX_NOTE_CHARACTERS}.`;
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, request: { appointment_id: appointmentId, note } };
}
