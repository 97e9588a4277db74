import { useEffect, useRef, useState } from 'react';
import { liveMessagesUrl, type LiveEvent } from '../api/messaging';

export type LiveStatus = 'connecting' | 'live' | 'offline';

// Waits before reconnecting after the socket closed: doubles from 1 s to 30 s.
const firstRetryMs = 1000;
const maxRetryMs = 30_000;

/**
 * Keeps the live message socket open while the page is shown and passes each
 * event to `onEvent`. The socket carries ids and counts only; the page
 * fetches any text through the audited routes. A closed socket (network,
 * server restart, session recheck) is reopened with a growing delay.
 */
export function useLiveMessages(onEvent: (event: LiveEvent) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let socket: WebSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let retryMs = firstRetryMs;
    let stopped = false;

    const connect = () => {
      setStatus('connecting');
      socket = new WebSocket(liveMessagesUrl(window.location));
      socket.onmessage = (message) => {
        let event: LiveEvent;
        try {
          event = JSON.parse(String(message.data)) as LiveEvent;
        } catch {
          return;
        }
        if (event.type === 'ready') {
          retryMs = firstRetryMs;
          setStatus('live');
        }
        handler.current(event);
      };
      socket.onclose = () => {
        if (stopped) return;
        setStatus('offline');
        timer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, maxRetryMs);
      };
    };
    connect();

    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      socket?.close();
    };
  }, []);

  return status;
}
