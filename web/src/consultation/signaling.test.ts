import { describe, expect, it } from 'vitest';
import { actionOnPeerJoined, offerNeedsNewConnection, parseSignalMessage } from './signaling';

describe('parseSignalMessage', () => {
  it('parses an offer', () => {
    expect(parseSignalMessage('{"type":"offer","sdp":"v=0"}')).toEqual({ type: 'offer', sdp: 'v=0' });
  });

  it('parses a candidate with its fields', () => {
    const text = JSON.stringify({
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 3478 typ relay', sdpMid: '0', sdpMLineIndex: 0, extra: 1 },
    });

    expect(parseSignalMessage(text)).toEqual({
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 3478 typ relay', sdpMid: '0', sdpMLineIndex: 0 },
    });
  });

  it('parses peer-joined and peer-left', () => {
    expect(parseSignalMessage('{"type":"peer-joined","role":"patient"}')).toEqual({ type: 'peer-joined', role: 'patient' });
    expect(parseSignalMessage('{"type":"peer-left","role":"clinician"}')).toEqual({ type: 'peer-left', role: 'clinician' });
  });

  it.each([
    ['not JSON', 'hello'],
    ['an unknown type', '{"type":"bye"}'],
    ['an offer without sdp', '{"type":"offer"}'],
    ['a candidate without candidate text', '{"type":"candidate","candidate":{"sdpMid":"0"}}'],
    ['an unknown role', '{"type":"peer-joined","role":"admin"}'],
    ['a JSON array', '[]'],
  ])('ignores %s', (_name, text) => {
    expect(parseSignalMessage(text)).toBeUndefined();
  });

  it('ignores binary frames', () => {
    expect(parseSignalMessage(new ArrayBuffer(4))).toBeUndefined();
  });
});

describe('actionOnPeerJoined', () => {
  const fresh = { hasRemoteDescription: false, offerInFlight: false };

  it('has the clinician offer when the patient joins', () => {
    expect(actionOnPeerJoined('clinician', 'patient', fresh)).toBe('offer');
  });

  it('has the patient wait for the offer', () => {
    expect(actionOnPeerJoined('patient', 'clinician', fresh)).toBe('wait');
  });

  it('has the patient wait even with an old connection', () => {
    expect(actionOnPeerJoined('patient', 'clinician', { hasRemoteDescription: true, offerInFlight: false })).toBe('wait');
  });

  it('replaces the connection when a connected patient joins again', () => {
    expect(actionOnPeerJoined('clinician', 'patient', { hasRemoteDescription: true, offerInFlight: false })).toBe(
      'replace-and-offer',
    );
  });

  it('replaces the connection when an offer is unanswered', () => {
    expect(actionOnPeerJoined('clinician', 'patient', { hasRemoteDescription: false, offerInFlight: true })).toBe(
      'replace-and-offer',
    );
  });

  it('ignores a join of its own role', () => {
    expect(actionOnPeerJoined('clinician', 'clinician', fresh)).toBe('ignore');
  });
});

describe('offerNeedsNewConnection', () => {
  it('is false for the first offer', () => {
    expect(offerNeedsNewConnection({ hasRemoteDescription: false })).toBe(false);
  });

  it('is true once a remote description is set', () => {
    expect(offerNeedsNewConnection({ hasRemoteDescription: true })).toBe(true);
  });
});
