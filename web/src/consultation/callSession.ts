// One participant's side of a video consultation: the RTCPeerConnection and
// the signaling WebSocket that carries its offer, answer and ICE candidates.
import {
  actionOnPeerJoined,
  offerNeedsNewConnection,
  parseSignalMessage,
  type ParticipantRole,
  type SignalMessage,
} from './signaling';

/**
 * The word shown in the status line. `connected` means ICE is `connected` or
 * `completed`, so media can flow.
 */
export type CallStatus = 'starting' | 'waiting' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'ended';

export interface CallUpdate {
  status: CallStatus;
  /** A sentence for the person in the call. */
  detail: string;
}

export interface CallSessionOptions {
  role: ParticipantRole;
  /** Returns the other participant's display name, for status sentences. */
  peerName: () => string;
  signalingUrl: string;
  /** Must carry the TURN servers and `iceTransportPolicy: 'relay'`. */
  rtcConfiguration: RTCConfiguration;
  localStream: MediaStream;
  onUpdate: (update: CallUpdate) => void;
  /** Called with the remote media, or with undefined when the connection is replaced. */
  onRemoteStream: (stream: MediaStream | undefined) => void;
  /** Called with each new RTCPeerConnection, including replacements. */
  onPeerConnection: (connection: RTCPeerConnection) => void;
  /** Called with false when the other participant leaves, and with true when they join or make an offer. */
  onPeerPresence?: (present: boolean) => void;
  /**
   * Called when the server closes the signaling WebSocket before it opens,
   * which it does outside the join window.
   */
  onSignalingRejected?: () => void;
}

/**
 * Number of times the clinician replaces a failed connection and offers
 * again before it gives up. Each try lasts until ICE reports `failed`, so a
 * small number keeps a broken call from retrying for long.
 */
const MAX_AUTOMATIC_RETRIES = 3;

export class CallSession {
  private readonly options: CallSessionOptions;
  private connection: RTCPeerConnection;
  private socket: WebSocket | undefined;
  private socketOpened = false;
  /** Remote candidates that came before the remote description; addIceCandidate needs it first. */
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private offerInFlight = false;
  private peerPresent = false;
  private retries = 0;
  private ended = false;
  /** Serialises message handling, because each step awaits the peer connection. */
  private messageQueue: Promise<void> = Promise.resolve();

  constructor(options: CallSessionOptions) {
    this.options = options;
    this.connection = this.createConnection();
  }

  /** Opens the signaling channel. The server then sends `peer-joined` if the other participant is present. */
  start(): void {
    this.update('starting', 'Connecting to the consultation service…');
    const socket = new WebSocket(this.options.signalingUrl);
    this.socket = socket;
    socket.onopen = () => {
      this.socketOpened = true;
      if (!this.peerPresent) {
        this.update('waiting', `Waiting for ${this.options.peerName()} to join.`);
      }
    };
    socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    socket.onclose = (event: CloseEvent) => this.handleSocketClose(event);
  }

