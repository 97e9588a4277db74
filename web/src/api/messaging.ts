// Typed calls for the secure messaging routes of docs/api.md (Messaging).
import { request } from './client';

export interface Person {
  id: string;
  display_name: string;
}

export interface Thread {
  id: string;
  patient: Person;
  clinician: Person;
  created_at: string;
  key_version: number;
  /** Messages from the other party that the signed-in user has not read. */
  unread: number;
  last_message_at: string | null;
  /** False once the clinician left the patient's care team. */
  can_send: boolean;
}

/** A pair the signed-in user may message; `thread_id` is set once their thread exists. */
export interface Contact {
  patient: Person;
  clinician: Person;
  thread_id: string | null;
}

export interface ThreadList {
  threads: Thread[];
  contacts: Contact[];
}

export interface Attachment {
  id: string;
  /** Null when the stored name failed authentication. */
  filename: string | null;
  content_type: string;
  size_bytes: number;
}

export interface Message {
  id: string;
  seq: number;
  thread_id: string;
  sender_id: string;
  created_at: string;
  key_version: number;
  /** Null when the stored text failed authentication (`unreadable`). */
  body: string | null;
  unreadable: boolean;
  attachment: Attachment | null;
  /** When the other party read it, or null. */
  read_at: string | null;
}

export interface MessagePage {
  thread: Thread;
  messages: Message[];
  next_before: number | null;
}

export interface ReadReceipt {
  message_id: string;
  read_at: string;
  unread: number;
}

export interface AttachmentUpload {
  filename: string;
  content_type: string;
  /** The file's bytes in standard base64. */
  data: string;
}

/** Events of GET /api/messages/live: ids and counts only, never text. */
export type LiveEvent =
  | { type: 'ready' }
  | { type: 'message'; thread_id: string; message_id: string; sender_id: string; unread: number }
  | { type: 'read'; thread_id: string; reader_id: string; message_id: string; read_at: string }
  | { type: 'unread'; thread_id: string; unread: number };

const id = encodeURIComponent;

export function listThreads(signal?: AbortSignal): Promise<ThreadList> {
  return request<ThreadList>('GET', '/api/threads', { signal });
}

export function openThread(patientId: string, clinicianId: string): Promise<Thread> {
  return request<Thread>('POST', `/api/patients/${id(patientId)}/threads/${id(clinicianId)}`);
}

export function listMessages(threadId: string, signal?: AbortSignal, before?: number): Promise<MessagePage> {
  const query = before === undefined ? '' : `?before=${before}`;
  return request<MessagePage>('GET', `/api/threads/${id(threadId)}/messages${query}`, { signal });
}

export function sendMessage(threadId: string, body: string): Promise<Message> {
  return request<Message>('POST', `/api/threads/${id(threadId)}/messages`, { body: { body } });
}

export function sendAttachment(threadId: string, upload: AttachmentUpload): Promise<Message> {
  return request<Message>('POST', `/api/threads/${id(threadId)}/attachments`, { body: upload });
}

export function markRead(threadId: string, messageId: string): Promise<ReadReceipt> {
  return request<ReadReceipt>('POST', `/api/threads/${id(threadId)}/read`, { body: { message_id: messageId } });
}

/** Returns the download address of an attachment, which the server sends as a file, never inline. */
export function attachmentUrl(threadId: string, attachmentId: string): string {
  return `/api/threads/${id(threadId)}/attachments/${id(attachmentId)}`;
}

/** Returns the WebSocket URL of the live message events, on the page's own host. */
export function liveMessagesUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/messages/live`;
}
