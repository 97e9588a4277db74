import { useRef, useState, type FormEvent } from 'react';
import { listOwnSlots, publishAvailability } from '../api/endpoints';
import type { Slot } from '../api/types';
import { splitApiError, type FieldErrors } from '../shared/fieldErrors';
import { formatTimeRange, localTimeZone } from '../shared/time';
import {
  ErrorAlert,
  FormField,
  InvalidFieldsAlert,
  Loading,
  PageTitle,
  StatusMessage,
  focusFirstInvalid,
} from '../shared/ui';
import { useResource } from '../shared/useResource';
import {
  buildAvailabilityRequest,
  todayInputValue,
  unusedMinutesAtEnd,
  type AvailabilityDraft,
  type AvailabilityField,
} from './availabilityForm';

const API_FIELDS: readonly AvailabilityField[] = ['starts_at', 'ends_at', 'slot_minutes'];

function initialDraft(): AvailabilityDraft {
  return { date: todayInputValue(), startTime: '', endTime: '', slotMinutes: '15' };
}

/** Clinician page: publish a range of bookable slots and list one's own slots. */
export function AvailabilityPage() {
  const slots = useResource((signal) => listOwnSlots(signal), []);
  const [draft, setDraft] = useState<AvailabilityDraft>(initialDraft);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<AvailabilityField>>({});
  const [formError, setFormError] = useState<unknown>(undefined);
  const [published, setPublished] = useState<Slot[] | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  function update(field: keyof AvailabilityDraft, value: string) {
    setDraft((previous) => ({ ...previous, [field]: value }));
  }

  function showFieldErrors(errors: FieldErrors<AvailabilityField>) {
    setFieldErrors(errors);
    focusFirstInvalid(form.current);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(undefined);
    setPublished(undefined);
    const check = buildAvailabilityRequest(draft);
    if (!check.ok) {
      showFieldErrors(check.errors);
      return;
    }
    setFieldErrors({});
    setSubmitting(true);
    try {
      const result = await publishAvailability(check.request);
      // The values stay, so a similar range on another day needs only a new date.
      setPublished(result.slots);
      slots.reload();
    } catch (failure) {
      const split = splitApiError(failure, API_FIELDS);
      setFormError(split.formError);
      showFieldErrors(split.fieldErrors);
    } finally {
      setSubmitting(false);
    }
  }

  const invalidCount = Object.keys(fieldErrors).length;
  const unusedMinutes = unusedMinutesAtEnd(draft);

  return (
    <>
      <PageTitle title="Availability">Availability</PageTitle>
      <p>
        Publish times when patients can book you. Times are in your time zone, {localTimeZone()}.
      </p>

      <section aria-labelledby="publish-heading" className="panel">
        <h2 id="publish-heading">Publish availability</h2>
        <InvalidFieldsAlert count={invalidCount} action="publish" />
        <ErrorAlert error={formError} testId="availability-error" />
        {published && (
          <StatusMessage testId="availability-published">
            Published {published.length} {published.length === 1 ? 'slot' : 'slots'}.
          </StatusMessage>
        )}
        <form ref={form} onSubmit={handleSubmit} noValidate className="form-grid">
          <FormField label="Date" error={fieldErrors.date}>
            {(props) => (
              <input
                {...props}
                data-testid="availability-date"
                type="date"
                required
                value={draft.date}
                onChange={(event) => update('date', event.target.value)}
              />
            )}
          </FormField>
          <FormField label="Start time" error={fieldErrors.starts_at}>
            {(props) => (
              <input
                {...props}
                data-testid="availability-start"
                type="time"
                required
                value={draft.startTime}
                onChange={(event) => update('startTime', event.target.value)}
              />
            )}
          </FormField>
          <FormField label="End time" hint="On the same date as the start." error={fieldErrors.ends_at}>
            {(props) => (
              <input
                {...props}
                data-testid="availability-end"
                type="time"
                required
                value={draft.endTime}
                onChange={(event) => update('endTime', event.target.value)}
              />
            )}
          </FormField>
          <FormField label="Slot length (minutes)" error={fieldErrors.slot_minutes}>
            {(props) => (
              <input
                {...props}
                data-testid="availability-slot-minutes"
                type="number"
                inputMode="numeric"
                min={1}
                step={1}
                required
                value={draft.slotMinutes}
                onChange={(event) => update('slotMinutes', event.target.value)}
              />
            )}
          </FormField>
          {unusedMinutes !== undefined && unusedMinutes > 0 && (
            <p className="form-note" data-testid="availability-remainder">
              The last {unusedMinutes} {unusedMinutes === 1 ? 'minute' : 'minutes'} will not be used: they are shorter
              than one {draft.slotMinutes.trim()}-minute slot.
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="button" data-testid="availability-submit" disabled={submitting}>
              {submitting ? 'Publishing…' : 'Publish slots'}
            </button>
          </div>
        </form>
      </section>

      <section aria-labelledby="own-slots-heading">
        <h2 id="own-slots-heading">Your upcoming slots</h2>
        <ErrorAlert error={slots.error} />
        {slots.loading && !slots.data && <Loading />}
        {slots.data && slots.data.length === 0 && <p>You have no upcoming slots.</p>}
        {slots.data && slots.data.length > 0 && (
          <ul className="item-list" data-testid="own-slots">
            {slots.data.map((slot) => (
              <li key={slot.id} className="item" data-testid="own-slot-row" data-slot-id={slot.id}>
                <span>{formatTimeRange(slot.starts_at, slot.ends_at)}</span>
                <span className={slot.booked ? 'tag tag-booked' : 'tag'}>{slot.booked ? 'Booked' : 'Free'}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
