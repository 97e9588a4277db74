// Audit review and access report routes of docs/api.md, with their types.
import { ApiError, parseApiError, request } from './client';

const id = encodeURIComponent;

/** The review's filters; empty strings are left out of the query. */
export interface AuditFilters {
  patient_id: string;
  actor_id: string;
  /** An exact event type, or a prefix ending in a dot such as "auth.". */
  event_type: string;
  outcome: '' | 'allowed' | 'denied' | 'failed';
  /** RFC 3339 times; `to` is exclusive. */
  from: string;
  to: string;
  flagged: '' | 'true' | 'false';
}

export const EMPTY_FILTERS: AuditFilters = {
  patient_id: '',
  actor_id: '',
  event_type: '',
  outcome: '',
  from: '',
  to: '',
  flagged: '',
};

export interface AuditEvent {
  chain: string;
  seq: number;
  id: string;
  occurred_at: string;
  event_type: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_display_name: string | null;
  patient_id: string | null;
  record_type: string | null;
  record_id: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  client_ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  break_glass_id: string | null;
  result_ids: string[] | null;
  flagged: boolean;
  flag_reasons: ('break_glass' | 'denied')[];
}

export interface AuditPage {
  events: AuditEvent[];
  /** The cursor of the next page; null on the last page. */
  next: string | null;
}

export interface AccessReportEntry {
  id: string;
  occurred_at: string;
  who: { display_name: string | null; role: string | null };
  clinic: string;
  action: string;
  reason: string;
  emergency: boolean;
  event_type: string;
}

export interface AccessReportPage {
  entries: AccessReportEntry[];
  next: string | null;
}

/** Builds the query string of `filters` plus `extra`, leaving out empty values. */
export function auditQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, ...extra })) {
    if (value !== '') params.set(name, value);
  }
  return params.toString();
}

export function listAuditEvents(filters: AuditFilters, cursor: string | undefined, signal?: AbortSignal): Promise<AuditPage> {
  const query = auditQuery(filters, cursor ? { cursor, limit: '50' } : { limit: '50' });
  return request<AuditPage>('GET', `/api/audit/events?${query}`, { signal });
}

export interface AuditExport {
  blob: Blob;
  filename: string;
  /** Set when more events matched than one export contains: the cursor of the rest. */
  next: string | null;
}

/** Downloads an export as a Blob, with the file name the server chose. */
export async function exportAuditEvents(filters: AuditFilters, format: 'csv' | 'json', cursor?: string): Promise<AuditExport> {
  const query = auditQuery(filters, cursor ? { format, cursor } : { format });
  let response: Response;
  try {
    response = await fetch(`/api/audit/events/export?${query}`, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  if (!response.ok) throw parseApiError(response.status, await response.text());
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `audit-events.${format}`;
  return { blob: await response.blob(), filename, next: response.headers.get('X-Next-Cursor') };
}

export function getAccessReport(patientId: string, cursor: string | undefined, signal?: AbortSignal): Promise<AccessReportPage> {
  const query = cursor ? `?cursor=${id(cursor)}` : '';
  return request<AccessReportPage>('GET', `/api/patients/${id(patientId)}/access-report${query}`, { signal });
}
