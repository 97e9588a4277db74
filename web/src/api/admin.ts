// Admin, invitation and break-glass routes of docs/api.md, with their types.
import { request } from './client';
import type { PersonRef, Role } from './types';

const id = encodeURIComponent;

export interface Elevation {
  /** When the elevated admin session ends; null when the session is not elevated. */
  elevated_until: string | null;
}

export interface AdminUser {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  active: boolean;
  totp_enabled: boolean;
  locked?: boolean;
  created_at?: string;
}

export interface CreatedInvitation {
  id: string;
  email: string;
  role: Role;
  expires_at: string;
  /** The single-use link to pass on to the invitee. */
  link: string;
}

export interface InvitationDetails {
  email: string;
  role: Role;
  expires_at: string;
}

export const BREAK_GLASS_REASONS = [
  { value: 'emergency_treatment', label: 'Emergency treatment' },
  { value: 'patient_unable_to_consent', label: 'Patient unable to consent' },
  { value: 'urgent_continuity_of_care', label: 'Urgent continuity of care' },
  { value: 'clinical_safety_concern', label: 'Clinical safety concern' },
] as const;
export type BreakGlassReason = (typeof BREAK_GLASS_REASONS)[number]['value'];

/** Returns the label shown for a stored reason code. */
export function reasonLabel(reason: string): string {
  return BREAK_GLASS_REASONS.find((entry) => entry.value === reason)?.label ?? reason;
}

export interface BreakGlassEpisode {
  id: string;
  patient: PersonRef;
  reason: string;
  started_at: string;
  expires_at: string;
}

export interface EpisodeReview {
  id: string;
  clinician: PersonRef;
  patient: PersonRef;
  reason: string;
  justification: string;
  started_at: string;
  expires_at: string;
  /** Audit events flagged with this episode. */
  audit_events: number;
  reviewed_at: string | null;
  reviewed_by: string | null;
  review_note: string | null;
}

// Elevated admin sessions

export function getElevation(signal?: AbortSignal): Promise<Elevation> {
  return request<Elevation>('GET', '/api/admin/elevation', { signal });
}

export function elevate(code: string): Promise<Elevation> {
  return request<Elevation>('POST', '/api/admin/elevate', { body: { code } });
}

export function endElevation(): Promise<void> {
  return request<void>('POST', '/api/admin/elevation/end');
}

// Users and invitations

export function listUsers(signal?: AbortSignal): Promise<AdminUser[]> {
  return request<AdminUser[]>('GET', '/api/admin/users', { signal });
}

export function inviteUser(email: string, role: Role): Promise<CreatedInvitation> {
  return request<CreatedInvitation>('POST', '/api/admin/invitations', { body: { email, role } });
}

export type UserAction = 'deactivate' | 'reactivate' | 'mfa-reset';

export function changeUser(userId: string, action: UserAction): Promise<AdminUser> {
  return request<AdminUser>('POST', `/api/admin/users/${id(userId)}/${action}`);
}

export function assignRole(userId: string, role: Role): Promise<AdminUser> {
  return request<AdminUser>('POST', `/api/admin/users/${id(userId)}/role`, { body: { role } });
}

export function lookupInvitation(token: string): Promise<InvitationDetails> {
  return request<InvitationDetails>('POST', '/api/invitations/lookup', { body: { token } });
}

export function acceptInvitation(token: string, displayName: string, password: string): Promise<{ user_id: string }> {
  return request<{ user_id: string }>('POST', '/api/invitations/accept', {
    body: { token, display_name: displayName, password },
  });
}

// Break-glass

export function listBreakGlassQueue(signal?: AbortSignal): Promise<EpisodeReview[]> {
  return request<EpisodeReview[]>('GET', '/api/admin/break-glass', { signal });
}

export function reviewEpisode(episodeId: string, note: string): Promise<EpisodeReview> {
  return request<EpisodeReview>('POST', `/api/admin/break-glass/${id(episodeId)}/review`, { body: { note } });
}

export function searchPatientForBreakGlass(email: string): Promise<{ patient: PersonRef }> {
  return request<{ patient: PersonRef }>('POST', '/api/break-glass/search', { body: { email } });
}

export function startBreakGlass(patientId: string, reason: string, justification: string): Promise<BreakGlassEpisode> {
  return request<BreakGlassEpisode>('POST', '/api/break-glass/episodes', {
    body: { patient_id: patientId, reason, justification },
  });
}

export function listOwnEpisodes(signal?: AbortSignal): Promise<BreakGlassEpisode[]> {
  return request<BreakGlassEpisode[]>('GET', '/api/break-glass/episodes', { signal });
}
