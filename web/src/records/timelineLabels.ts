import type { TimelineEntry } from '../api/timeline';

/** Returns what an entry is, in the words a patient would use. */
export function entryTitle(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'appointment':
      return 'Appointment';
    case 'encounter':
      return 'Consultation note';
    case 'prescription':
      return entry.summary === '' ? 'Prescription' : `Prescription: ${entry.summary}`;
  }
}

const STATUS_LABELS: Record<string, string> = {
  booked: 'Booked',
  cancelled: 'Cancelled',
  draft: 'Draft',
  signed: 'Signed',
  amended: 'Amended',
  issued: 'Issued',
};

/** Returns the entry's state as shown beside it. An unknown state is returned as sent. */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** True for an appointment still to come, which the timeline marks as upcoming. */
export function isUpcoming(entry: TimelineEntry, now: Date): boolean {
  return entry.kind === 'appointment' && entry.status === 'booked' && new Date(entry.occurred_at) > now;
}
