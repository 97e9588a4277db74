import { formatClockTime, type TimeFormatOptions } from '../shared/time';

/** The largest attachment the server accepts, in bytes (5 MiB). */
export const maxAttachmentBytes = 5 * 1024 * 1024;

/** Attachment types the server accepts. */
export const allowedAttachmentTypes = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'] as const;

/** Formats the receipt line under a sent message: "Read 10:42 GMT", or "Sent" before it is read. */
export function receiptText(readAt: string | null, now: Date = new Date(), format: TimeFormatOptions = {}): string {
  return readAt === null ? 'Sent' : `Read ${formatClockTime(new Date(readAt), now, format)}`;
}

/** Formats an unread badge: the count in words, so it does not rely on colour. */
export function unreadText(unread: number): string {
  return unread === 1 ? '1 unread message' : `${unread} unread messages`;
}

/**
 * Checks a chosen file before it is read and uploaded. Returns the problem in
 * a sentence, or undefined when the server would accept its size and type.
 */
export function attachmentProblem(file: { size: number; type: string }): string | undefined {
  if (!(allowedAttachmentTypes as readonly string[]).includes(file.type)) {
    return 'Attach a PDF, PNG, JPEG or plain text file.';
  }
  if (file.size === 0) return 'The file is empty. Choose another file.';
  if (file.size > maxAttachmentBytes) return 'The file is over 5 MiB. Choose a smaller file.';
  return undefined;
}

/** Encodes bytes as standard base64, in chunks so a 5 MiB file does not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + chunk));
  }
  return btoa(binary);
}
