import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, describeError } from '../api/client';
import { getAppointment, getTurnCredentials, signalingUrl } from '../api/endpoints';
import type { Appointment, TurnCredentials } from '../api/types';
import { useCurrentUser } from '../auth/session';
import { EncounterForm } from '../records/EncounterForm';
import { PrescriptionForm } from '../records/PrescriptionForm';
import { formatTimeRange } from '../shared/time';
import { ErrorAlert, PageTitle } from '../shared/ui';
import { useResource } from '../shared/useResource';
import { CallSession, type CallUpdate } from './callSession';
import type { ParticipantRole } from './signaling';

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

  function leave() {
    call.leave();
    navigate('/appointments');
  }

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
          <ErrorAlert error={call.error} testId="call-error" />
          <div className="videos">
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
          <button type="button" className="button button-danger" data-testid="leave-call" onClick={leave}>
            Leave
          </button>
        </section>
        {role === 'clinician' && appointment.data && <ClinicianPanel appointment={appointment.data} />}
      </div>
    </>
  );
}

function ClinicianPanel({ appointment }: { appointment: Appointment }) {
  const choice = { kind: 'fixed', appointment } as const;
  return (
    <div className="clinical-panel">
      <EncounterForm patientId={appointment.patient.id} appointmentChoice={choice} />
      <PrescriptionForm patientId={appointment.patient.id} appointmentChoice={choice} />
      <p>
        <a href={`#/patients/${appointment.patient.id}/records`} target="_blank" rel="noopener noreferrer">
          Open {appointment.patient.display_name}'s records in a new tab
        </a>
      </p>
    </div>
  );
}

/** Runs the call of one appointment and returns its status, any start-up error and the video element refs. */
function useCall(appointmentId: string, role: ParticipantRole, peerName: string) {
  const localVideo = useRef<HTMLVideoElement>(null);
  const remoteVideo = useRef<HTMLVideoElement>(null);
  const session = useRef<CallSession | undefined>(undefined);
  // The appointment, and so the name, may load after the call starts.
  const peerNameRef = useRef(peerName);
  useEffect(() => {
    peerNameRef.current = peerName;
  }, [peerName]);
  const [update, setUpdate] = useState<CallUpdate>({ status: 'starting', detail: 'Getting the connection details…' });
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    let cancelled = false;
    let stream: MediaStream | undefined;

    async function startCall() {
      let turn: TurnCredentials;
      try {
        turn = await getTurnCredentials(appointmentId);
      } catch (failure) {
        if (cancelled) return;
        setError(describeTurnError(failure));
        setUpdate({ status: 'failed', detail: 'The consultation could not start.' });
        return;
      }
      if (cancelled) return;

      setUpdate({ status: 'starting', detail: 'Starting your camera and microphone…' });
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      } catch (failure) {
        if (cancelled) return;
        setError(describeMediaError(failure));
        setUpdate({ status: 'failed', detail: 'The consultation could not start.' });
        return;
      }
      if (cancelled) {
        stopTracks(stream);
        return;
      }
      if (localVideo.current) localVideo.current.srcObject = stream;

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
      });
      session.current = call;
      call.start();
    }

    void startCall();
    return () => {
      cancelled = true;
      session.current?.leave();
      session.current = undefined;
      stopTracks(stream);
      window.__telehealthPeer = undefined;
    };
  }, [appointmentId, role]);

  function leave() {
    session.current?.leave();
  }

  return { localVideo, remoteVideo, update, error, leave };
}

function stopTracks(stream: MediaStream | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}

function describeTurnError(error: unknown): string {
  if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
    return `${error.message} You can join from 10 minutes before the start until the end of the appointment.`;
  }
  return describeError(error);
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
