import { describe, expect, it } from 'vitest';
import { diffWords } from './textDiff';
import { noteAsText } from './noteText';

describe('diffWords', () => {
  it('marks changed words', () => {
    expect(diffWords('Review in one week', 'Review in two weeks')).toEqual([
      { kind: 'same', text: 'Review in ' },
      { kind: 'removed', text: 'one' },
      { kind: 'added', text: 'two' },
      { kind: 'same', text: ' ' },
      { kind: 'removed', text: 'week' },
      { kind: 'added', text: 'weeks' },
    ]);
  });

  it('returns one part for equal texts', () => {
    expect(diffWords('same text', 'same text')).toEqual([{ kind: 'same', text: 'same text' }]);
  });

  it('keeps each side reconstructible', () => {
    const older = 'Plan:\nFluids and rest.\n\nNotes:\nCall back';
    const newer = 'Plan:\nFluids, rest and paracetamol.\n\nNotes:\nCall back if worse';
    const parts = diffWords(older, newer);
    expect(parts.filter((part) => part.kind !== 'added').map((part) => part.text).join('')).toBe(older);
    expect(parts.filter((part) => part.kind !== 'removed').map((part) => part.text).join('')).toBe(newer);
  });

  it('compares long texts as wholes', () => {
    expect(diffWords('a b c', 'a b d', 2)).toEqual([
      { kind: 'removed', text: 'a b c' },
      { kind: 'added', text: 'a b d' },
    ]);
  });

  it('treats markup as text', () => {
    expect(diffWords('<b>x</b>', '<img src=x onerror="y">')).toEqual([
      { kind: 'removed', text: '<b>x</b>' },
      { kind: 'added', text: '<img src=x onerror="y">' },
    ]);
  });
});

describe('noteAsText', () => {
  it('lists non-blank sections and amendments', () => {
    const sections = { presenting_complaint: 'Cough', history: '', examination: ' ', assessment: '', plan: 'Rest', free_text: '' };
    expect(noteAsText(sections, [{ text: 'X-ray clear', reason: 'Result arrived' }])).toBe(
      'Presenting complaint:\nCough\n\nPlan:\nRest\n\nAmendment 1 (reason: Result arrived):\nX-ray clear',
    );
  });
});
