import { ApiError } from '../api/client';
import { formatMessage } from './messages';

/** Error messages keyed by the request field they are about. */
export type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

export interface SplitApiError<Field extends string> {
  /** The error to show beside one input, when the server named a known field. */
  fieldErrors: FieldErrors<Field>;
  /** The error to show above the form, when no input can carry it. */
  formError: unknown;
}

/**
 * Routes an API error to the input it is about. The server's message starts
 * with the field name ("dose: must not be empty"); beside the labelled input
 * that prefix repeats the label, so it is dropped there, and the rest is
 * shown as a sentence ("Must not be empty.").
 */
export function splitApiError<Field extends string>(
  error: unknown,
  knownFields: readonly Field[],
): SplitApiError<Field> {
  if (error instanceof ApiError && error.field && (knownFields as readonly string[]).includes(error.field)) {
    const field = error.field as Field;
    const prefix = `${field}: `;
    const bare = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    const message = formatMessage(bare);
    return { fieldErrors: { [field]: message } as FieldErrors<Field>, formError: undefined };
  }
  return { fieldErrors: {}, formError: error };
}
