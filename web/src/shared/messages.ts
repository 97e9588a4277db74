// Turns the server's terse error messages ("code: incorrect or expired") into
// sentences for people to read.

// An API field name such as "dose" or "slot_minutes" followed by ": ".
const FIELD_PREFIX = /^[a-z][a-z0-9_]*: /;

/**
 * Formats a message as a sentence: drops a leading "field: " prefix,
 * capitalises the first letter and adds a full stop when the message does not
 * already end with punctuation. An empty message stays empty.
 */
export function formatMessage(message: string): string {
  let text = message.trim().replace(FIELD_PREFIX, '');
  if (text === '') return text;
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (!/[.!?…)]$/.test(text)) {
    text += '.';
  }
  return text;
}
