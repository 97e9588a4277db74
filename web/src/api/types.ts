// Shapes of the JSON bodies in docs/api.md. Times are RFC 3339 strings in UTC
// ("2026-12-04T09:30:00Z") and ids are lowercase hyphenated UUIDs.

export type Role = 'patient' | 'clinician' | 'admin' | 'auditor';

/** The sign-in step still due; other routes respond 403 `mfa_required` until it is done. */
export type MfaState = 'not_required' | 'enrol' | 'verify' | 'done';

export interface User {
  id: string;
  email: string;
  role: Role;
  display_name: string;
}

export interface Session {
  user: User;
  mfa: MfaState;
  /** Sent back in the X-CSRF-Token header of every state-changing request (api/client.ts does it). */
  csrf_token?: string;
  /** The server signs a session out after this long without a request. */
  idle_timeout_seconds?: number;
}

/** One of the signed-in user's sessions (GET /api/auth/sessions). */
export interface SessionSummary {
  id: string;
  client_ip: string;
  user_agent: string;
  created_at: string;
  last_seen_at: string;
  /** True for the session making the request. */
  current: boolean;
}

export interface TotpEnrolment {
  otpauth_uri: string;
  /** The base32 secret, for typing into an authenticator app by hand. */
  secret: string;
}

/** A person named inside another record. */
export interface PersonRef {
  id: string;
  display_name: string;
}

export type Clinician = PersonRef;

export interface Slot {
  id: string;
  clinician_id: string;
  starts_at: string;
  ends_at: string;
  booked: boolean;
}

export interface AvailabilityRequest {
  starts_at: string;
  ends_at: string;
  slot_minutes: number;
}

export type AppointmentStatus = 'booked' | 'cancelled';

export interface Appointment {
  id: string;
  starts_at: string;
  ends_at: string;
  status: AppointmentStatus;
  patient: PersonRef;
  clinician: PersonRef;
}

export interface IceServer {
  urls: string | string[];
  username: string;
  credential: string;
}

export interface TurnCredentials {
  ice_servers: IceServer[];
  expires_at: string;
}

/** The sections of a structured encounter note, each plain text ('' when blank). */
export interface NoteSections {
  presenting_complaint: string;
  history: string;
  examination: string;
  assessment: string;
  plan: string;
  free_text: string;
}

export interface NoteSignature {
  signed_by: PersonRef;
  signed_at: string;
  /** null for a note signed before notes had versions. */
  version: number | null;
  /** Hex SHA-256 of the note's canonical encoding; null for a note signed before hashes. */
  content_sha256: string | null;
}

export interface NoteAmendment {
  id: string;
  version: number;
  author: PersonRef;
  created_at: string;
  text: string;
  reason: string;
  content_sha256: string;
}

export interface Encounter extends NoteSections {
  id: string;
  appointment_id: string;
  clinician: PersonRef;
  created_at: string;
  updated_at: string;
  status: 'draft' | 'signed';
  version: number;
  signature: NoteSignature | null;
  amendments: NoteAmendment[];
  /** The free text again, under the name single-text notes used. */
  note: string;
}

export interface NoteVersion {
  id: string;
  version: number;
  kind: 'draft' | 'signed' | 'amendment';
  author: PersonRef;
  created_at: string;
  content_sha256: string | null;
  /** Set when one version is read: the sections of a draft or signed version. */
  sections?: NoteSections;
  /** Set when one version is read: the text and reason of an amendment. */
  amendment?: { text: string; reason: string };
}

export interface EncounterRequest {
  appointment_id: string;
  note: string;
}

export const ROUTES_OF_ADMINISTRATION = [
  'oral',
  'inhalation',
  'topical',
  'subcutaneous',
  'intramuscular',
  'intravenous',
] as const;
export type RouteOfAdministration = (typeof ROUTES_OF_ADMINISTRATION)[number];

/** A prescribable product of GET /api/formulary (an RxNorm clinical drug). */
export interface FormularyProduct {
  code: string;
  system: string;
  display: string;
  name: string;
  form: string;
  strength: string;
  routes: string[];
  /** The unit one dose is counted in: tablet, capsule, mL, actuation, application. */
  dose_unit: string;
  dose_step: number;
  max_dose: number;
  /** The unit the quantity is counted in: tablet, inhaler, g. */
  supply_unit: string;
  /** Dose units per supply unit, or null where a dose is not a measured amount. */
  doses_per_supply_unit: number | null;
  max_quantity: number | null;
}

export interface FrequencyOption {
  code: string;
  label: string;
  /** Administrations per week. */
  per_week: number;
}

export interface Formulary {
  products: FormularyProduct[];
  frequencies: FrequencyOption[];
}

export interface PrescriptionRequest {
  appointment_id: string;
  drug_code: string;
  /** Amount per administration, in the product's dose unit. */
  dose: number;
  route: string;
  frequency: string;
  as_needed: boolean;
  duration_days: number;
  /** Amount to supply, in the product's supply unit. */
  quantity: number;
  repeats: number;
  instructions: string;
}

export type PrescriptionStatus = 'issued' | 'cancelled';

/**
 * A prescription as the API returns it. Coded ones carry drug_code and the
 * structured fields; ones written before coding have drug_code null and
 * free-text dose and frequency.
 */
export interface Prescription {
  id: string;
  appointment_id: string;
  clinician: PersonRef;
  created_at: string;
  status: PrescriptionStatus;
  drug_code: string | null;
  drug_system: string | null;
  drug: string;
  form: string;
  strength: string;
  dose: number | string;
  dose_unit?: string;
  route: string;
  frequency: string;
  as_needed?: boolean;
  duration_days?: number;
  quantity: number;
  supply_unit?: string;
  repeats?: number;
  instructions?: string;
}

export interface PrescriptionVersion {
  version: number;
  action: 'issued' | 'cancelled';
  actor: PersonRef;
  created_at: string;
  cancel_reason: string | null;
  prescription: Prescription;
}

export interface PatientRecords {
  // NOTE: docs/api.md does not give the shape of `patient`; this assumes the
  // {id, display_name} used for the patient of an appointment.
  patient: PersonRef;
  appointments: Appointment[];
  encounters: Encounter[];
  prescriptions: Prescription[];
}

/** A registered passkey; `algorithm` is the COSE algorithm (-7, -8 or -257). */
export interface Passkey {
  id: string;
  name: string;
  algorithm: number;
  created_at: string;
  last_used_at: string | null;
}
