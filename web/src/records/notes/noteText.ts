import type { NoteAmendment, NoteSections } from '../../api/types';

/** The sections in the order a note shows them, with their labels. */
export const NOTE_SECTIONS: readonly { field: keyof NoteSections; label: string }[] = [
  { field: 'presenting_complaint', label: 'Presenting complaint' },
  { field: 'history', label: 'History' },
  { field: 'examination', label: 'Examination' },
  { field: 'assessment', label: 'Assessment' },
  { field: 'plan', label: 'Plan' },
  { field: 'free_text', label: 'Notes' },
];

/** Maximum lengths that the API accepts, in Unicode code points. */
export const MAX_SECTION_CHARACTERS = 10_000;
export const MAX_FREE_TEXT_CHARACTERS = 20_000;

export const EMPTY_SECTIONS: NoteSections = {
  presenting_complaint: '',
  history: '',
  examination: '',
  assessment: '',
  plan: '',
  free_text: '',
};

export function pickSections(source: NoteSections): NoteSections {
  const sections = { ...EMPTY_SECTIONS };
  for (const { field } of NOTE_SECTIONS) sections[field] = source[field];
  return sections;
}

export function hasText(sections: NoteSections): boolean {
  return NOTE_SECTIONS.some(({ field }) => sections[field].trim() !== '');
}

export function sameSections(a: NoteSections, b: NoteSections): boolean {
  return NOTE_SECTIONS.every(({ field }) => a[field] === b[field]);
}

/**
 * Renders a note as plain text for comparing versions: each non-blank
 * section under its label, then each amendment with its reason.
 */
export function noteAsText(sections: NoteSections, amendments: readonly Pick<NoteAmendment, 'text' | 'reason'>[] = []): string {
  const blocks: string[] = [];
  for (const { field, label } of NOTE_SECTIONS) {
    if (sections[field].trim() !== '') blocks.push(`${label}:\n${sections[field]}`);
  }
  amendments.forEach((amendment, index) => {
    blocks.push(`Amendment ${index + 1} (reason: ${amendment.reason}):\n${amendment.text}`);
  });
  return blocks.join('\n\n');
}
