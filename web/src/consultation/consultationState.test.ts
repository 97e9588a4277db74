import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { classifyTurnError, consultationPhase, describeCallFailure } from './consultationState';

const paris = { locale: 'en-GB', timeZone: 'Europe/Paris' };
const appointment = { starts_at: '2026-12-04T23:25:00Z', ends_at: '2026-12-04T23:40:00Z' };

describe('consultationPhase', () => {
  const endsAt = '2026-12-04T10:15:00Z';
  const now = new Date('2026-12-04T10:05:00Z');

  it('stays in the call while the peer is present', () => {
    expect(consultationPhase({ role: 'patient', endsAt, peerLeftAt: undefined, now })).toBe('in-call');
  });

  it('waits 30 seconds after the peer left', () => {
    const peerLeftAt = new Date(now.getTime() - 29_000);
    expect(consultationPhase({ role: 'patient', endsAt, peerLeftAt, now })).toBe('in-call');
  });

  it('tells the patient the clinician has gone', () => {
    const peerLeftAt = new Date(now.getTime() - 30_000);
    expect(consultationPhase({ role: 'patient', endsAt, peerLeftAt, now })).toBe('peer-gone');
  });

  it('keeps the clinician in the call', () => {
    const peerLeftAt = new Date(now.getTime() - 60_000);
    expect(consultationPhase({ role: 'clinician', endsAt, peerLeftAt, now })).toBe('in-call');
  });

  it('ends for both at the end time', () => {
    const atEnd = new Date(endsAt);
    expect(consultationPhase({ role: 'patient', endsAt, peerLeftAt: undefined, now: atEnd })).toBe('ended');
    expect(consultationPhase({ role: 'clinician', endsAt, peerLeftAt: undefined, now: atEnd })).toBe('ended');
  });

  it('does not end before the appointment loads', () => {
    expect(consultationPhase({ role: 'patient', endsAt: undefined, peerLeftAt: undefined, now })).toBe('in-call');
  });
});

describe('classifyTurnError', () => {
  it('reads 403 as outside the window', () => {
    expect(classifyTurnError(new ApiError(403, 'forbidden', 'outside the join window'))).toEqual({ kind: 'outside-window' });
  });

  it('reads 404 as not found', () => {
    expect(classifyTurnError(new ApiError(404, 'not_found', 'not found'))).toEqual({ kind: 'not-found' });
  });

  it('formats other errors as sentences', () => {
    expect(classifyTurnError(new ApiError(409, 'conflict', 'busy'))).toEqual({ kind: 'other', message: 'Busy.' });
  });
});

describe('describeCallFailure', () => {
  it('gives the window in local time', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    expect(describeCallFailure({ kind: 'outside-window' }, appointment, now, paris)).toBe(
      'This consultation opens on Sat 5 Dec at 00:15 CET (10 minutes before the start) and closes on Sat 5 Dec at 00:40 CET.',
    );
  });

  it('leaves out the date on the same day', () => {
    const now = new Date('2026-12-04T23:00:00Z');
    expect(describeCallFailure({ kind: 'outside-window' }, appointment, now, paris)).toBe(
      'This consultation opens at 00:15 CET (10 minutes before the start) and closes at 00:40 CET.',
    );
  });

  it('explains a 404 without the join tip', () => {
    const text = describeCallFailure({ kind: 'not-found' }, appointment, new Date(), paris);
    expect(text).toBe('This consultation was not found, or it is not yours.');
  });
});
