import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { describeError } from '../api/client';
import { getAppointment, getSession, getTurnCredentials, signalingUrl } from '../api/endpoints';
import type { Appointment, Encounter, Prescription, TurnCredentials } from '../api/types';
import { useCurrentUser } from '../auth/session';
import { EncounterForm } from '../records/EncounterForm';
import { noteAsText } from '../records/notes/noteText';
import { PrescriptionForm } from '../records/PrescriptionForm';
import { prescriptionSummary } from '../records/prescriptionForm';
import { formatClockTime, formatTimeRange } from '../shared/time';
import { ErrorAlert, PageTitle } from '../shared/ui';
import { useUnsavedChangesGuard, useUnsavedForms } from '../shared/unsavedChanges';
import { useNow } from '../shared/useNow';
import { useResource } from '../shared/useResource';
import { CallSession, type CallUpdate } from './callSession';
import {
  classifyTurnError,
  consultationPhase,
  describeCallFailure,
  type CallFailure,
  type ConsultationPhase,
} from './consultationState';
import type { ParticipantRole } from './signaling';

// Re-checks the end time and how long the other participant has been gone.
const PHASE_CHECK_INTERVAL_MS = 5_000;

declare global {
  interface Window {
    /**
     * The active RTCPeerConnection of the consultation page, or undefined
     * when no call is running. Browser tests read getStats() through it, for
     * example to check that the selected candidate pair is a relay pair.
     */
    __telehealthPeer?: RTCPeerConnection;
  }
}

/** Renders the video consultation of one appointment, with the note and prescription forms for the clinician. */
export function ConsultationPage() {
  const { appointmentId = '' } = useParams();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const appointment = useResource((signal) => getAppointment(appointmentId, signal), [appointmentId]);
  const role: ParticipantRole = user.role === 'clinician' ? 'clinician' : 'patient';
  const peerName = appointment.data
    ? role === 'clinician'
      ? appointment.data.patient.display_name
      : appointment.data.clinician.display_name
    : role === 'clinician'
      ? 'the patient'
      : 'the clinician';
  const call = useCall(appointmentId, role, peerName);
  const now = useNow(PHASE_CHECK_INTERVAL_MS);
  const phase = consultationPhase({ role, endsAt: appointment.data?.ends_at, peerLeftAt: call.peerLeftAt, now });
  const unsavedForms = useUnsavedForms();
  useUnsavedChangesGuard(unsavedForms.hasUnsavedChanges);

  const endCall = call.end;
  useEffect(() => {
    if (phase === 'ended') endCall();
  }, [phase, endCall]);

  // The call ends when the page unmounts, so leaving is only a navigation,
  // which the unsaved-changes guard can still cancel.
  function leave() {
    navigate('/appointments');
  }

  const callError = call.failure ? describeCallFailure(call.failure, appointment.data, now) : undefined;

  return (
    <>
      <PageTitle title="Consultation">Consultation</PageTitle>
      {appointment.data && (
        <p>
          {formatTimeRange(appointment.data.starts_at, appointment.data.ends_at)} with {peerName}
        </p>
      )}
      <ErrorAlert error={appointment.error} />
      <div className={role === 'clinician' ? 'consultation consultation-with-forms' : 'consultation'}>
        <section aria-labelledby="video-heading" className="video-panel">
          <h2 id="video-heading" className="visually-hidden">
            Video
          </h2>
          <p className="call-status" role="status">
            Status: <strong data-testid="call-status">{call.update.status}</strong>{' '}
            <span data-testid="call-status-detail">{call.update.detail}</span>
          </p>
          <PhaseNotice phase={phase} />
          <ErrorAlert error={callError} testId="call-error" />
          <div className="videos" hidden={phase === 'ended'}>
            <video
              ref={call.remoteVideo}
              className="video-remote"
              data-testid="remote-video"
              aria-label={`Video of ${peerName}`}
              autoPlay
              playsInline
            />
            <video
              ref={call.localVideo}
              className="video-local"
              data-testid="local-video"
              aria-label="Your camera"
              autoPlay
              playsInline
              muted
            />
          </div>
          <div className="call-controls">
            <button
              type="button"
              className="button button-secondary"
              data-testid="toggle-microphone"
              aria-pressed={call.microphoneMuted}
              disabled={!call.hasMedia || phase === 'ended'}
              onClick={call.toggleMicrophone}
            >
              {call.microphoneMuted ? 'Unmute microphone' : 'Mute microphone'}
            </button>
            <button
              type="button"
              className="button button-secondary"
              data-testid="toggle-camera"
              aria-pressed={call.cameraOff}
              disabled={!call.hasMedia || phase === 'ended'}
              onClick={call.toggleCamera}
            >
              {call.cameraOff ? 'Turn camera on' : 'Turn camera off'}
            </button>
            <button type="button" className="button button-danger" data-testid="leave-call" onClick={leave}>
              Leave
            </button>
          </div>
        </section>
        {role === 'clinician' && appointment.data && (
          <ClinicianPanel appointment={appointment.data} onUnsavedChange={unsavedForms.report} />
        )}
      </div>
    </>
  );
}

