/**
 * Herald browser client: a small WebSocket notification client with
 * ticket-based auth, exponential backoff with full jitter, close-code
 * classification, offline awareness and recovery of missed messages
 * (subprotocol `herald.v1`). Dependency-free ES module.
 *
 * @example
 *   import { Herald } from '/herald/herald.js';
 *   const h = new Herald({ ticketUrl: '/herald/api/ws/ticket' });
 *   h.on('MFA_REQUIRED', (msg) => showMfaDialog(msg));
 *
 * @module herald
 */

/** Event names handled by the client itself; any other name is a message type. */
const LIFECYCLE = new Set([
  'message', 'open', 'close', 'reconnecting', 'final', 'error', 'parseerror', 'recovered', 'missed',
]);

/** The subprotocol of sequenced, recoverable messages. */
export const V1 = 'herald.v1';

/** The two streams of a `herald.v1` session and their query parameters. */
const STREAMS = { user: 'since', broadcast: 'bsince' };

/** Policy-violation (1008) reasons that mean "your credentials are not good". */
const AUTH_REASONS = new Set(['authentication required', 'invalid or expired ticket']);

/**
 * Policy-violation (1008) reasons that a new connection would meet again: a page from a disallowed
 * origin, or a session dropped because the same user opened newer ones (reconnecting would evict
 * another tab of the same user, which would reconnect in turn).
 */
const FINAL_REASONS = new Set(['session limit', 'origin not allowed']);

/** Codes caused by this client misusing the protocol: retrying would repeat the mistake. */
const FINAL_CODES = new Set([1002, 1003, 1007, 1009]);

/**
 * Reconnect delay with exponential backoff and full jitter:
 * `random() * min(maxDelayMs, baseDelayMs * 2 ** attempt)`, floored to whole ms.
 *
 * @param {number} attempt 0-based number of consecutive failed attempts.
 * @param {{baseDelayMs?: number, maxDelayMs?: number, random?: () => number}} [opts]
 * @returns {number} delay in milliseconds, in `[0, cap)`.
 */
export function backoffDelay(attempt, { baseDelayMs = 500, maxDelayMs = 30000, random = Math.random } = {}) {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * cap);
}

/**
 * Classifies a WebSocket close.
 *
 * - `'final'`: stop for good (server-initiated disconnect, session limit, disallowed origin, or
 *   protocol misuse by this client).
 * - `'auth'`: credentials rejected; may retry once with a fresh ticket.
 * - `'retry'`: transient; reconnect with backoff.
 *
 * @param {number} code close code.
 * @param {string} [reason] close reason (compared case-insensitively, trimmed).
 * @returns {'retry' | 'auth' | 'final'}
 */
export function classifyClose(code, reason = '') {
  const r = String(reason ?? '').trim().toLowerCase();
  if (code === 1000) return r === 'disconnected' ? 'final' : 'retry';
  if (code === 1008) return AUTH_REASONS.has(r) ? 'auth' : FINAL_REASONS.has(r) ? 'final' : 'retry';
  if (FINAL_CODES.has(code)) return 'final';
  return 'retry'; // 1001, 1006, 1011, 1012, 1013, 4000, 4001, unknown; 1008 rate limit
}

/**
 * Default endpoint: the `ws` sibling of the module's own URL, with http(s) mapped to ws(s).
 * `https://host/herald/herald.js` becomes `wss://host/herald/ws`.
 *
 * @param {string | URL} moduleUrl usually `import.meta.url`.
 * @returns {string}
 */
export function defaultUrl(moduleUrl) {
  const u = new URL('ws', moduleUrl);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  return u.href;
}

/**
 * Appends a URL-encoded `ticket` query parameter.
 *
 * @param {string | URL} url
 * @param {string} ticket
 * @returns {string}
 */
export function withTicket(url, ticket) {
  const s = String(url);
  return `${s}${s.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`;
}

/**
 * @typedef {{epoch: string, seq: number}} Position the last message seen on a stream.
 * @typedef {{user: Position | null, broadcast: Position | null}} Positions
 */

/**
 * @param {unknown} p
 * @returns {Position | null} `p` as a position, or null when it is not one
 */
function position(p) {
  return typeof p?.epoch === 'string' && /^[A-Za-z0-9]+$/.test(p.epoch) && Number.isSafeInteger(p.seq) && p.seq >= 0
    ? { epoch: p.epoch, seq: p.seq }
    : null;
}

