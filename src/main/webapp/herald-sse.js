/**
 * Herald's Server-Sent Events transport for `herald.js`, for networks that break the WebSocket upgrade
 * (docs/sse.md): an EventSource on `GET …/api/sse` and a POST per client message, shaped like the
 * WebSocket `herald.js` drives (`onopen`, `onmessage`, `onclose({code, reason, wasClean})`, `send`,
 * `close`), so the same session logic, recovery and close-code table apply.
 *
 * @module herald-sse
 */

import { V1 } from './herald-protocol.js';

/** The first event of a stream: `{"id": …}`, the name of the stream for its messages. */
const STREAM_EVENT = 'herald.stream';
/** The last event of a stream the server ended: `{"code": …, "reason": …}`. */
const CLOSE_EVENT = 'herald.close';

/**
 * @param {string | URL} wsUrl the ws(s) endpoint, `…/herald/ws` (herald.war: `…/ws`)
 * @returns {string | null} the SSE endpoint beside it: `…/api/sse`, http(s); null when `wsUrl` is no URL
 */
export function sseUrlOf(wsUrl) {
  let u;
  try {
    u = new URL(String(wsUrl));
  } catch {
    return null;
  }
  u.protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
  const sse = new URL('api/sse', u);
  return sse.href;
}

/** An SSE stream that looks like a `herald.v1` WebSocket to `herald.js`. */
export class SseSocket {
  #es;
  #id = null;
  #url;
  #fetchImpl;
  #headers;
  #closed = false;

  /**
   * @param {string} url the stream's URL, with its `ticket`, `since` and `bsince`
   * @param {{EventSourceImpl: Function, fetchImpl: Function, headers?: object | Function}} impl
   */
  constructor(url, { EventSourceImpl, fetchImpl, headers }) {
    this.url = url;
    this.protocol = V1; // every stream is a herald.v1 session
    this.readyState = 0;
    this.onopen = this.onmessage = this.onerror = this.onclose = null;
    this.#url = url;
    this.#fetchImpl = fetchImpl;
    this.#headers = headers;
    const es = new EventSourceImpl(url, { withCredentials: true });
    this.#es = es;
    es.addEventListener(STREAM_EVENT, (event) => {
      if (this.#closed || this.readyState !== 0) return;
      try {
        this.#id = JSON.parse(event.data).id ?? null;
      } catch {
        this.#id = null;
      }
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
    });
    es.addEventListener('message', (event) => {
      if (!this.#closed) this.onmessage?.({ type: 'message', data: event.data });
    });
    es.addEventListener(CLOSE_EVENT, (event) => {
      let end = {};
      try {
        end = JSON.parse(event.data) ?? {};
      } catch {
        // a last event that is not JSON: the stream ended all the same
      }
      this.#end(Number.isInteger(end.code) ? end.code : 1006, typeof end.reason === 'string' ? end.reason : '', true);
    });
    es.addEventListener('error', (event) => {
      if (this.#closed) return;
      this.onerror?.(event);
      // A refused stream (401/403) or a lost one: like a WebSocket without a close frame. The EventSource's
      // own reconnect is stopped: herald.js reconnects with a fresh ticket and its positions.
      this.#end(1006, '', false);
    });
  }

  /**
   * Posts one client message to the stream (fired on the server as an `InboundMessage`). A refusal that
   * ends the stream (too big, rate limit) arrives as the stream's `herald.close`; others are `onerror`.
   * @param {string} text JSON text
   */
  send(text) {
    if (this.readyState !== 1) throw new Error('Herald SSE: the stream is not open');
    const target = new URL(`sse/${encodeURIComponent(this.#id)}/messages`, this.#url).href;
    void (async () => {
      const headers = typeof this.#headers === 'function' ? await this.#headers() : this.#headers;
      const res = await this.#fetchImpl(target, {
        method: 'POST', credentials: 'include', body: text, headers: { ...(headers ?? {}), 'Content-Type': 'application/json' },
      });
      if (!res.ok && !this.#closed) this.onerror?.(Object.assign(new Error(`Herald SSE: message refused (${res.status})`), { status: res.status }));
    })().catch((error) => {
      if (!this.#closed) this.onerror?.(error);
    });
  }

  /** Ends the stream from this side (no `onclose`: `herald.js` detaches first, as with a WebSocket). */
  close() {
    this.#closed = true;
    this.readyState = 3;
    this.#es.close();
  }

  #end(code, reason, wasClean) {
    if (this.#closed) return;
    this.close();
    this.onclose?.({ type: 'close', code, reason, wasClean });
  }
}
