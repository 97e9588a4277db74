import { useEffect, useState, type FormEvent } from 'react';
import { listBreakGlassQueue, reasonLabel, reviewEpisode, type EpisodeReview } from '../api/admin';
import { splitApiError } from '../shared/fieldErrors';
import { formatDateTime, formatTimeRange } from '../shared/time';
import { ErrorAlert, FormField, Loading, PageTitle, StatusMessage } from '../shared/ui';
import { useResource } from '../shared/useResource';
import { useElevation } from './elevation';

/** Admin page: break-glass episodes, unreviewed first, each to be marked reviewed with a note. */
export function BreakGlassQueuePage() {
  const { handleError } = useElevation();
  const episodes = useResource((signal) => listBreakGlassQueue(signal), []);
  useEffect(() => {
    handleError(episodes.error);
  }, [episodes.error, handleError]);

  const unreviewed = episodes.data?.filter((episode) => episode.reviewed_at === null) ?? [];
  const reviewed = episodes.data?.filter((episode) => episode.reviewed_at !== null) ?? [];

  return (
    <>
      <PageTitle title="Break-glass review">Break-glass review</PageTitle>
      <p>
        Each time a clinician opens the record of a patient they do not treat, an episode appears here. Check the reason
        and justification against what you know, then mark it reviewed with a note.
      </p>
      {episodes.error !== undefined && !episodes.data && <ErrorAlert error={episodes.error} />}
      {episodes.loading && !episodes.data && <Loading />}
      {episodes.data && (
        <>
          <section aria-labelledby="unreviewed-heading">
            <h2 id="unreviewed-heading">Waiting for review ({unreviewed.length})</h2>
            {unreviewed.length === 0 && <p>No episode is waiting for review.</p>}
            <ul className="item-list" data-testid="episodes-unreviewed">
              {unreviewed.map((episode) => (
                <EpisodeItem key={episode.id} episode={episode} onReviewed={() => episodes.reload()} />
              ))}
            </ul>
          </section>
          <section aria-labelledby="reviewed-heading">
            <h2 id="reviewed-heading">Reviewed</h2>
            {reviewed.length === 0 && <p>No episode has been reviewed yet.</p>}
            <ul className="item-list" data-testid="episodes-reviewed">
              {reviewed.map((episode) => (
                <EpisodeItem key={episode.id} episode={episode} onReviewed={() => episodes.reload()} />
              ))}
            </ul>
          </section>
        </>
      )}
    </>
  );
}

function EpisodeItem({ episode, onReviewed }: { episode: EpisodeReview; onReviewed: () => void }) {
  const headingId = `episode-${episode.id}`;
  return (
    <li className="item item-block" data-testid="episode" data-episode-id={episode.id} aria-labelledby={headingId}>
      <h3 id={headingId} className="item-title">
        {episode.clinician.display_name} opened the record of {episode.patient.display_name}
      </h3>
      <dl className="facts">
        <dt>Reason</dt>
        <dd data-testid="episode-reason">{reasonLabel(episode.reason)}</dd>
        <dt>Justification</dt>
        <dd data-testid="episode-justification" className="note-text">
          {episode.justification}
        </dd>
        <dt>Access</dt>
        <dd>{formatTimeRange(episode.started_at, episode.expires_at)}</dd>
        <dt>Audit events</dt>
        <dd data-testid="episode-events">{episode.audit_events}</dd>
        {episode.reviewed_at && (
          <>
            <dt>Reviewed</dt>
            <dd data-testid="episode-reviewed-at">{formatDateTime(episode.reviewed_at)}</dd>
            <dt>Review note</dt>
            <dd data-testid="episode-review-note" className="note-text">
              {episode.review_note}
            </dd>
          </>
        )}
      </dl>
      {!episode.reviewed_at && <ReviewForm episode={episode} onReviewed={onReviewed} />}
    </li>
  );
}

function ReviewForm({ episode, onReviewed }: { episode: EpisodeReview; onReviewed: () => void }) {
  const { handleError } = useElevation();
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    if (note.trim().length < 10) {
      setNoteError('Write at least 10 characters on what the review found.');
      return;
    }
    setNoteError(undefined);
    setSubmitting(true);
    try {
      await reviewEpisode(episode.id, note.trim());
      setDone(true);
      onReviewed();
    } catch (failure) {
      if (handleError(failure)) return;
      const split = splitApiError(failure, ['note'] as const);
      setNoteError(split.fieldErrors.note);
      setFormError(split.formError);
    } finally {
      setSubmitting(false);
    }
  }

  if (done) return <StatusMessage>Marked reviewed.</StatusMessage>;
  return (
    <form onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={formError} />
      <FormField label="Review note" hint="What you checked and what you found." error={noteError}>
        {(props) => (
          <textarea {...props} data-testid="episode-review-note-input" rows={3} required value={note} onChange={(event) => setNote(event.target.value)} />
        )}
      </FormField>
      <button type="submit" className="button" data-testid="episode-review-submit" disabled={submitting}>
        {submitting ? 'Saving…' : 'Mark reviewed'}
      </button>
    </form>
  );
}