/**
 * Appends the recovery query parameters of a `herald.v1` connect: `since=<epoch>:<seq>` for the user
 * stream and `bsince=<epoch>:<seq>` for the broadcast stream, each only when known. The colon stays as is
 * (legal in a query, and read the same by containers that decode parameters and those that do not).
 *
 * @param {string | URL} url
 * @param {Partial<Positions>} positions
 * @returns {string}
 */
export function withPositions(url, positions) {
  let s = String(url);
  for (const [stream, param] of Object.entries(STREAMS)) {
    const p = position(positions?.[stream]);
    if (p) s += `${s.includes('?') ? '&' : '?'}${param}=${encodeURIComponent(p.epoch)}:${p.seq}`;
  }
  return s;
}

/**
 * Reconnecting WebSocket client for Herald notifications.
 *
 * Events (`on(name, fn)`):
 * - `message` fn(data, event): every notification (a bare JSON frame, or the `data` of a `herald.v1` message).
 * - `open` fn(event), `error` fn(eventOrError).
 * - `close` fn({code, reason, wasClean, willRetry}): every socket close, and `close()`; also when the client
 *   drops a `herald.v1` session itself to recover (`{code: 1000, reason: 'offline' | 'gap', willRetry: true}`).
 * - `reconnecting` fn({delayMs, attempt, code, reason, offline?}): before waiting;
 *   `delayMs` is null (and `offline` true) when waiting for the browser's `online` event.
 * - `final` fn({code, reason} | {status} | {error}): gave up; no further attempts.
 * - `parseerror` fn({error, data}): a text frame that is not JSON (connection stays open).
 * - `recovered` fn({replayed}): a reconnect replayed everything missed since the last message seen
 *   (`replayed` of them, delivered just before).
 * - `missed` fn({replayed, protocol}): a reconnect could not prove that nothing was missed (history
 *   gone or reset on a `herald.v1` session, or any reconnect of a plain session): refetch.
 * - any other name: notifications whose top-level `"message"` field equals that name, fn(data, event).
 */
export class Herald {
  #o;
  #ws = null;
  #timer = null;
  #stableTimer = null;
  #gen = 0; // bumped on every (re)start/stop; stale async callbacks compare against it
  #state = 'closed';
  #attempt = 0;
  #authRetryUsed = false;
  #target = null; // window-like EventTarget for online/offline
  #lifecycle = new Map();
  #types = new Map();
  /** @type {Positions} */
  #positions = { user: null, broadcast: null };
  #session = null; // {v1, asked, welcomed, after} of the open socket
  #hadSession = false; // a session opened before on this instance
  #v1Seen = false; // a herald.v1 session opened on this instance
  #plainNext = false; // the last herald.v1 attempt failed before opening: try once without it
  #duplicates = 0;

  /**
   * @param {object} [options]
   * @param {string | URL} [options.url] ws(s) endpoint; default derived from this module's URL.
   * @param {string | URL} [options.ticketUrl] POSTed before every connect; expects `{"ticket": "..."}`.
   * @param {object | (() => object | Promise<object>)} [options.headers] headers for the ticket POST.
   * @param {string[]} [options.protocols] further WebSocket subprotocols.
   * @param {boolean} [options.recover=true] ask for `herald.v1` (sequenced messages, recovery on
   *   reconnect); false: plain bare JSON only.
   * @param {{load: () => Partial<Positions> | null | undefined, save: (p: Positions) => void}} [options.positionStore]
   *   keeps the stream positions beyond this instance (e.g. in sessionStorage, so a reload recovers too);
   *   `load` is called once, `save` after every change.
   * @param {number} [options.baseDelayMs=500]
   * @param {number} [options.maxDelayMs=30000]
   * @param {number} [options.stableAfterMs=10000] open time after which the backoff resets.
   * @param {typeof WebSocket} [options.WebSocketImpl]
   * @param {typeof fetch} [options.fetchImpl]
   * @param {() => number} [options.random]
   * @param {typeof setTimeout} [options.setTimeoutImpl]
   * @param {typeof clearTimeout} [options.clearTimeoutImpl]
   * @param {boolean} [options.autoConnect=true]
   */
  constructor(options = {}) {
    const {
      url, ticketUrl, headers, protocols, recover = true, positionStore,
      baseDelayMs = 500, maxDelayMs = 30000, stableAfterMs = 10000,
      WebSocketImpl = globalThis.WebSocket,
      fetchImpl = (...args) => globalThis.fetch(...args),
      random = Math.random,
      setTimeoutImpl = (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeoutImpl = (id) => globalThis.clearTimeout(id),
      autoConnect = true,
    } = options;
    this.#o = {
      url: url != null ? String(url) : defaultUrl(import.meta.url),
      ticketUrl, headers, protocols, recover, positionStore, baseDelayMs, maxDelayMs, stableAfterMs,
      WebSocketImpl, fetchImpl, random, setTimeoutImpl, clearTimeoutImpl,
    };
    if (recover && positionStore) {
      let stored = null;
      try {
        stored = positionStore.load();
      } catch {
        // unreadable: start without positions
      }
      for (const stream of Object.keys(STREAMS)) this.#positions[stream] = position(stored?.[stream]);
    }
    if (autoConnect) this.connect();
  }

