// One typed function per route of docs/api.md.
import { request } from './client';
import type {
  Appointment,
  AvailabilityRequest,
  Clinician,
  Encounter,
  EncounterRequest,
  Formulary,
  Passkey,
  PatientRecords,
  Prescription,
  PrescriptionRequest,
  PrescriptionVersion,
  Session,
  SessionSummary,
  Slot,
  TotpEnrolment,
  TurnCredentials,
} from './types';
import type {
  AssertionJson,
  CreationOptionsJson,
  RegistrationJson,
  RequestOptionsJson,
} from '../account/webauthnJson';

const id = encodeURIComponent;

// Sign-in and MFA

export function getSession(signal?: AbortSignal): Promise<Session> {
  // The caller turns 401 into the sign-in page itself.
  return request<Session>('GET', '/api/auth/session', { signal, quietAuthFailure: true });
}

export function signIn(email: string, password: string): Promise<Session> {
  return request<Session>('POST', '/api/auth/login', { body: { email, password } });
}

export function signOut(): Promise<void> {
  return request<void>('POST', '/api/auth/logout', { quietAuthFailure: true });
}

export function enrolTotp(): Promise<TotpEnrolment> {
  return request<TotpEnrolment>('POST', '/api/auth/totp/enrol');
}

export function confirmTotp(code: string): Promise<Session> {
  return request<Session>('POST', '/api/auth/totp/confirm', { body: { code } });
}

export function verifyTotp(code: string): Promise<Session> {
  return request<Session>('POST', '/api/auth/totp/verify', { body: { code } });
}

export function verifyRecoveryCode(code: string): Promise<Session> {
  return request<Session>('POST', '/api/auth/recovery-codes/verify', { body: { code } });
}

export function getRecoveryCodeCount(signal?: AbortSignal): Promise<{ remaining: number }> {
  return request<{ remaining: number }>('GET', '/api/auth/recovery-codes', { signal });
}

export function generateRecoveryCodes(): Promise<{ codes: string[] }> {
  return request<{ codes: string[] }>('POST', '/api/auth/recovery-codes');
}

export function changePassword(currentPassword: string, newPassword: string): Promise<Session> {
  return request<Session>('POST', '/api/auth/password', {
    body: { current_password: currentPassword, new_password: newPassword },
  });
}

export async function listSessions(signal?: AbortSignal): Promise<SessionSummary[]> {
  const body = await request<{ sessions: SessionSummary[] }>('GET', '/api/auth/sessions', { signal });
  return body.sessions;
}

export function endSession(sessionId: string): Promise<void> {
  return request<void>('DELETE', `/api/auth/sessions/${id(sessionId)}`);
}

// Passkeys (WebAuthn). The options and credentials are in the JSON form of
// account/webauthnJson.ts.

export function passkeyRegistrationOptions(): Promise<CreationOptionsJson> {
  return request<CreationOptionsJson>('POST', '/api/auth/passkeys/register/options');
}

export function registerPasskey(name: string, credential: RegistrationJson): Promise<Passkey> {
  return request<Passkey>('POST', '/api/auth/passkeys', { body: { name, credential } });
}

export function listPasskeys(signal?: AbortSignal): Promise<Passkey[]> {
  return request<Passkey[]>('GET', '/api/auth/passkeys', { signal });
}

export function removePasskey(passkeyId: string): Promise<void> {
  return request<void>('DELETE', `/api/auth/passkeys/${id(passkeyId)}`);
}

export function passkeySecondFactorOptions(): Promise<RequestOptionsJson> {
  return request<RequestOptionsJson>('POST', '/api/auth/passkeys/verify/options');
}

export function verifyPasskey(credential: AssertionJson): Promise<Session> {
  return request<Session>('POST', '/api/auth/passkeys/verify', { body: { credential } });
}

export function passkeySignInOptions(): Promise<RequestOptionsJson> {
  return request<RequestOptionsJson>('POST', '/api/auth/passkeys/login/options');
}

export function signInWithPasskey(credential: AssertionJson): Promise<Session> {
  return request<Session>('POST', '/api/auth/passkeys/login', { body: { credential } });
}

// Scheduling

export function listClinicians(signal?: AbortSignal): Promise<Clinician[]> {
  return request<Clinician[]>('GET', '/api/clinicians', { signal });
}

export function publishAvailability(body: AvailabilityRequest): Promise<{ slots: Slot[] }> {
  return request<{ slots: Slot[] }>('POST', '/api/availability', { body });
}

export function listOwnSlots(signal?: AbortSignal): Promise<Slot[]> {
  return request<Slot[]>('GET', '/api/availability', { signal });
}

export function listFreeSlots(clinicianId: string, signal?: AbortSignal): Promise<Slot[]> {
  return request<Slot[]>('GET', `/api/clinicians/${id(clinicianId)}/slots`, { signal });
}

export function bookAppointment(slotId: string): Promise<Appointment> {
  return request<Appointment>('POST', '/api/appointments', { body: { slot_id: slotId } });
}

export function listAppointments(signal?: AbortSignal): Promise<Appointment[]> {
  return request<Appointment[]>('GET', '/api/appointments', { signal });
}

export function getAppointment(appointmentId: string, signal?: AbortSignal): Promise<Appointment> {
  return request<Appointment>('GET', `/api/appointments/${id(appointmentId)}`, { signal });
}

// Video consultation

export function getTurnCredentials(appointmentId: string, signal?: AbortSignal): Promise<TurnCredentials> {
  return request<TurnCredentials>('GET', `/api/appointments/${id(appointmentId)}/turn`, { signal });
}

/** Returns the WebSocket URL of the signaling channel, on the page's own host. */
export function signalingUrl(appointmentId: string, location: Pick<Location, 'protocol' | 'host'>): string {
  // Production is always HTTPS and so wss. The Vite dev server is plain HTTP
  // and proxies ws to the backend's wss.
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/appointments/${id(appointmentId)}/signal`;
}

// Records

export function getPatientRecords(patientId: string, signal?: AbortSignal): Promise<PatientRecords> {
  return request<PatientRecords>('GET', `/api/patients/${id(patientId)}/records`, { signal });
}

export function addEncounter(patientId: string, body: EncounterRequest): Promise<Encounter> {
  return request<Encounter>('POST', `/api/patients/${id(patientId)}/encounters`, { body });
}

export function addPrescription(patientId: string, body: PrescriptionRequest): Promise<Prescription> {
  return request<Prescription>('POST', `/api/patients/${id(patientId)}/prescriptions`, { body });
}

export function getFormulary(signal?: AbortSignal): Promise<Formulary> {
  return request<Formulary>('GET', '/api/formulary', { signal });
}

export function cancelPrescription(patientId: string, prescriptionId: string, reason: string): Promise<Prescription> {
  return request<Prescription>(
    'POST',
    `/api/patients/${id(patientId)}/prescriptions/${id(prescriptionId)}/cancel`,
    { body: { reason } },
  );
}

export async function getPrescriptionVersions(
  patientId: string,
  prescriptionId: string,
  signal?: AbortSignal,
): Promise<PrescriptionVersion[]> {
  const result = await request<{ versions: PrescriptionVersion[] }>(
    'GET',
    `/api/patients/${id(patientId)}/prescriptions/${id(prescriptionId)}/versions`,
    { signal },
  );
  return result.versions;
}
