// Unit tests of the availability plan, mainly its handling of midnight.
// Dates are built in local time, so the results do not depend on the
// machine's time zone (outside a daylight saving change).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planAvailability } from './schedule.mjs';

describe('planAvailability', () => {
  it('starts at the next whole minute after the lead', () => {
    const plan = planAvailability(new Date(2030, 4, 17, 14, 3, 10));
    assert.equal(plan.date, '2030-05-17');
    assert.equal(plan.startTime, '14:04');
    assert.equal(plan.endTime, '14:34');
    assert.equal(plan.slotMinutes, 15);
    assert.equal(plan.slotCount, 2);
  });

  it('skips a minute that starts within the lead', () => {
    const plan = planAvailability(new Date(2030, 4, 17, 14, 3, 45));
    assert.equal(plan.startTime, '14:05');
  });

  it('uses the next date when the start is past midnight', () => {
    const plan = planAvailability(new Date(2030, 11, 31, 23, 59, 40));
    assert.equal(plan.date, '2031-01-01');
    assert.equal(plan.startTime, '00:01');
    assert.equal(plan.endTime, '00:31');
  });

  it('starts at midnight when midnight is inside the join window', () => {
    const plan = planAvailability(new Date(2030, 4, 17, 23, 52, 0));
    assert.equal(plan.date, '2030-05-18');
    assert.equal(plan.startTime, '00:00');
    assert.equal(plan.endTime, '00:30');
    assert.equal(plan.slotCount, 2);
  });

  it('ends at 23:59 when midnight is too far ahead to join', () => {
    const plan = planAvailability(new Date(2030, 4, 17, 23, 40, 0));
    assert.equal(plan.date, '2030-05-17');
    assert.equal(plan.startTime, '23:41');
    assert.equal(plan.endTime, '23:59');
    assert.equal(plan.slotMinutes, 15);
    assert.equal(plan.slotCount, 1);
  });

  it('shortens the slot to a short range before midnight', () => {
    const plan = planAvailability(new Date(2030, 4, 17, 23, 49, 0));
    assert.equal(plan.startTime, '23:50');
    assert.equal(plan.endTime, '23:59');
    assert.equal(plan.slotMinutes, 9);
    assert.equal(plan.slotCount, 1);
  });
});
