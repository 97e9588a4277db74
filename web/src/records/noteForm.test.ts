import { describe, expect, it } from 'vitest';
import { MAX_NOTE_CHARACTERS, checkNote, countCharacters, type NoteCheck } from './noteForm';

function errorsOf(check: NoteCheck) {
  if (check.ok) throw new Error('expected the check to fail, but it passed');
  return check.errors;
}

const appointmentId = '0b9f7c1e-4a43-4d3e-9a51-5d0c1f6a2b77';

describe('checkNote', () => {
  it('accepts a note of the maximum length', () => {
    const check = checkNote(appointmentId, 'a'.repeat(MAX_NOTE_CHARACTERS));

    expect(check.ok).toBe(true);
  });

  it('rejects a note one character too long', () => {
    const check = checkNote(appointmentId, 'a'.repeat(MAX_NOTE_CHARACTERS + 1));

    expect(errorsOf(check).note).toContain(String(MAX_NOTE_CHARACTERS + 1));
  });

  it('rejects a blank note', () => {
    const check = checkNote(appointmentId, ' \n ');

    expect(Object.keys(errorsOf(check))).toEqual(['note']);
  });

  it('rejects a missing appointment', () => {
    const check = checkNote('', 'Sore throat for 3 days.');

    expect(Object.keys(errorsOf(check))).toEqual(['appointment_id']);
  });
});

describe('countCharacters', () => {
  it('counts an emoji once', () => {
    expect(countCharacters('ok 👍')).toBe(4);
  });
});
