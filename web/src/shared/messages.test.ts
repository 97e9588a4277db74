import { describe, expect, it } from 'vitest';
import { formatMessage } from './messages';

describe('formatMessage', () => {
  it('capitalises and adds a full stop', () => {
    expect(formatMessage('the email or password is incorrect')).toBe('The email or password is incorrect.');
  });

  it('drops a field prefix', () => {
    expect(formatMessage('code: incorrect or expired; try the next code')).toBe('Incorrect or expired; try the next code.');
  });

  it('drops a snake_case field prefix', () => {
    expect(formatMessage('slot_minutes: must be at least 1')).toBe('Must be at least 1.');
  });

  it('keeps a finished sentence unchanged', () => {
    expect(formatMessage('Could not reach the server. Check your connection and try again.')).toBe(
      'Could not reach the server. Check your connection and try again.',
    );
  });

  it('keeps a question mark', () => {
    expect(formatMessage('is the server up?')).toBe('Is the server up?');
  });

  it('keeps a colon inside the message', () => {
    expect(formatMessage('Invalid time "25:00": use the form HH:MM')).toBe('Invalid time "25:00": use the form HH:MM.');
  });

  it('leaves an empty message empty', () => {
    expect(formatMessage('  ')).toBe('');
  });
});
