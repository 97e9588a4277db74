import { useState } from 'react';
import type { Appointment, Encounter, User } from '../../api/types';
import { formatDateTime, formatTimeRange } from '../../shared/time';
import { AmendmentForm } from './AmendmentForm';
import { NOTE_SECTIONS } from './noteText';
import { VersionsPanel } from './VersionsPanel';

interface NoteItemProps {
  patientId: string;
  note: Encounter;
  appointment: Appointment | undefined;
  user: User;
  /** Whether the user may amend signed notes: a clinician treating the patient. */
  canAmend: boolean;
  onEditDraft?: (note: Encounter) => void;
  onChanged: () => void;
  onUnsavedChange?: (form: string, unsaved: boolean) => void;
}

/**
 * Shows one encounter note: its sections as plain text, who signed it and the
 * SHA-256 recorded then, each amendment with its reason and signature, and
 * the versions with a diff between any two.
 */
export function NoteItem({ patientId, note, appointment, user, canAmend, onEditDraft, onChanged, onUnsavedChange }: NoteItemProps) {
  const [showVersions, setShowVersions] = useState(false);
  const [amending, setAmending] = useState(false);
  const isDraft = note.status === 'draft';
  const headingId = `note-heading-${note.id}`;

  return (
    <li className="item item-block" data-testid="encounter-item" data-encounter-id={note.id} data-status={note.status}>
      <article aria-labelledby={headingId}>
        <h3 id={headingId} className="item-title">
          {note.clinician.display_name}, {formatDateTime(note.created_at)}
          {isDraft && <span className="tag">Draft: only you can see it</span>}
        </h3>
        {appointment && (
          <p className="item-meta">Appointment {formatTimeRange(appointment.starts_at, appointment.ends_at)}</p>
        )}
        <dl className="facts note-sections">
          {NOTE_SECTIONS.filter(({ field }) => note[field].trim() !== '').map(({ field, label }) => (
            <div key={field} className="note-section">
              <dt>{label}</dt>
              <dd className="note-text" data-testid={`note-${field}`}>
                {note[field]}
              </dd>
            </div>
          ))}
        </dl>
        {note.signature && (
          <p className="item-meta" data-testid="note-signature">
            Signed by {note.signature.signed_by.display_name} on {formatDateTime(note.signature.signed_at)}
            {note.signature.content_sha256 && <span className="hash">. SHA-256 {note.signature.content_sha256}</span>}
          </p>
        )}
        {note.amendments.length > 0 && (
          <section aria-label="Amendments">
            <h4>Amendments</h4>
            <ol className="amendments" data-testid="note-amendments">
              {note.amendments.map((amendment) => (
                <li key={amendment.id} data-testid="note-amendment" data-amendment-id={amendment.id}>
                  <p className="item-meta">
                    Amended by {amendment.author.display_name} on {formatDateTime(amendment.created_at)}
                    <span className="hash">. SHA-256 {amendment.content_sha256}</span>
                  </p>
                  <p>
                    Reason: <span data-testid="amendment-reason-text">{amendment.reason}</span>
                  </p>
                  <p className="note-text" data-testid="amendment-text-shown">
                    {amendment.text}
                  </p>
                </li>
              ))}
            </ol>
          </section>
        )}
        <div className="item-actions">
          {isDraft && note.clinician.id === user.id && onEditDraft && (
            <button type="button" className="button button-secondary" onClick={() => onEditDraft(note)} data-testid="note-edit-draft">
              Continue editing
            </button>
          )}
          {!isDraft && canAmend && (
            <button
              type="button"
              className="button button-secondary"
              aria-expanded={amending}
              onClick={() => {
                // Closing the form drops its text, so it no longer counts as unsaved.
                if (amending) onUnsavedChange?.(`amendment-${note.id}`, false);
                setAmending((open) => !open);
              }}
              data-testid="note-amend-toggle"
            >
              {amending ? 'Close the amendment form' : 'Amend this note'}
            </button>
          )}
          <button
            type="button"
            className="button button-secondary"
            aria-expanded={showVersions}
            onClick={() => setShowVersions((open) => !open)}
            data-testid="note-versions-toggle"
          >
            {showVersions ? 'Hide versions' : 'Show versions and changes'}
          </button>
        </div>
        {amending && (
          <AmendmentForm
            patientId={patientId}
            encounterId={note.id}
            onUnsavedChange={(unsaved) => onUnsavedChange?.(`amendment-${note.id}`, unsaved)}
            onAdded={() => {
              setAmending(false);
              onChanged();
            }}
          />
        )}
        {showVersions && <VersionsPanel patientId={patientId} note={note} />}
      </article>
    </li>
  );
}