  /** @returns {'connecting' | 'open' | 'reconnecting' | 'closed'} */
  get state() {
    return this.#state;
  }

  /** @returns {'herald.v1' | 'plain' | null} the open session's protocol; null when not open */
  get protocol() {
    return this.#session ? (this.#session.v1 ? V1 : 'plain') : null;
  }

  /** @returns {Positions} a copy of the last message seen on each stream (what a reconnect recovers from) */
  get positions() {
    const { user, broadcast } = this.#positions;
    return { user: user && { ...user }, broadcast: broadcast && { ...broadcast } };
  }

  /** @returns {number} `herald.v1` messages dropped because they were seen already (for debugging) */
  get duplicates() {
    return this.#duplicates;
  }

  /**
   * Subscribes to a lifecycle event or a message type.
   * @param {string} name
   * @param {Function} fn
   * @returns {() => void} unsubscribe function.
   */
  on(name, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    const map = LIFECYCLE.has(name) ? this.#lifecycle : this.#types;
    if (!map.has(name)) map.set(name, new Set());
    map.get(name).add(fn);
    return () => this.off(name, fn);
  }

  /**
   * Removes a listener added with {@link Herald#on}.
   * @param {string} name
   * @param {Function} fn
   */
  off(name, fn) {
    (LIFECYCLE.has(name) ? this.#lifecycle : this.#types).get(name)?.delete(fn);
  }

  /** Connects now (no-op while connecting or open; skips a pending backoff wait). */
  connect() {
    if (this.#state === 'connecting' || this.#state === 'open') return;
    if (this.#state === 'closed') {
      this.#attempt = 0;
      this.#authRetryUsed = false;
      this.#listenNetwork();
    }
    this.#clearTimer();
    void this.#open();
  }

  /** Closes for good: cancels timers, closes the socket with 1000, emits `close`. Positions are kept. */
  close() {
    if (this.#state === 'closed') return;
    this.#stop();
    this.#emit('close', { code: 1000, reason: '', wasClean: true, willRetry: false });
  }

  async #open() {
    const gen = ++this.#gen;
    this.#state = 'connecting';
    const askV1 = this.#o.recover && !this.#plainNext;
    const asked = askV1 && !!(this.#positions.user || this.#positions.broadcast);
    let url = askV1 ? withPositions(this.#o.url, this.#positions) : this.#o.url;
    if (this.#o.ticketUrl) {
      try {
        url = withTicket(url, await this.#fetchTicket());
      } catch (error) {
        if (gen !== this.#gen) return;
        if (error?.status === 401 || error?.status === 403) return this.#final({ status: error.status });
        this.#emit('error', error);
        if (gen === this.#gen) this.#retry({ code: null, reason: String(error?.message ?? error) });
        return;
      }
      if (gen !== this.#gen) return; // closed or restarted while fetching
    }

    const { WebSocketImpl } = this.#o;
    const protocols = askV1 ? [V1, ...(this.#o.protocols ?? []).filter((p) => p !== V1)] : this.#o.protocols;
    let ws;
    try {
      ws = protocols ? new WebSocketImpl(url, protocols) : new WebSocketImpl(url);
    } catch (error) {
      // Invalid URL or the like: retrying cannot help.
      this.#emit('error', error);
      if (gen === this.#gen) this.#final({ error });
      return;
    }
    this.#ws = ws;
    this.#plainNext = false;

    ws.onopen = (event) => {
      if (ws !== this.#ws) return;
      this.#state = 'open';
      this.#authRetryUsed = false;
      const v1 = ws.protocol === V1;
      const after = this.#hadSession; // a reconnect: something may have been missed meanwhile
      this.#session = { v1, asked: v1 && asked, welcomed: false, after };
      this.#hadSession = true;
      if (v1) {
        this.#v1Seen = true;
      } else if (this.#positions.user || this.#positions.broadcast) {
        this.#setPositions({ user: null, broadcast: null }); // what a plain session receives is not counted
      }
      this.#stableTimer = this.#o.setTimeoutImpl(() => {
        this.#stableTimer = null;
        this.#attempt = 0;
      }, this.#o.stableAfterMs);
      this.#emit('open', event);
      if (!v1 && after && ws === this.#ws) this.#emit('missed', { replayed: 0, protocol: 'plain' });
    };

    ws.onmessage = (event) => {
      if (ws !== this.#ws || typeof event.data !== 'string') return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        this.#emit('parseerror', { error, data: event.data });
        return;
      }
      const type = this.#session?.v1 && typeof frame?.type === 'string' && frame.type.startsWith('herald.') ? frame.type : null;
      if (type === 'herald.message') this.#onSequenced(ws, frame, event);
      else if (type === 'herald.welcome') this.#onWelcome(frame);
      else if (type === null) this.#deliver(ws, frame, event);
      // other herald.* types: frames of a later protocol revision, ignored
    };

    ws.onerror = (event) => {
      if (ws === this.#ws) this.#emit('error', event);
    };

    ws.onclose = ({ code, reason = '', wasClean = false }) => {
      if (ws !== this.#ws) return;
      // Browsers fail the handshake when a server answers no subprotocol (an older Herald), like an unreachable
      // server: until herald.v1 has worked once, a herald.v1 attempt that never opened is followed by a plain one.
      if (askV1 && !this.#session && !this.#v1Seen) this.#plainNext = true;
      this.#ws = null;
      this.#session = null;
      this.#clearStable();
      const kind = classifyClose(code, reason);
      const willRetry = kind === 'retry' || (kind === 'auth' && !!this.#o.ticketUrl && !this.#authRetryUsed);
      this.#state = willRetry ? 'reconnecting' : 'closed';
      const gen = this.#gen;
      this.#emit('close', { code, reason, wasClean, willRetry });
      if (gen !== this.#gen) return; // a listener called close() or connect()
      if (!willRetry) return this.#final({ code, reason });
      if (kind === 'auth') this.#authRetryUsed = true;
      this.#retry({ code, reason });
    };
  }

  /** Dispatches a notification to `message` listeners and to those of its `"message"` type. */
  #deliver(ws, data, event) {
    this.#emit('message', data, event);
    if (ws === this.#ws && typeof data?.message === 'string') {
      this.#dispatch(this.#types, data.message, [data, event]);
    }
  }

  /** A `herald.message`: drops what was seen already, reconnects on a gap, else delivers and advances. */
  #onSequenced(ws, frame, event) {
    const stream = Object.hasOwn(STREAMS, frame.stream) ? frame.stream : null;
    const at = stream && position(frame);
    if (!at) return this.#deliver(ws, frame.data, event); // malformed envelope: deliver, count nothing
    const last = this.#positions[stream];
    if (last && last.epoch === at.epoch && at.seq <= last.seq) {
      this.#duplicates++;
      return;
    }
    // After the welcome a live message continues its stream, or starts it anew at seq 1 (the server starts
    // a new epoch when a stream's history starts from nothing, e.g. after it was idle longer than its TTL).
    // Anything else means something is missing: a new session replays it (or reports it as missed), this
    // message included.
    const continues = last?.epoch === at.epoch ? at.seq === last.seq + 1 : at.seq === 1;
    if (this.#session.welcomed && last && !continues) return this.#drop('gap');
    this.#deliver(ws, frame.data, event);
    this.#setPositions({ ...this.#positions, [stream]: at });
  }

  /** The `herald.welcome`, once per session between the replay and live messages. */
  #onWelcome(frame) {
    const session = this.#session;
    if (session.welcomed) return;
    session.welcomed = true;
    const next = { ...this.#positions };
    for (const stream of Object.keys(STREAMS)) next[stream] = position(frame[stream]) ?? next[stream];
    this.#setPositions(next);
    const replayed = Number.isSafeInteger(frame.replayed) ? frame.replayed : 0;
    if (session.asked && frame.recovered === true) this.#emit('recovered', { replayed });
    else if (session.asked || session.after) this.#emit('missed', { replayed, protocol: V1 });
  }

  #setPositions(positions) {
    this.#positions = positions;
    if (this.#o.recover && this.#o.positionStore) {
      try {
        this.#o.positionStore.save(this.positions);
      } catch (error) {
        this.#emit('error', error);
      }
    }
  }

  /**
   * Closes the open socket ourselves and reconnects like after a transient close (waiting for
   * `online` when offline): used when the network went away and when a stream has a gap.
   */
  #drop(reason) {
    const ws = this.#ws;
    this.#ws = null;
    this.#session = null;
    this.#clearStable();
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(1000, reason);
    } catch {
      // already closing
    }
    this.#state = 'reconnecting';
    const gen = this.#gen;
    this.#emit('close', { code: 1000, reason, wasClean: false, willRetry: true });
    if (gen === this.#gen) this.#retry({ code: 1000, reason });
  }

  async #fetchTicket() {
    const { ticketUrl, headers, fetchImpl } = this.#o;
    const hdrs = typeof headers === 'function' ? await headers() : headers;
    const res = await fetchImpl(String(ticketUrl), { method: 'POST', credentials: 'include', headers: hdrs });
    if (!res.ok) {
      throw Object.assign(new Error(`ticket request failed: HTTP ${res.status}`), { status: res.status });
    }
    const body = await res.json();
    if (typeof body?.ticket !== 'string' || !body.ticket) throw new Error('ticket response has no "ticket"');
    return body.ticket;
  }

  /** Schedules the next attempt (or waits for `online` when the browser is offline). */
  #retry({ code, reason }) {
    this.#state = 'reconnecting';
    const delayMs = backoffDelay(this.#attempt, this.#o);
    const attempt = ++this.#attempt;
    if (this.#isOffline()) {
      this.#emit('reconnecting', { delayMs: null, attempt, code, reason, offline: true });
      return;
    }
    this.#timer = this.#o.setTimeoutImpl(() => {
      this.#timer = null;
      void this.#open();
    }, delayMs);
    this.#emit('reconnecting', { delayMs, attempt, code, reason });
  }

  #final(info) {
    this.#stop();
    this.#emit('final', info);
  }

  /** Cancels everything and detaches the socket without emitting events. */
  #stop() {
    this.#gen++;
    this.#clearTimer();
    this.#clearStable();
    this.#unlistenNetwork();
    const ws = this.#ws;
    this.#ws = null;
    this.#session = null;
    this.#state = 'closed';
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close(1000);
      } catch {
        // already closing or closed
      }
    }
  }

  #isOffline() {
    return this.#target !== null && globalThis.navigator?.onLine === false;
  }

  #onOnline = () => {
    if (this.#state !== 'reconnecting') return;
    this.#clearTimer();
    void this.#open();
  };

  #onOffline = () => {
    // A pending attempt would fail anyway; wait for 'online' instead.
    if (this.#state === 'reconnecting') this.#clearTimer();
    // A socket that lives through a network change is often dead without knowing it for minutes;
    // a herald.v1 session loses nothing by reconnecting with recovery when the network is back.
    else if (this.#state === 'open' && this.#session?.v1) this.#drop('offline');
  };

  #listenNetwork() {
    const t = globalThis.window ?? globalThis;
    if (this.#target || typeof t?.addEventListener !== 'function') return;
    this.#target = t;
    t.addEventListener('online', this.#onOnline);
    t.addEventListener('offline', this.#onOffline);
  }

  #unlistenNetwork() {
    this.#target?.removeEventListener('online', this.#onOnline);
    this.#target?.removeEventListener('offline', this.#onOffline);
    this.#target = null;
  }

  #clearTimer() {
    if (this.#timer !== null) this.#o.clearTimeoutImpl(this.#timer);
    this.#timer = null;
  }

  #clearStable() {
    if (this.#stableTimer !== null) this.#o.clearTimeoutImpl(this.#stableTimer);
    this.#stableTimer = null;
  }

  #emit(name, ...args) {
    this.#dispatch(this.#lifecycle, name, args);
  }

  #dispatch(map, name, args) {
    const set = map.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (e) {
        // A faulty listener must not break reconnect logic: report it like an uncaught error.
        if (typeof globalThis.reportError === 'function') {
          globalThis.reportError(e);
        } else {
          queueMicrotask(() => {
            throw e;
          });
        }
      }
    }
  }
}
