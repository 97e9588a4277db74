// The signaling protocol of docs/api.md, as pure functions: parsing the
// server's messages and deciding what a participant does when the other one
// joins. The WebRTC side effects live in callSession.ts.

export type ParticipantRole = 'patient' | 'clinician';

/** A JSON text frame on `/api/appointments/{id}/signal`. */
export type SignalMessage =
  | { type: 'offer'; sdp: string }
  | { type: 'answer'; sdp: string }
  | { type: 'candidate'; candidate: RTCIceCandidateInit }
  /** Sent by the server; `role` is the participant who joined. */
  | { type: 'peer-joined'; role: ParticipantRole }
  /** Sent by the server; `role` is the participant who left. */
  | { type: 'peer-left'; role: ParticipantRole };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRole(value: unknown): value is ParticipantRole {
  return value === 'patient' || value === 'clinician';
}

function parseCandidate(value: unknown): RTCIceCandidateInit | undefined {
  if (!isRecord(value) || typeof value.candidate !== 'string') return undefined;
  const candidate: RTCIceCandidateInit = { candidate: value.candidate };
  if (typeof value.sdpMid === 'string' || value.sdpMid === null) candidate.sdpMid = value.sdpMid;
  if (typeof value.sdpMLineIndex === 'number' || value.sdpMLineIndex === null) {
    candidate.sdpMLineIndex = value.sdpMLineIndex;
  }
  if (typeof value.usernameFragment === 'string' || value.usernameFragment === null) {
    candidate.usernameFragment = value.usernameFragment;
  }
  return candidate;
}

/**
 * Parses one text frame. Returns undefined for anything that is not a
 * well-formed message of the protocol, which the caller ignores: the other
 * participant's messages are relayed unchanged, so they are untrusted input.
 */
export function parseSignalMessage(text: unknown): SignalMessage | undefined {
  if (typeof text !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;

  switch (value.type) {
    case 'offer':
    case 'answer':
      return typeof value.sdp === 'string' && value.sdp !== '' ? { type: value.type, sdp: value.sdp } : undefined;
    case 'candidate': {
      const candidate = parseCandidate(value.candidate);
      return candidate ? { type: 'candidate', candidate } : undefined;
    }
    case 'peer-joined':
    case 'peer-left':
      return isRole(value.role) ? { type: value.type, role: value.role } : undefined;
    default:
      return undefined;
  }
}

/** The negotiation facts that decide what to do when a participant joins. */
export interface NegotiationState {
  /** The current RTCPeerConnection has a remote description. */
  hasRemoteDescription: boolean;
  /** This side has sent an offer and no answer has arrived yet. */
  offerInFlight: boolean;
}

export type PeerJoinedAction =
  /** Send an offer on the current connection. */
  | 'offer'
  /** The connection belongs to an earlier visit of the peer: replace it, then offer. */
  | 'replace-and-offer'
  /** Wait for the clinician's offer. */
  | 'wait'
  /** The message is not about the other participant. */
  | 'ignore';

/**
 * Decides what `self` does on `peer-joined`. Only the clinician makes offers,
 * so the two sides never offer at once. The server sends `peer-joined` once
 * per join, to the participant already present and to the newcomer. So the
 * clinician may learn of the patient before or after it joined itself. Either
 * way it offers when it has no remote description yet.
 *
 * A `peer-joined` for a patient that the clinician already negotiated with
 * means the patient came back (a reload, a new tab) without a `peer-left`
 * first, and the old connection cannot reach the new page.
 */
export function actionOnPeerJoined(
  self: ParticipantRole,
  joined: ParticipantRole,
  state: NegotiationState,
): PeerJoinedAction {
  if (joined === self) return 'ignore';
  if (self === 'patient') return 'wait';
  if (state.hasRemoteDescription || state.offerInFlight) return 'replace-and-offer';
  return 'offer';
}

/**
 * Decides whether an incoming offer needs a fresh connection. The clinician
 * never renegotiates a live connection (each of its offers comes from a new
 * RTCPeerConnection), so an offer that arrives after a remote description is
 * set starts a new call.
 */
export function offerNeedsNewConnection(state: Pick<NegotiationState, 'hasRemoteDescription'>): boolean {
  return state.hasRemoteDescription;
}
