// Availability and appointments through the API, for tests that need a booked
// appointment as their starting point.

import assert from 'node:assert/strict';

/** Formats a Date as the API's time format: RFC 3339, UTC, whole seconds. */
export function rfc3339(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Returns the Date `minutes` from now, truncated to whole seconds. */
export function minutesFromNow(minutes) {
  const milliseconds = Date.now() + minutes * 60_000;
  return new Date(Math.floor(milliseconds / 1000) * 1000);
}

/** Posts availability for a signed-in clinician and returns the raw response. */
export function publishAvailability(clinicianClient, startsAt, endsAt, slotMinutes) {
  return clinicianClient.post('/api/availability', {
    starts_at: rfc3339(startsAt),
    ends_at: rfc3339(endsAt),
    slot_minutes: slotMinutes,
  });
}

/**
 * Publishes one slot of `lengthMinutes` starting `startsInMinutes` from now
 * for `clinician` and books it for `patient` (both `{client}` objects from
 * users.mjs). Returns the appointment from the 201 response.
 */
export async function bookAppointment(clinician, patient, startsInMinutes = 2, lengthMinutes = 15) {
  const startsAt = minutesFromNow(startsInMinutes);
  const endsAt = new Date(startsAt.getTime() + lengthMinutes * 60_000);
  const published = await publishAvailability(clinician.client, startsAt, endsAt, lengthMinutes);
  assert.equal(published.status, 201, `publishing availability: ${published.text}`);
  assert.equal(published.body.slots.length, 1);

  const booked = await patient.client.post('/api/appointments', {
    slot_id: published.body.slots[0].id,
  });
  assert.equal(booked.status, 201, `booking the slot: ${booked.text}`);
  return booked.body;
}
