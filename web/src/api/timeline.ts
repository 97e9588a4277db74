// The visit history route of docs/api.md, with its types.
import { request } from './client';
import type { PersonRef } from './types';

export type TimelineKind = 'appointment' | 'encounter' | 'prescription';

export interface TimelineEntry {
  kind: TimelineKind;
  id: string;
  /** An appointment's start; a note's or prescription's creation. */
  occurred_at: string;
  appointment_id: string | null;
  clinician: PersonRef;
  status: string;
  /** Plain text; a prescription's drug and strength, else empty. */
  summary: string;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** The cursor of the next (older) page; null on the last page. */
  next: string | null;
}

export function getTimeline(patientId: string, cursor: string | undefined, signal?: AbortSignal): Promise<TimelinePage> {
  const query = cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`;
  return request<TimelinePage>('GET', `/api/patients/${encodeURIComponent(patientId)}/timeline${query}`, { signal });
}
