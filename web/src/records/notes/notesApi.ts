// The encounter note routes of docs/api.md ("Encounter notes").
import { request } from '../../api/client';
import type { Encounter, NoteAmendment, NoteSections, NoteVersion } from '../../api/types';

const id = encodeURIComponent;

function notePath(patientId: string, encounterId: string): string {
  return `/api/patients/${id(patientId)}/encounters/${id(encounterId)}`;
}

export function createDraft(patientId: string, appointmentId: string, sections: NoteSections): Promise<Encounter> {
  return request<Encounter>('POST', `/api/patients/${id(patientId)}/encounters`, {
    body: { appointment_id: appointmentId, status: 'draft', ...sections },
  });
}

/** Saves the draft as the next version; `version` is the one the editor started from. */
export function saveDraft(patientId: string, encounterId: string, version: number, sections: NoteSections): Promise<Encounter> {
  return request<Encounter>('PUT', notePath(patientId, encounterId), { body: { version, ...sections } });
}

export function signNote(patientId: string, encounterId: string, version: number): Promise<Encounter> {
  return request<Encounter>('POST', `${notePath(patientId, encounterId)}/sign`, { body: { version } });
}

export function addAmendment(patientId: string, encounterId: string, text: string, reason: string): Promise<NoteAmendment> {
  return request<NoteAmendment>('POST', `${notePath(patientId, encounterId)}/amendments`, { body: { text, reason } });
}

export async function listVersions(patientId: string, encounterId: string, signal?: AbortSignal): Promise<NoteVersion[]> {
  const body = await request<{ versions: NoteVersion[] }>('GET', `${notePath(patientId, encounterId)}/versions`, { signal });
  return body.versions;
}

export function getVersion(patientId: string, encounterId: string, versionId: string, signal?: AbortSignal): Promise<NoteVersion> {
  return request<NoteVersion>('GET', `${notePath(patientId, encounterId)}/versions/${id(versionId)}`, { signal });
}

export function getNote(patientId: string, encounterId: string, signal?: AbortSignal): Promise<Encounter> {
  return request<Encounter>('GET', notePath(patientId, encounterId), { signal });
}
