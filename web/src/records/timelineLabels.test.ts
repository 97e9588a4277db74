import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../api/timeline';
import { entryTitle, isUpcoming, statusLabel } from './timelineLabels';

function entry(overrides: Partial<TimelineEntry>): TimelineEntry {
  return {
    kind: 'appointment',
    id: '00000000-0000-4000-8000-000000000001',
    occurred_at: '2026-03-02T09:00:00Z',
    appointment_id: null,
    clinician: { id: '00000000-0000-4000-8000-000000000002', display_name: 'Dr Example' },
    status: 'booked',
    summary: '',
    ...overrides,
  };
}

describe('entryTitle', () => {
  it('names each kind', () => {
    expect(entryTitle(entry({ kind: 'appointment' }))).toBe('Appointment');
    expect(entryTitle(entry({ kind: 'encounter', status: 'signed' }))).toBe('Consultation note');
    expect(entryTitle(entry({ kind: 'prescription', summary: 'Amoxicillin 500 mg' }))).toBe(
      'Prescription: Amoxicillin 500 mg',
    );
    expect(entryTitle(entry({ kind: 'prescription', summary: '' }))).toBe('Prescription');
  });
});

describe('statusLabel', () => {
  it('words known states and passes others through', () => {
    expect(statusLabel('cancelled')).toBe('Cancelled');
    expect(statusLabel('signed')).toBe('Signed');
    expect(statusLabel('on hold')).toBe('on hold');
  });
});

describe('isUpcoming', () => {
  const now = new Date('2026-03-02T08:00:00Z');
  it('is true only for a booked appointment after now', () => {
    expect(isUpcoming(entry({}), now)).toBe(true);
    expect(isUpcoming(entry({ status: 'cancelled' }), now)).toBe(false);
    expect(isUpcoming(entry({ occurred_at: '2026-03-01T09:00:00Z' }), now)).toBe(false);
    expect(isUpcoming(entry({ kind: 'encounter', status: 'signed' }), now)).toBe(false);
  });
});
