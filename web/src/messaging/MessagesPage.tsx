import { useCallback, useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  attachmentUrl,
  listMessages,
  listThreads,
  markRead,
  openThread,
  sendAttachment,
  sendMessage,
  type Contact,
  type LiveEvent,
  type Message,
  type Thread,
} from '../api/messaging';
import type { User } from '../api/types';
import { useCurrentUser } from '../auth/session';
import { splitApiError } from '../shared/fieldErrors';
import { formatDateTime } from '../shared/time';
import { ErrorAlert, FormField, Loading, PageTitle } from '../shared/ui';
import { useResource } from '../shared/useResource';
import { attachmentProblem, receiptText, toBase64, unreadText } from './messageFormat';
import { useLiveMessages, type LiveStatus } from './useLiveMessages';

// Every text from the server (names, message bodies, file names) is rendered
// as a React text child, never as HTML, so markup in it stays inert text.

/** Returns the other party's name, from the signed-in user's side. */
function counterpart(thread: Pick<Thread, 'patient' | 'clinician'>, user: User): string {
  return user.role === 'patient' ? thread.clinician.display_name : thread.patient.display_name;
}

/**
 * Secure messages: the signed-in user's threads with unread counts, and the
 * open thread's conversation with a composer. Live events over the WebSocket
 * make both reload when a message arrives or is read.
 */
export function MessagesPage() {
  const { threadId } = useParams();
  const user = useCurrentUser();
  const threads = useResource((signal) => listThreads(signal), []);
  const [conversationVersion, setConversationVersion] = useState(0);

  const reloadThreads = threads.reload;
  const onLiveEvent = useCallback(
    (event: LiveEvent) => {
      if (event.type === 'ready') return;
      reloadThreads();
      if (event.thread_id === threadId && event.type !== 'unread') setConversationVersion((value) => value + 1);
    },
    [reloadThreads, threadId],
  );
  const liveStatus = useLiveMessages(onLiveEvent);

  return (
    <>
      <PageTitle title="Messages">Messages</PageTitle>
      <LiveStatusLine status={liveStatus} />
      <ErrorAlert error={threads.error} testId="threads-error" />
      {threads.loading && !threads.data && <Loading />}
      <div className="messages-layout">
        {threads.data && (
          <ThreadList threads={threads.data.threads} contacts={threads.data.contacts} user={user} activeId={threadId} />
        )}
        {threadId && (
          <Conversation
            key={threadId}
            threadId={threadId}
            user={user}
            version={conversationVersion}
            onRead={reloadThreads}
          />
        )}
      </div>
    </>
  );
}

function LiveStatusLine({ status }: { status: LiveStatus }) {
  const text =
    status === 'live'
      ? 'New messages appear here as they arrive.'
      : status === 'connecting'
        ? 'Connecting for new messages…'
        : 'Not connected; new messages appear when you reload the page.';
  return (
    <p className="field-hint" data-testid="live-status" data-status={status}>
      {text}
    </p>
  );
}

interface ThreadListProps {
  threads: Thread[];
  contacts: Contact[];
  user: User;
  activeId: string | undefined;
}

