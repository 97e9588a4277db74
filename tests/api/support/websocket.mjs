// A minimal RFC 6455 WebSocket client over TLS, because Node.js 20 has no
// global WebSocket. It sends the HTTP upgrade itself so tests can see a
// rejected handshake's status and body, masks every frame it sends, and
// reads unmasked text, ping and close frames from the server.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import tls from 'node:tls';

import { baseUrl } from './env.mjs';

// RFC 6455 section 1.3: the GUID appended to Sec-WebSocket-Key.
const handshakeGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const opcodes = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa };

/** Encodes one final, masked client frame. */
function encodeFrame(opcode, payload) {
  const mask = randomBytes(4);
  let header;
  if (payload.length < 126) {
    header = Buffer.from([0x80 | opcode, 0x80 | payload.length]);
  } else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}

/**
 * Decodes one frame from the start of `buffer`. Returns `{fin, opcode,
 * payload, length}` (length: bytes consumed), or undefined when the frame is
 * not complete yet.
 */
function decodeFrame(buffer) {
  if (buffer.length < 2) return undefined;
  const fin = (buffer[0] & 0x80) !== 0;
  const opcode = buffer[0] & 0x0f;
  const masked = (buffer[1] & 0x80) !== 0;
  let payloadLength = buffer[1] & 0x7f;
  let offset = 2;
  if (payloadLength === 126) {
    if (buffer.length < 4) return undefined;
    payloadLength = buffer.readUInt16BE(2);
    offset = 4;
  } else if (payloadLength === 127) {
    if (buffer.length < 10) return undefined;
    payloadLength = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  // RFC 6455 section 5.1: a server must not mask the frames it sends.
  if (masked) throw new Error('the server sent a masked frame');
  if (buffer.length < offset + payloadLength) return undefined;
  return {
    fin,
    opcode,
    payload: buffer.subarray(offset, offset + payloadLength),
    length: offset + payloadLength,
  };
}

/** An open WebSocket connection after a 101 response. */
export class WebSocketConnection {
  constructor(socket, leftover) {
    this.socket = socket;
    this.buffer = leftover;
    this.fragments = [];
    this.messages = [];
    this.waiters = [];
    this.closeCode = undefined;
    this.ended = false;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });

    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.readFrames();
    });
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    this.readFrames();
  }

  readFrames() {
    for (;;) {
      let frame;
      try {
        frame = decodeFrame(this.buffer);
      } catch (error) {
        this.socket.destroy(error);
        return;
      }
      if (!frame) return;
      this.buffer = this.buffer.subarray(frame.length);
      this.handleFrame(frame);
    }
  }

  handleFrame(frame) {
    switch (frame.opcode) {
      case opcodes.ping:
        this.socket.write(encodeFrame(opcodes.pong, frame.payload));
        return;
      case opcodes.pong:
        return;
      case opcodes.close:
        this.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        if (!this.socket.destroyed) {
          this.socket.end(encodeFrame(opcodes.close, frame.payload.subarray(0, 2)));
        }
        this.finish();
        return;
      default:
        this.fragments.push(frame.payload);
        if (frame.fin) {
          const message = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.deliver(message);
        }
    }
  }

  deliver(message) {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(message);
    else this.messages.push(message);
  }

  finish() {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new Error(`the WebSocket closed (code ${this.closeCode ?? 'none'})`));
    }
    this.resolveClosed(this.closeCode);
  }

  /** Sends `text` as one masked text frame. */
  send(text) {
    this.socket.write(encodeFrame(opcodes.text, Buffer.from(text, 'utf8')));
  }

  /** Sends `value` as JSON in one text frame. */
  sendJson(value) {
    this.send(JSON.stringify(value));
  }

  /** Waits for the next text message; rejects after `timeoutMs` or when the socket closes. */
  nextMessage(timeoutMs = 5000) {
    if (this.messages.length > 0) return Promise.resolve(this.messages.shift());
    if (this.ended) return Promise.reject(new Error('the WebSocket is closed'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no WebSocket message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Waits for the next message and parses it as JSON. */
  async nextJson(timeoutMs) {
    return JSON.parse(await this.nextMessage(timeoutMs));
  }

  /** Sends a normal close frame (1000) and waits until the socket is closed. */
  async close() {
    if (!this.ended && !this.socket.destroyed) {
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(1000, 0);
      this.socket.write(encodeFrame(opcodes.close, payload));
      setTimeout(() => this.socket.destroy(), 2000).unref();
    }
    await this.closed;
  }
}

// Splits an HTTP/1.1 response head into its status and lowercase headers.
function parseHead(head) {
  const [statusLine, ...lines] = head.split('\r\n');
  const match = /^HTTP\/1\.1 (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP response: ${statusLine}`);
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(match[1]), headers };
}

/**
 * Sends a WebSocket upgrade request for `path`. Options: `origin` (defaults to
 * the server's origin; null leaves the header out) and `cookie` (a Cookie
 * header value). Resolves to `{status, headers, text, body, connection}`:
 * `connection` is a WebSocketConnection after a 101 response, and `text` and
 * `body` (parsed JSON, if any) hold the body of any other response.
 */
export function openWebSocket(path, options = {}) {
  const url = new URL(baseUrl);
  const key = randomBytes(16).toString('base64');
  const origin = options.origin === undefined ? baseUrl : options.origin;
  const requestLines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
  ];
  if (origin !== null) requestLines.push(`Origin: ${origin}`);
  if (options.cookie) requestLines.push(`Cookie: ${options.cookie}`);

  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: url.hostname,
      port: Number(url.port || 443),
      servername: url.hostname,
    });
    let received = Buffer.alloc(0);
    let head;

    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete upgrade response for ${path} within 10 s`));
    }, 10_000);

    function finishRejected() {
      clearTimeout(timer);
      const bodyBytes = received.subarray(head.end);
      const length = Number(head.headers['content-length'] ?? bodyBytes.length);
      const text = bodyBytes.subarray(0, length).toString('utf8');
      let body;
      if ((head.headers['content-type'] ?? '').includes('application/json') && text !== '') {
        body = JSON.parse(text);
      }
      socket.destroy();
      resolve({ status: head.status, headers: head.headers, text, body });
    }

    function onData(chunk) {
      received = Buffer.concat([received, chunk]);
      if (!head) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = { ...parseHead(received.subarray(0, end).toString('latin1')), end: end + 4 };
      }
      if (head.status === 101) {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('end', onEnd);
        const expected = createHash('sha1').update(key + handshakeGuid).digest('base64');
        try {
          assert.equal(head.headers['sec-websocket-accept'], expected, 'Sec-WebSocket-Accept');
        } catch (error) {
          socket.destroy();
          reject(error);
          return;
        }
        const connection = new WebSocketConnection(socket, received.subarray(head.end));
        resolve({ status: 101, headers: head.headers, connection });
        return;
      }
      const length = Number(head.headers['content-length']);
      if (Number.isFinite(length) && received.length - head.end >= length) finishRejected();
    }

    function onEnd() {
      if (head) finishRejected();
      else {
        clearTimeout(timer);
        reject(new Error(`the server closed the connection without a response to ${path}`));
      }
    }

    socket.on('secureConnect', () => socket.write(`${requestLines.join('\r\n')}\r\n\r\n`));
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (head && head.status !== 101) finishRejected();
      else reject(error);
    });
  });
}