/** Tells the person when the consultation is over, with a way back to the appointments list. */
function PhaseNotice({ phase }: { phase: ConsultationPhase }) {
  if (phase === 'in-call') return null;
  return (
    <div className="alert alert-info" data-testid="consultation-over">
      <p>
        <strong>
          {phase === 'ended'
            ? 'The consultation has ended.'
            : 'The clinician has left the consultation. You can close this page.'}
        </strong>
      </p>
      <p>
        <Link to="/appointments">Back to appointments</Link>
      </p>
    </div>
  );
}

/** One record saved from the consultation page, newest first in the list. */
type SavedItem = { kind: 'note'; encounter: Encounter } | { kind: 'prescription'; prescription: Prescription };

interface ClinicianPanelProps {
  appointment: Appointment;
  onUnsavedChange: (form: string, unsaved: boolean) => void;
}

function ClinicianPanel({ appointment, onUnsavedChange }: ClinicianPanelProps) {
  const choice = { kind: 'fixed', appointment } as const;
  const [saved, setSaved] = useState<SavedItem[]>([]);
  const reportNote = useCallback((unsaved: boolean) => onUnsavedChange('note', unsaved), [onUnsavedChange]);
  const reportPrescription = useCallback(
    (unsaved: boolean) => onUnsavedChange('prescription', unsaved),
    [onUnsavedChange],
  );

  return (
    <div className="clinical-panel">
      <EncounterForm
        patientId={appointment.patient.id}
        appointmentChoice={choice}
        onUnsavedChange={reportNote}
        onSaved={(encounter) => setSaved((previous) => [{ kind: 'note', encounter }, ...previous])}
      />
      <PrescriptionForm
        patientId={appointment.patient.id}
        appointmentChoice={choice}
        onUnsavedChange={reportPrescription}
        onSaved={(prescription) => setSaved((previous) => [{ kind: 'prescription', prescription }, ...previous])}
      />
      {saved.length > 0 && <SavedList items={saved} />}
      <p>
        <a href={`#/patients/${appointment.patient.id}/records`} target="_blank" rel="noopener noreferrer">
          Open {appointment.patient.display_name}'s records in a new tab
        </a>
      </p>
    </div>
  );
}

