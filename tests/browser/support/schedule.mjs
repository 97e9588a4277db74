// Chooses the availability range that the consultation test publishes.
// All times here are local, as the availability form reads them.

const MINUTE_MS = 60_000;

/** The consultation can be joined from this long before the start (docs/api.md). */
const JOIN_OPENS_BEFORE_START_MS = 10 * MINUTE_MS;

function pad(value) {
  return String(value).padStart(2, '0');
}

/** Formats a local date as the value of an <input type="date">: YYYY-MM-DD. */
export function formatLocalDate(instant) {
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}`;
}

/** Formats a local time as the value of an <input type="time">: HH:MM. */
export function formatLocalTime(instant) {
  return `${pad(instant.getHours())}:${pad(instant.getMinutes())}`;
}

/**
 * Plans a range that starts at the first whole minute at least `leadSeconds`
 * after `now` and lasts `rangeMinutes`, cut into `slotMinutes` slots. The
 * lead keeps the first slot in the future until the patient has booked it,
 * because the server lists and books only slots that have not started.
 *
 * The form takes a start and an end on one date, so a range that would run
 * past midnight is moved or shortened. When midnight is inside the join
 * window, the range starts at midnight on the next day. Otherwise it ends at
 * 23:59, with slots no longer than the shortened range. The first slot's
 * join window is open at `now` in every case.
 */
export function planAvailability(now, { leadSeconds = 30, rangeMinutes = 30, slotMinutes = 15 } = {}) {
  let start = new Date(Math.ceil((now.getTime() + leadSeconds * 1000) / MINUTE_MS) * MINUTE_MS);
  let end = new Date(start.getTime() + rangeMinutes * MINUTE_MS);
  let slotLength = slotMinutes;

  const nextMidnight = new Date(start);
  nextMidnight.setHours(24, 0, 0, 0);
  if (end.getTime() > nextMidnight.getTime()) {
    // One minute of margin, so the window is still open when the test joins.
    if (nextMidnight.getTime() - now.getTime() <= JOIN_OPENS_BEFORE_START_MS - MINUTE_MS) {
      start = nextMidnight;
      end = new Date(start.getTime() + rangeMinutes * MINUTE_MS);
    } else {
      end = new Date(nextMidnight.getTime() - MINUTE_MS);
      slotLength = Math.min(slotMinutes, Math.round((end.getTime() - start.getTime()) / MINUTE_MS));
    }
  }

  return {
    date: formatLocalDate(start),
    startTime: formatLocalTime(start),
    endTime: formatLocalTime(end),
    slotMinutes: slotLength,
    startsAt: start,
    endsAt: end,
    firstSlotEndsAt: new Date(start.getTime() + slotLength * MINUTE_MS),
    slotCount: Math.floor((end.getTime() - start.getTime()) / (slotLength * MINUTE_MS)),
  };
}
