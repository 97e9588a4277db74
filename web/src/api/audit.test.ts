import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, auditQuery } from './audit';
import { localInputToRfc3339 } from '../audit/AuditReviewPage';

describe('auditQuery', () => {
  it('leaves out empty filters', () => {
    expect(auditQuery(EMPTY_FILTERS)).toBe('');
  });

  it('encodes filters and extra parameters', () => {
    const query = auditQuery({ ...EMPTY_FILTERS, event_type: 'auth.', outcome: 'denied', from: '2026-12-04T09:30:00Z' }, { limit: '50' });
    expect(query).toBe('event_type=auth.&outcome=denied&from=2026-12-04T09%3A30%3A00Z&limit=50');
  });
});

describe('localInputToRfc3339', () => {
  it('returns empty for an empty input', () => {
    expect(localInputToRfc3339('')).toBe('');
  });

  it('converts local time to UTC whole seconds', () => {
    const local = '2026-12-04T09:30:15';
    expect(localInputToRfc3339(local)).toBe(new Date(local).toISOString().replace('.000Z', 'Z'));
    expect(localInputToRfc3339(local)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:15Z$/);
  });

  it('passes text it cannot read to the server, which names the field', () => {
    expect(localInputToRfc3339('not a time')).toBe('not a time');
  });
});