/** The notes and prescriptions saved on this page, so the clinician can see exactly what went into the record. */
function SavedList({ items }: { items: SavedItem[] }) {
  return (
    <section aria-labelledby="saved-heading" className="panel">
      <h2 id="saved-heading">Saved in this consultation</h2>
      <ul className="item-list" data-testid="consultation-saved-list">
        {items.map((item) =>
          item.kind === 'note' ? (
            <li key={item.encounter.id} className="item item-block" data-testid="consultation-saved-note">
              <p className="item-title">
                Note, signed at {formatClockTime(new Date(item.encounter.signature?.signed_at ?? item.encounter.updated_at))}
              </p>
              <p className="note-text">{noteAsText(item.encounter)}</p>
            </li>
          ) : (
            <li key={item.prescription.id} className="item item-block" data-testid="consultation-saved-prescription">
              <p className="item-title">
                Prescription, saved at {formatClockTime(new Date(item.prescription.created_at))}
              </p>
              <p>{prescriptionSummary(item.prescription)}</p>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}

// Five minutes: well inside the shortest idle timeout a clinic would set.
const callKeepAliveMs = 5 * 60 * 1000;

/** Runs the call of one appointment and returns its status, any start-up failure, the video refs and the media toggles. */
function useCall(appointmentId: string, role: ParticipantRole, peerName: string) {
  const localVideo = useRef<HTMLVideoElement>(null);
  const remoteVideo = useRef<HTMLVideoElement>(null);
  const session = useRef<CallSession | undefined>(undefined);
  const localStream = useRef<MediaStream | undefined>(undefined);
  // The appointment, and so the name, may load after the call starts.
  const peerNameRef = useRef(peerName);
  useEffect(() => {
    peerNameRef.current = peerName;
  }, [peerName]);
  const [update, setUpdate] = useState<CallUpdate>({ status: 'starting', detail: 'Getting the connection details…' });
  const [failure, setFailure] = useState<CallFailure | undefined>(undefined);
  const [peerLeftAt, setPeerLeftAt] = useState<Date | undefined>(undefined);
  const [hasMedia, setHasMedia] = useState(false);
  const [microphoneMuted, setMicrophoneMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let stream: MediaStream | undefined;

    async function startCall() {
      let turn: TurnCredentials;
      try {
        turn = await getTurnCredentials(appointmentId);
      } catch (error) {
        if (cancelled) return;
        setFailure(classifyTurnError(error));
        setUpdate({ status: 'failed', detail: 'The consultation could not start.' });
        return;
      }
      if (cancelled) return;

      setUpdate({ status: 'starting', detail: 'Starting your camera and microphone…' });
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      } catch (error) {
        if (cancelled) return;
        setFailure({ kind: 'other', message: describeMediaError(error) });
        setUpdate({ status: 'failed', detail: 'The consultation could not start.' });
        return;
      }
      if (cancelled) {
        stopTracks(stream);
        return;
      }
      if (localVideo.current) localVideo.current.srcObject = stream;
      localStream.current = stream;
      setHasMedia(true);

      const call = new CallSession({
        role,
        peerName: () => peerNameRef.current,
        signalingUrl: signalingUrl(appointmentId, window.location),
        // Relay only: media always goes through TURN, so neither side learns
        // the other's IP address from its candidates.
        rtcConfiguration: { iceServers: turn.ice_servers, iceTransportPolicy: 'relay' },
        localStream: stream,
        onUpdate: setUpdate,
        onRemoteStream: (remote) => {
          if (remoteVideo.current) remoteVideo.current.srcObject = remote ?? null;
        },
        onPeerConnection: (connection) => {
          window.__telehealthPeer = connection;
        },
        onPeerPresence: (present) => {
          setPeerLeftAt((previous) => (present ? undefined : (previous ?? new Date())));
        },
        onSignalingRejected: () => setFailure({ kind: 'outside-window' }),
      });
      session.current = call;
      call.start();
    }

    void startCall();
    return () => {
      cancelled = true;
      session.current?.leave();
      session.current = undefined;
      localStream.current = undefined;
      stopTracks(stream);
      window.__telehealthPeer = undefined;
    };
  }, [appointmentId, role]);

  // A consultation in progress is activity, though it sends no API requests:
  // the session is refreshed every few minutes while the call is live, so
  // automatic logoff does not cut a long consultation.
  const live = update.status === 'waiting' || update.status === 'connecting' || update.status === 'connected';
  useEffect(() => {
    if (!live) return undefined;
    const timer = window.setInterval(() => void getSession().catch(() => undefined), callKeepAliveMs);
    return () => window.clearInterval(timer);
  }, [live]);

  /** Ends the call at the appointment's end time and turns the camera and microphone off. */
  const end = useCallback(() => {
    session.current?.leave();
    stopTracks(localStream.current);
    setHasMedia(false);
    // CallSession.leave reports "You left", but here the appointment time ran out.
    setUpdate({ status: 'ended', detail: 'The appointment time is over.' });
  }, []);

  function toggleMicrophone() {
    const muted = !microphoneMuted;
    localStream.current?.getAudioTracks().forEach((track) => {
      track.enabled = !muted;
    });
    setMicrophoneMuted(muted);
  }

  function toggleCamera() {
    const off = !cameraOff;
    localStream.current?.getVideoTracks().forEach((track) => {
      track.enabled = !off;
    });
    setCameraOff(off);
  }

  return {
    localVideo,
    remoteVideo,
    update,
    failure,
    peerLeftAt,
    hasMedia,
    microphoneMuted,
    cameraOff,
    toggleMicrophone,
    toggleCamera,
    end,
  };
}

function stopTracks(stream: MediaStream | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}

function describeMediaError(error: unknown): string {
  if (!navigator.mediaDevices) {
    return 'This browser cannot use the camera on this page. Open Telehealth over HTTPS.';
  }
  if (error instanceof DOMException) {
    switch (error.name) {
      case 'NotAllowedError':
        return 'Camera and microphone access is blocked. Allow it in your browser’s site settings, then reload the page.';
      case 'NotFoundError':
        return 'No camera or microphone was found. Connect one, then reload the page.';
      case 'NotReadableError':
        return 'The camera or microphone is in use by another program. Close it, then reload the page.';
    }
  }
  return `The camera and microphone could not start: ${describeError(error)}`;
}