  /** Ends the call on this side: closes the socket and the peer connection. */
  leave(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.onmessage = null;
      this.socket.close(1000, 'left');
    }
    this.closeConnection(this.connection);
    this.update('ended', 'You left the consultation.');
  }

  /** Capitalises a fallback name such as "the patient" at the start of a sentence. */
  private sentenceStart(name: string): string {
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  private update(status: CallStatus, detail: string): void {
    this.options.onUpdate({ status, detail });
  }

  private createConnection(): RTCPeerConnection {
    const connection = new RTCPeerConnection(this.options.rtcConfiguration);
    for (const track of this.options.localStream.getTracks()) {
      connection.addTrack(track, this.options.localStream);
    }
    const remoteStream = new MediaStream();

    connection.onicecandidate = (event) => {
      // A null candidate marks the end of gathering; the protocol has no message for it.
      if (event.candidate) {
        this.send({ type: 'candidate', candidate: event.candidate.toJSON() });
      }
    };
    connection.ontrack = (event) => {
      remoteStream.addTrack(event.track);
      this.options.onRemoteStream(remoteStream);
    };
    connection.oniceconnectionstatechange = () => {
      // Events of a replaced connection no longer describe the call.
      if (connection === this.connection) {
        this.handleIceState(connection.iceConnectionState);
      }
    };

    this.options.onPeerConnection(connection);
    return connection;
  }

  private closeConnection(connection: RTCPeerConnection): void {
    connection.onicecandidate = null;
    connection.ontrack = null;
    connection.oniceconnectionstatechange = null;
    connection.close();
  }

  /** Drops the current connection and starts a fresh one with the same local media. */
  private replaceConnection(): void {
    this.closeConnection(this.connection);
    this.pendingCandidates = [];
    this.offerInFlight = false;
    this.options.onRemoteStream(undefined);
    this.connection = this.createConnection();
  }

  private handleIceState(state: RTCIceConnectionState): void {
    if (this.ended) return;
    switch (state) {
      case 'checking':
        this.update('connecting', `Connecting to ${this.options.peerName()}…`);
        break;
      case 'connected':
      case 'completed':
        this.retries = 0;
        this.update('connected', `Connected to ${this.options.peerName()}.`);
        break;
      case 'disconnected':
        // ICE often recovers from this by itself, so nothing is replaced yet.
        this.update('disconnected', 'The connection dropped. Trying to reconnect…');
        break;
      case 'failed':
        this.handleIceFailure();
        break;
      case 'new':
      case 'closed':
        break;
    }
  }

  private handleIceFailure(): void {
    if (this.options.role === 'clinician' && this.peerPresent && this.retries < MAX_AUTOMATIC_RETRIES) {
      this.retries += 1;
      this.update('connecting', `The connection failed. Trying again (${this.retries} of ${MAX_AUTOMATIC_RETRIES})…`);
      this.enqueue(async () => {
        this.replaceConnection();
        await this.makeOffer();
      });
      return;
    }
    this.update('failed', 'The video connection failed. Leave and join again.');
  }

  private receive(data: unknown): void {
    const message = parseSignalMessage(data);
    if (!message) {
      console.warn('Ignored a signaling message that is not valid JSON of a known type.');
      return;
    }
    this.enqueue(() => this.handleMessage(message));
  }

  private enqueue(step: () => Promise<void>): void {
    this.messageQueue = this.messageQueue.then(step).catch((error: unknown) => {
      if (this.ended) return;
      console.error('Signaling step failed', error);
      this.update('failed', `The call could not be set up (${error instanceof Error ? error.message : String(error)}). Leave and join again.`);
    });
  }

  private async handleMessage(message: SignalMessage): Promise<void> {
    if (this.ended) return;
    switch (message.type) {
      case 'peer-joined':
        return this.handlePeerJoined(message.role);
      case 'peer-left':
        return this.handlePeerLeft(message.role);
      case 'offer':
        return this.handleOffer(message.sdp);
      case 'answer':
        return this.handleAnswer(message.sdp);
      case 'candidate':
        return this.handleCandidate(message.candidate);
    }
  }

  private async handlePeerJoined(role: ParticipantRole): Promise<void> {
    const action = actionOnPeerJoined(this.options.role, role, {
      hasRemoteDescription: this.connection.remoteDescription !== null,
      offerInFlight: this.offerInFlight,
    });
    if (action === 'ignore') return;

    this.peerPresent = true;
    this.options.onPeerPresence?.(true);
    this.retries = 0;
    switch (action) {
      case 'wait':
        this.update('connecting', `${this.sentenceStart(this.options.peerName())} has joined. Connecting…`);
        return;
      case 'replace-and-offer':
        this.replaceConnection();
        return this.makeOffer();
      case 'offer':
        return this.makeOffer();
    }
  }

  private async handlePeerLeft(role: ParticipantRole): Promise<void> {
    if (role === this.options.role) return;
    this.peerPresent = false;
    this.options.onPeerPresence?.(false);
    // The next participant to join needs a connection with no remote description.
    this.replaceConnection();
    this.update('waiting', `${this.sentenceStart(this.options.peerName())} left. Waiting for them to join again.`);
  }

  private async makeOffer(): Promise<void> {
    this.offerInFlight = true;
    this.update('connecting', `Connecting to ${this.options.peerName()}…`);
    const offer = await this.connection.createOffer();
    await this.connection.setLocalDescription(offer);
    this.send({ type: 'offer', sdp: offer.sdp ?? '' });
  }

  private async handleOffer(sdp: string): Promise<void> {
    if (this.options.role === 'clinician') {
      console.warn('Ignored an offer: only the clinician makes offers.');
      return;
    }
    if (offerNeedsNewConnection({ hasRemoteDescription: this.connection.remoteDescription !== null })) {
      this.replaceConnection();
    }
    this.peerPresent = true;
    this.options.onPeerPresence?.(true);
    await this.connection.setRemoteDescription({ type: 'offer', sdp });
    await this.addPendingCandidates();
    const answer = await this.connection.createAnswer();
    await this.connection.setLocalDescription(answer);
    this.send({ type: 'answer', sdp: answer.sdp ?? '' });
  }

  private async handleAnswer(sdp: string): Promise<void> {
    // An answer to an offer of a replaced connection is stale.
    if (this.options.role !== 'clinician' || this.connection.signalingState !== 'have-local-offer') {
      console.warn('Ignored an answer that matches no outstanding offer.');
      return;
    }
    await this.connection.setRemoteDescription({ type: 'answer', sdp });
    this.offerInFlight = false;
    await this.addPendingCandidates();
  }

  private async handleCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (this.connection.remoteDescription === null) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.addCandidate(candidate);
  }

  private async addPendingCandidates(): Promise<void> {
    const candidates = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const candidate of candidates) {
      await this.addCandidate(candidate);
    }
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.connection.addIceCandidate(candidate);
    } catch (error) {
      // A candidate of a replaced connection fails here; the call goes on
      // with the candidates that match.
      console.warn('Ignored an ICE candidate that the connection rejected', error);
    }
  }

  private send(message: SignalMessage): void {
    if (this.socket?.readyState !== WebSocket.OPEN) {
      console.warn(`Dropped a ${message.type} message: the signaling channel is not open.`);
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  private handleSocketClose(event: CloseEvent): void {
    if (this.ended) return;
    if (!this.socketOpened) {
      this.update('failed', 'Could not connect to the consultation.');
      this.options.onSignalingRejected?.();
      return;
    }
    const state = this.connection.iceConnectionState;
    if (state === 'connected' || state === 'completed') {
      // Media goes on without signaling, but a dropped connection could not be set up again.
      this.update('connected', `Connected to ${this.options.peerName()}. The signaling channel closed (code ${event.code}), so the call cannot reconnect if it drops.`);
      return;
    }
    this.update('failed', `The consultation service closed the connection (code ${event.code}). Leave and join again.`);
  }
}
