import { describe, expect, test } from 'vitest';
import { attachmentProblem, receiptText, toBase64, unreadText } from './messageFormat';

const london = { timeZone: 'Europe/London', locale: 'en-GB' };

describe('receiptText', () => {
  test('unread message says sent', () => {
    expect(receiptText(null)).toBe('Sent');
  });

  test('read today shows clock time', () => {
    const now = new Date('2026-12-05T12:00:00Z');
    expect(receiptText('2026-12-05T10:42:00Z', now, london)).toBe('Read 10:42 GMT');
  });
});

describe('unreadText', () => {
  test('count in words', () => {
    expect(unreadText(1)).toBe('1 unread message');
    expect(unreadText(3)).toBe('3 unread messages');
  });
});

describe('attachmentProblem', () => {
  test('allowed file passes', () => {
    expect(attachmentProblem({ size: 10, type: 'application/pdf' })).toBeUndefined();
  });

  test('other type rejected', () => {
    expect(attachmentProblem({ size: 10, type: 'text/html' })).toBe('Attach a PDF, PNG, JPEG or plain text file.');
  });

  test('over 5 MiB rejected', () => {
    expect(attachmentProblem({ size: 5 * 1024 * 1024 + 1, type: 'image/png' })).toBe(
      'The file is over 5 MiB. Choose a smaller file.',
    );
  });
});

describe('toBase64', () => {
  test('matches standard base64', () => {
    expect(toBase64(new TextEncoder().encode('Blood pressure log\n'))).toBe('Qmxvb2QgcHJlc3N1cmUgbG9nCg==');
  });
});