function ThreadList({ threads, contacts, user, activeId }: ThreadListProps) {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(undefined);
  const newContacts = contacts.filter((contact) => contact.thread_id === null);

  const start = async (contact: Contact) => {
    setError(undefined);
    try {
      const thread = await openThread(contact.patient.id, contact.clinician.id);
      navigate(`/messages/${thread.id}`);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="thread-list" aria-labelledby="threads-heading">
      <h2 id="threads-heading">Conversations</h2>
      {threads.length === 0 && <p>No conversations yet.</p>}
      <ul className="plain-list" data-testid="thread-list">
        {threads.map((thread) => (
          <li key={thread.id} data-testid="thread-item" data-thread-id={thread.id}>
            <Link to={`/messages/${thread.id}`} aria-current={thread.id === activeId ? 'page' : undefined}>
              {counterpart(thread, user)}
            </Link>{' '}
            {thread.unread > 0 && (
              <span className="badge" data-testid="unread-count">
                {unreadText(thread.unread)}
              </span>
            )}
          </li>
        ))}
      </ul>
      {newContacts.length > 0 && (
        <>
          <h3>Start a conversation</h3>
          <ErrorAlert error={error} />
          <ul className="plain-list">
            {newContacts.map((contact) => (
              <li key={`${contact.patient.id}-${contact.clinician.id}`}>
                <button
                  type="button"
                  className="button button-secondary"
                  data-testid="start-thread"
                  onClick={() => void start(contact)}
                >
                  Message {counterpart(contact, user)}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

interface ConversationProps {
  threadId: string;
  user: User;
  /** Changes when a live event concerns this thread, which reloads it. */
  version: number;
  onRead: () => void;
}

function Conversation({ threadId, user, version, onRead }: ConversationProps) {
  const page = useResource((signal) => listMessages(threadId, signal), [threadId, version]);
  const thread = page.data?.thread;
  const canSend = thread?.can_send ?? false;
  const messages = page.data?.messages ?? [];
  const newest = messages.length > 0 ? messages[messages.length - 1] : undefined;

  // Reading the thread sends a read receipt for its newest message, when the
  // other party has sent something unread.
  useEffect(() => {
    if (!thread || !newest || thread.unread === 0) return;
    markRead(threadId, newest.id).then(onRead, () => {});
  }, [thread, newest, threadId, onRead]);

  return (
    <section className="conversation" aria-labelledby="conversation-heading">
      <h2 id="conversation-heading">{thread ? `Conversation with ${counterpart(thread, user)}` : 'Conversation'}</h2>
      <ErrorAlert error={page.error} testId="conversation-error" />
      {page.loading && !page.data && <Loading />}
      {thread && (
        <>
          {messages.length === 0 && <p>No messages yet.</p>}
          <ol className="message-list plain-list" aria-label="Messages" aria-live="polite" data-testid="message-list">
            {messages.map((message) => (
              <MessageItem key={message.id} message={message} threadId={threadId} user={user} thread={thread} />
            ))}
          </ol>
          {canSend ? (
            <>
              <Composer threadId={threadId} onSent={page.reload} />
              <AttachmentForm threadId={threadId} onSent={page.reload} />
            </>
          ) : (
            <p className="alert alert-info" data-testid="thread-read-only">
              This clinician is no longer on the care team. You can read this conversation but not reply.
            </p>
          )}
        </>
      )}
    </section>
  );
}

interface MessageItemProps {
  message: Message;
  thread: Thread;
  threadId: string;
  user: User;
}

function MessageItem({ message, thread, threadId, user }: MessageItemProps) {
  const own = message.sender_id === user.id;
  const sender = own ? 'You' : counterpart(thread, user);
  return (
    <li className={own ? 'message message-own' : 'message'} data-testid="message" data-message-id={message.id}>
      <p className="message-meta">
        <strong>{sender}</strong> <span className="field-hint">{formatDateTime(message.created_at)}</span>
      </p>
      {message.unreadable ? (
        <p className="message-body" data-testid="message-unreadable">
          This message could not be opened. Report it to the clinic.
        </p>
      ) : (
        message.body !== '' && (
          <p className="message-body" data-testid="message-body">
            {message.body}
          </p>
        )
      )}
      {message.attachment && (
        <p>
          <a
            href={attachmentUrl(threadId, message.attachment.id)}
            download={message.attachment.filename ?? 'attachment'}
            data-testid="attachment-link"
          >
            {message.attachment.filename ?? 'Attachment (name could not be opened)'}
          </a>{' '}
          <span className="field-hint">({Math.max(1, Math.round(message.attachment.size_bytes / 1024))} KiB)</span>
        </p>
      )}
      {own && (
        <p className="field-hint" data-testid="receipt">
          {receiptText(message.read_at)}
        </p>
      )}
    </li>
  );
}

function Composer({ threadId, onSent }: { threadId: string; onSent: () => void }) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<unknown>(undefined);
  const input = useRef<HTMLTextAreaElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setFieldError(undefined);
    setFormError(undefined);
    try {
      await sendMessage(threadId, text);
      setText('');
      onSent();
    } catch (failure) {
      const split = splitApiError(failure, ['body'] as const);
      setFieldError(split.fieldErrors.body);
      setFormError(split.formError);
      if (split.fieldErrors.body) input.current?.focus();
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="composer" onSubmit={(event) => void submit(event)} noValidate>
      <ErrorAlert error={formError} />
      <FormField label="Message" hint="Plain text, up to 5000 characters." error={fieldError}>
        {(props) => (
          <textarea
            {...props}
            ref={input}
            rows={3}
            value={text}
            onChange={(event) => setText(event.target.value)}
            data-testid="message-input"
          />
        )}
      </FormField>
      <button type="submit" className="button" disabled={sending} data-testid="send-message">
        {sending ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}

function AttachmentForm({ threadId, onSent }: { threadId: string; onSent: () => void }) {
  const [file, setFile] = useState<File | undefined>(undefined);
  const [sending, setSending] = useState(false);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<unknown>(undefined);
  const [inputKey, setInputKey] = useState(0);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setFile(chosen);
    setFieldError(chosen ? attachmentProblem(chosen) : undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setFieldError('Choose a file to send.');
      return;
    }
    const problem = attachmentProblem(file);
    if (problem) {
      setFieldError(problem);
      return;
    }
    setSending(true);
    setFormError(undefined);
    try {
      const data = toBase64(new Uint8Array(await file.arrayBuffer()));
      await sendAttachment(threadId, { filename: file.name, content_type: file.type, data });
      setFile(undefined);
      setInputKey((value) => value + 1);
      onSent();
    } catch (failure) {
      const split = splitApiError(failure, ['filename', 'content_type', 'data'] as const);
      const message = split.fieldErrors.filename ?? split.fieldErrors.content_type ?? split.fieldErrors.data;
      setFieldError(message);
      setFormError(split.formError);
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="composer" onSubmit={(event) => void submit(event)} noValidate>
      <ErrorAlert error={formError} />
      <FormField label="Attach a file" hint="PDF, PNG, JPEG or plain text, up to 5 MiB." error={fieldError}>
        {(props) => (
          <input
            {...props}
            key={inputKey}
            type="file"
            accept="application/pdf,image/png,image/jpeg,text/plain"
            onChange={choose}
            data-testid="attachment-input"
          />
        )}
      </FormField>
      <button type="submit" className="button button-secondary" disabled={sending} data-testid="send-attachment">
        {sending ? 'Sending…' : 'Send file'}
      </button>
    </form>
  );
}
