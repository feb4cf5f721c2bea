/**
 * Herald browser client: a small WebSocket notification client with
 * ticket-based auth, exponential backoff with full jitter, close-code
 * classification, offline and sleep awareness, recovery of missed messages
 * (subprotocol `herald.v1`) and optional sharing of one socket by the tabs of a user.
 * Dependency-free ES module (with `herald-protocol.js` and `herald-tabs.js` beside it); types in `herald.d.ts`.
 *
 * @example
 *   import { Herald } from '/herald/herald.js';
 *   const h = new Herald({ ticketUrl: '/herald/api/ws/ticket' });
 *   h.on('message:MFA_REQUIRED', (msg) => showMfaDialog(msg));
 *   await h.whenReady();
 *
 * @module herald
 */

import {
  CLOSE_CODES, STREAMS, V1, backoffDelay, classifyClose, closeRow, defaultUrl, position, positionsOf, ticketOf,
  withPositions, withTicket,
} from './herald-protocol.js';
import { SseSocket, sseUrlOf } from './herald-sse.js';
import { RELAYED, TabShare, plain } from './herald-tabs.js';
import { NamedStreams, STREAM_NAME } from './herald-streams.js';

export { CLOSE_CODES, V1, backoffDelay, classifyClose, defaultUrl, withPositions, withTicket };

/** Event names handled by the client itself; `message:<type>` names subscribe to a notification type. */
const LIFECYCLE = new Set([
  'message', 'open', 'ready', 'state', 'close', 'refused', 'reconnecting', 'final', 'error', 'parseerror',
  'recovered', 'missed', 'role', 'subscribed', 'topicrefused',
]);

/** SSE endpoints that opened after the WebSocket failed: used first for the page's life (docs/client.md, SSE fallback). */
const SSE_REMEMBERED = new Set();

/** The values of `options.transport`. */
const TRANSPORTS = new Set(['auto', 'websocket', 'sse']);

/** Prefixes of the event names of one topic's or group's messages: `topic:<name>`, `group:<name>`. */
const STREAM_PREFIXES = ['topic:', 'group:'];

/** Prefix of the event names that subscribe to notifications by their top-level `"message"` field. */
const TYPE_PREFIX = 'message:';

/** @returns {number} `value` when it is a number `>= min` (finite unless `infinite`), else throws a RangeError */
function checked(name, value, min, infinite = false) {
  if (typeof value !== 'number' || !(value >= min) || (!infinite && !Number.isFinite(value))) {
    throw new RangeError(`Herald: options.${name} must be a ${infinite ? '' : 'finite '}number >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Reconnecting WebSocket client for Herald notifications, with a Server-Sent Events fallback (`transport`).
 *
 * Events (`on(name, fn)`):
 * - `message` fn(data, event): every notification (a bare JSON frame, or the `data` of a `herald.v1` message).
 * - `message:<type>` fn(data, event): notifications whose top-level `"message"` field equals `<type>`.
 *   (A bare name that is not a lifecycle event, e.g. `on('MFA_REQUIRED')`, is read as `message:MFA_REQUIRED`.)
 * - `open` fn(event): the transport opened (the server may still refuse the session: wait for `ready`).
 * - `ready` fn({protocol, reconnect, recovered, replayed}): the session is live (`herald.v1`: after the replay and
 *   welcome; plain: at open, the plain protocol has no welcome).
 * - `state` fn({state, previous}), `role` fn({role}) (tab sharing), `error` fn(eventOrError).
 * - `close` fn({code, reason, wasClean, willRetry, ready, local?}): every socket close, and `close()`; `local: true`
 *   when the client dropped the socket itself (`reason` `'offline' | 'gap' | 'timeout' | 'stale' | 'idle'`).
 * - `refused` fn({code, reason, attempt}): a session that opened was closed before it became ready.
 * - `reconnecting` fn({delayMs, attempt, code, reason, offline?}): before waiting;
 *   `delayMs` is null (and `offline` true) when waiting for the browser's `online` event.
 * - `final` fn({reason, ...}): gave up; no further attempts. `reason` is a row's `final` of CLOSE_CODES
 *   (`{reason, code, closeReason}`), `'ticket'` (`{reason, status}`), `'max-attempts'` (`{reason, attempts, code,
 *   closeReason}`) or `'error'` (`{reason, error}`).
 * - `parseerror` fn({error, data}): a text frame that is not JSON (connection stays open).
 * - `recovered` fn({replayed}) / `missed` fn({replayed, protocol}): after a reconnect, whether everything missed
 *   since the last message seen was replayed, or something may be missing (refetch).
 * - `topic:<name>` / `group:<name>` fn(data, event): the messages of one topic ({@link Herald#subscribe}) or group
 *   (they reach `message` too).
 * - `subscribed` fn({topic, recovered, replayed}): the server took a subscription (again after each reconnect;
 *   `recovered` false when a position was given and something may be missing).
 * - `topicrefused` fn({topic, reason}): the server refused a subscription (`forbidden`, `limit`, `invalid` or the
 *   application's word); the topic is forgotten.
 */
export class Herald {
  #o;
  #ws = null;
  #timer = null; // backoff wait
  #connectTimer = null; // until ready
  #stableTimer = null;
  #tickTimer = null; // liveness
  #gen = 0; // bumped on every (re)start/stop; stale async callbacks compare against it
  #state = 'closed';
  #ready = false;
  #readyInfo = null; // the payload of the last ready, while ready
  #protocol = null;
  #attempt = 0;
  #authRetryUsed = false;
  #resyncUsed = false; // the one immediate reconnect after a resync close, until the next stable session
  #abort = null; // AbortController of the ticket request in flight
  #target = null; // window-like EventTarget for online/offline/pageshow
  #doc = null; // document-like EventTarget for visibilitychange
  #listeners = new Map(); // event name -> Set of {fn, once}
  #waiters = []; // whenReady() promises
  /** @type {Positions} */
  #positions = { user: null, broadcast: null };
  #loading = null; // an async positionStore.load in progress
  #session = null; // {v1, asked, welcomed, after} of the open socket
  #hadSession = false; // a session became ready before on this instance
  #v1Seen = false; // a herald.v1 session opened on this instance
  #v1Fails = 0; // herald.v1 attempts in a row that failed before opening
  #plainNext = false; // try once without herald.v1
  #askedV1 = false; // the current socket asked for herald.v1
  #transport = null; // 'websocket' | 'sse' of the open session
  #attemptSse = false; // the current connection is an SSE stream
  #sseNext = false; // auto: the next attempt is an SSE stream
  #wsFails = 0; // auto: WebSocket attempts in a row that failed before opening
  #duplicates = 0;
  #lastTick = 0;
  #lastFrame = 0;
  #share = null;
  #role = null;
  #named = new NamedStreams(); // group positions and wanted topics (herald-streams.js)

  /**
   * @param {object} [options] see `herald.d.ts` (HeraldOptions) and docs/client.md.
   */
  constructor(options = {}) {
    const {
      url, ticketUrl, headers, protocols, recover = true, positionStore,
      baseDelayMs = 500, maxDelayMs = 30000, stableAfterMs = 10000, maxAttempts = Infinity,
      ticketTimeoutMs = 10000, connectTimeoutMs = 15000, staleAfterMs = 70000, idleTimeoutMs = 0,
      plainFallbackAfter = 2, share = false, transport = 'auto', sseUrl, sseFallbackAfter = 2,
      WebSocketImpl = globalThis.WebSocket,
      EventSourceImpl = globalThis.EventSource,
      fetchImpl = (...args) => globalThis.fetch(...args),
      random = Math.random,
      now = Date.now,
      setTimeoutImpl = (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeoutImpl = (id) => globalThis.clearTimeout(id),
      BroadcastChannelImpl = globalThis.BroadcastChannel,
      locks = globalThis.navigator?.locks,
      autoConnect = true,
    } = options;
    checked('baseDelayMs', baseDelayMs, 1);
    checked('maxDelayMs', maxDelayMs, baseDelayMs);
    if (!TRANSPORTS.has(transport)) throw new RangeError(`Herald: options.transport must be 'auto', 'websocket' or 'sse', got ${String(transport)}`);
    if (transport === 'sse' && typeof EventSourceImpl !== 'function') throw new TypeError('Herald: transport \'sse\' needs EventSource');
    const wsUrl = url != null ? String(url) : defaultUrl(import.meta.url);
    const streamUrl = sseUrl != null ? String(sseUrl) : sseUrlOf(wsUrl);
    if (transport === 'sse' && streamUrl === null) throw new TypeError(`Herald: transport 'sse' needs options.sseUrl (no SSE URL beside ${wsUrl})`);
    this.#o = {
      url: wsUrl,
      transport, sseUrl: streamUrl, EventSourceImpl,
      sseFallbackAfter: checked('sseFallbackAfter', sseFallbackAfter, 1, true),
      ticketUrl, headers, protocols, recover, positionStore, baseDelayMs, maxDelayMs,
      stableAfterMs: checked('stableAfterMs', stableAfterMs, 0),
      maxAttempts: checked('maxAttempts', maxAttempts, 1, true),
      ticketTimeoutMs: checked('ticketTimeoutMs', ticketTimeoutMs, 1, true),
      connectTimeoutMs: checked('connectTimeoutMs', connectTimeoutMs, 1, true),
      staleAfterMs: checked('staleAfterMs', staleAfterMs, 1, true),
      idleTimeoutMs: checked('idleTimeoutMs', idleTimeoutMs, 0, true),
      plainFallbackAfter: checked('plainFallbackAfter', plainFallbackAfter, 1, true),
      WebSocketImpl, fetchImpl, random, now, setTimeoutImpl, clearTimeoutImpl,
    };
    if (recover && positionStore) this.#load(positionStore);
    if (share && typeof BroadcastChannelImpl === 'function' && typeof locks?.request === 'function') {
      this.#share = new TabShare(`herald:${typeof share === 'string' ? share : this.#o.url}`, BroadcastChannelImpl, locks, this.#shareHooks());
    }
    if (autoConnect) this.connect();
  }

  /** @returns {'connecting' | 'open' | 'reconnecting' | 'closed'} */
  get state() {
    return this.#state;
  }

  /** @returns {boolean} the session is live (see the `ready` event) */
  get ready() {
    return this.#ready;
  }

  /** @returns {'herald.v1' | 'plain' | null} the open session's protocol; null when not open */
  get protocol() {
    return this.#protocol;
  }

  /** @returns {'websocket' | 'sse' | null} the open session's transport; null when not open */
  get transport() {
    return this.#transport;
  }

  /** @returns {'leader' | 'follower' | null} with `share`: whether this tab holds the socket; null otherwise */
  get role() {
    return this.#role;
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
   * Subscribes to a lifecycle event or, as `message:<type>`, to a notification type.
   * @param {string} name
   * @param {Function} fn
   * @param {{signal?: AbortSignal, once?: boolean}} [opts] `signal` removes the listener when aborted.
   * @returns {() => void} unsubscribe function.
   */
  on(name, fn, { signal, once = false } = {}) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    const off = () => this.off(name, fn);
    if (signal?.aborted) return off;
    const key = keyOf(name);
    if (!this.#listeners.has(key)) this.#listeners.set(key, new Set());
    this.#listeners.get(key).add({ fn, once });
    signal?.addEventListener?.('abort', off, { once: true });
    return off;
  }

  /** Like {@link Herald#on}, removed after its first call. */
  once(name, fn, opts = {}) {
    return this.on(name, fn, { ...opts, once: true });
  }

  /**
   * Removes a listener (`off(name, fn)`), every listener of an event (`off(name)`), or all (`off()`).
   * @param {string} [name]
   * @param {Function} [fn]
   */
  off(name, fn) {
    if (name === undefined) return this.#listeners.clear();
    const key = keyOf(name);
    if (fn === undefined) return this.#listeners.delete(key);
    const set = this.#listeners.get(key);
    for (const l of set ?? []) if (l.fn === fn) set.delete(l);
  }

  /**
   * A promise of the next `ready` (resolved at once when ready); rejected by `final` and `close()`.
   * @returns {Promise<object>}
   */
  whenReady() {
    if (this.#ready) return Promise.resolve(this.#readyInfo);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Sends a JSON message to the server (fired there as an `InboundMessage` event).
   * @param {unknown} data serialized with `JSON.stringify`.
   * @returns {boolean} false when there is no open session to send it on (it is not queued).
   */
  send(data) {
    const text = JSON.stringify(data);
    if (typeof text !== 'string') throw new TypeError('Herald.send: the value has no JSON form');
    if (this.#role === 'follower') return this.#state === 'open' && this.#share.post({ t: 'send', text });
    if (this.#state !== 'open' || !this.#ws) return false;
    this.#ws.send(text);
    return true;
  }

  /**
   * Subscribes to a topic (`herald.v1` only): asked now when the session is ready, and again after every
   * reconnect with the topic's last position, so missed messages are replayed. Its messages arrive as
   * `topic:<name>` and `message`; the answer as `subscribed` or `topicrefused`.
   * @param {string} topic letters, digits, `.`, `_`, `:`, `-`, `/`; 1 to 200
   * @returns {() => void} unsubscribes (tells the server when connected)
   */
  subscribe(topic) {
    if (typeof topic !== 'string' || !STREAM_NAME.test(topic)) throw new TypeError(`Herald.subscribe: not a topic name: ${String(topic)}`);
    if (this.#role === 'follower') throw new Error('Herald.subscribe: a shared follower tab cannot subscribe (use share: false)');
    if (!this.#named.topics.has(topic)) {
      this.#named.topics.set(topic, null);
      if (this.#ready && this.#session?.v1) this.#ws.send(this.#named.subscribeFrame(topic));
    }
    return () => {
      if (!this.#named.topics.delete(topic)) return;
      if (this.#ready && this.#session?.v1) this.#ws.send(JSON.stringify({ type: 'herald.unsubscribe', topic }));
    };
  }

  /** @returns {string[]} the topics asked for and not refused */
  get topics() {
    return [...this.#named.topics.keys()];
  }

  /** Connects now (no-op while connecting or open; skips a pending backoff wait). */
  connect() {
    if (this.#share && this.#role !== 'leader') {
      if (this.#role === null) {
        this.#setRole('follower');
        this.#setState('connecting');
        this.#share.start();
      }
      return;
    }
    if (this.#state === 'connecting' || this.#state === 'open') return;
    if (this.#state === 'closed') this.#begin();
    else {
      this.#clearTimer();
      void this.#open();
    }
  }

  /** Closes for good: cancels timers, closes the socket with 1000, emits `close`. Positions are kept. */
  close() {
    if (this.#state === 'closed' && this.#role === null) return;
    const ready = this.#ready;
    this.#stop();
    this.#leave();
    this.#reject(new Error('Herald: closed'));
    this.#emit('close', { code: 1000, reason: '', wasClean: true, willRetry: false, ready });
  }

  #begin() {
    this.#attempt = 0;
    this.#authRetryUsed = false;
    this.#resyncUsed = false;
    this.#listenNetwork();
    this.#clearTimer();
    void this.#open();
  }

  #load(store) {
    const apply = (stored) => {
      this.#positions = positionsOf(stored);
    };
    let stored = null;
    try {
      stored = store.load();
    } catch {
      return; // unreadable: start without positions
    }
    if (typeof stored?.then !== 'function') return apply(stored);
    this.#loading = Promise.resolve(stored).then(apply, () => {}).finally(() => {
      this.#loading = null;
    });
  }

  async #open() {
    const gen = ++this.#gen;
    this.#setState('connecting');
    if (this.#loading) await this.#loading;
    if (gen !== this.#gen) return;
    const sse = this.#useSse();
    const askV1 = sse || (this.#o.recover && !this.#plainNext); // a stream is always herald.v1
    const asked = askV1 && this.#o.recover
      && !!(this.#positions.user || this.#positions.broadcast || this.#named.hasPositions());
    const base = sse ? this.#o.sseUrl : this.#o.url;
    let url = askV1 && this.#o.recover ? this.#named.withGroups(withPositions(base, this.#positions)) : base;
    if (this.#o.ticketUrl) {
      let ticket;
      try {
        ticket = await this.#fetchTicket();
      } catch (error) {
        if (gen !== this.#gen) return;
        if (error?.refused) return this.#final({ reason: 'ticket', status: error.status }, error);
        this.#emit('error', error);
        if (gen === this.#gen) this.#retry({ code: null, reason: String(error?.message ?? error) });
        return;
      }
      if (gen !== this.#gen) return; // closed or restarted while fetching
      url = withTicket(url, ticket);
    }

    const { WebSocketImpl, EventSourceImpl, fetchImpl, headers } = this.#o;
    const protocols = askV1 ? [V1, ...(this.#o.protocols ?? []).filter((p) => p !== V1)] : this.#o.protocols;
    let ws;
    try {
      if (sse) ws = new SseSocket(url, { EventSourceImpl, fetchImpl, headers });
      else ws = protocols ? new WebSocketImpl(url, protocols) : new WebSocketImpl(url);
    } catch (error) {
      // Invalid URL or the like: retrying cannot help.
      return this.#final({ reason: 'error', error }, error);
    }
    this.#ws = ws;
    this.#askedV1 = askV1;
    this.#attemptSse = sse;
    this.#plainNext = false;
    this.#armConnectTimer(ws);

    ws.onopen = (event) => {
      if (ws !== this.#ws) return;
      const v1 = ws.protocol === V1;
      if (v1) {
        this.#v1Seen = true;
        this.#v1Fails = 0;
      }
      this.#transport = sse ? 'sse' : 'websocket';
      if (sse && this.#o.transport === 'auto') SSE_REMEMBERED.add(this.#o.sseUrl);
      if (!sse) this.#wsFails = 0;
      this.#session = { v1, asked: v1 && asked, welcomed: false, after: this.#hadSession };
      this.#protocol = v1 ? V1 : 'plain';
      this.#lastTick = this.#lastFrame = this.#o.now();
      this.#scheduleTick(ws);
      this.#armConnectTimer(ws); // the handshake is done: now the welcome is due
      this.#setState('open');
      if (ws !== this.#ws) return;
      this.#emit('open', event);
      if (!v1 && ws === this.#ws) this.#onPlainReady(ws);
    };

    ws.onmessage = (event) => {
      if (ws !== this.#ws || typeof event.data !== 'string') return;
      this.#lastFrame = this.#o.now();
      if (!this.#ready) this.#armConnectTimer(ws); // a replay in progress is progress
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        this.#emit('parseerror', { error, data: event.data });
        return;
      }
      const type = this.#session?.v1 && typeof frame?.type === 'string' && frame.type.startsWith('herald.') ? frame.type : null;
      if (type === 'herald.message') this.#onSequenced(ws, frame, event);
      else if (type === 'herald.welcome') this.#onWelcome(ws, frame);
      else if (type === 'herald.subscribed' || type === 'herald.refused') this.#onTopicAnswer(type, frame);
      else if (type === null) this.#deliver(frame, event);
      // other herald.* types: frames of a later protocol revision, ignored
    };

    ws.onerror = (event) => {
      if (ws === this.#ws) this.#emit('error', event);
    };

    ws.onclose = ({ code, reason = '', wasClean = false }) => {
      if (ws !== this.#ws) return;
      const opened = !!this.#session;
      if (!opened) this.#preOpenFailed();
      this.#onServerClose({ code, reason, wasClean, opened });
    };
  }

  /** The current connection failed before opening: maybe a proxy that breaks the upgrade, or an older server. */
  #preOpenFailed() {
    if (this.#attemptSse) {
      if (this.#o.transport === 'auto' && !SSE_REMEMBERED.has(this.#o.sseUrl)) this.#sseNext = false; // back to WebSocket
      return;
    }
    // The plain fallback gets its try first (an older server speaks neither herald.v1 nor SSE); a plain
    // WebSocket that fails as well counts towards the SSE fallback like every other failed upgrade.
    if (this.#askedV1 && this.#v1Failed()) return;
    this.#wsFailed();
  }

  /**
   * auto: a WebSocket failed before opening. After `sseFallbackAfter` in a row, the next attempt is an SSE stream
   * (docs/client.md, SSE fallback). With `ticketUrl` each of them followed a ticket request that got through, so
   * HTTP reaches Herald and the upgrade is what fails.
   * @returns {boolean} true when the next attempt is an SSE stream
   */
  #wsFailed() {
    if (this.#o.transport !== 'auto' || typeof this.#o.EventSourceImpl !== 'function' || this.#o.sseUrl === null) return false;
    if (++this.#wsFails < this.#o.sseFallbackAfter) return false;
    this.#wsFails = 0;
    this.#sseNext = true;
    return true;
  }

  #useSse() {
    const { transport, EventSourceImpl, sseUrl } = this.#o;
    if (transport === 'websocket' || typeof EventSourceImpl !== 'function' || sseUrl === null) return false;
    return transport === 'sse' || this.#sseNext || SSE_REMEMBERED.has(sseUrl);
  }

  /**
   * A herald.v1 attempt failed before opening: maybe a server that does not speak it (docs/client.md, Plain fallback).
   * @returns {boolean} true when the next attempt is a plain WebSocket
   */
  #v1Failed() {
    // Browsers fail the handshake when a server answers no subprotocol (an older Herald), like an unreachable server.
    if (!this.#v1Seen && ++this.#v1Fails >= this.#o.plainFallbackAfter) {
      this.#v1Fails = 0;
      this.#plainNext = true;
      return true;
    }
    return false;
  }

  /** A server close of the current socket: classify, tell, then retry or stop. */
  #onServerClose({ code, reason, wasClean, opened }) {
    const ready = this.#ready;
    const row = closeRow(code);
    const kind = row?.action ?? 'retry';
    const mayRetry = kind === 'retry' || kind === 'resync' || (kind === 'auth' && !!this.#o.ticketUrl && !this.#authRetryUsed);
    const willRetry = mayRetry && this.#attempt + 1 < this.#o.maxAttempts;
    this.#detach();
    this.#setState(willRetry ? 'reconnecting' : 'closed');
    const gen = this.#gen;
    this.#emit('close', { code, reason, wasClean, willRetry, ready });
    if (gen !== this.#gen) return; // a listener called close() or connect()
    if (opened && !ready) {
      this.#emit('refused', { code, reason, attempt: this.#attempt + 1 });
      if (gen !== this.#gen) return;
    }
    if (!mayRetry) return this.#final({ reason: row?.final ?? 'closed', code, closeReason: reason });
    if (kind === 'auth') this.#authRetryUsed = true;
    const immediate = kind === 'resync' && ready && !this.#resyncUsed;
    if (immediate) this.#resyncUsed = true;
    this.#retry({ code, reason }, immediate);
  }

  /** A plain session has no welcome: it is as ready as it can be once open. */
  #onPlainReady(ws) {
    const after = this.#session.after;
    const had = !!(this.#positions.user || this.#positions.broadcast);
    if (had) this.#setPositions({ user: null, broadcast: null }); // what a plain session receives is not counted
    if (after || had) this.#emit('missed', { replayed: 0, protocol: 'plain' }); // like herald.v1: before ready
    if (ws === this.#ws) this.#becomeReady(ws, { protocol: 'plain', reconnect: after, recovered: null, replayed: 0 });
  }

  #becomeReady(ws, info) {
    this.#ready = true;
    this.#readyInfo = info;
    this.#hadSession = true;
    this.#clearConnectTimer();
    this.#stableTimer = this.#o.setTimeoutImpl(() => {
      this.#stableTimer = null;
      this.#attempt = 0;
      this.#authRetryUsed = false; // an established session restores the single auth retry
      this.#resyncUsed = false;
    }, this.#o.stableAfterMs);
    if (this.#o.ticketUrl && this.#session?.v1) this.#authRetryUsed = false; // the welcome proves the ticket
    this.#postState();
    this.#resolveWaiters(info);
    if (ws === this.#ws) this.#emit('ready', info);
  }

  /** Dispatches a notification to `message` listeners and to those of its `"message"` type, all of them. */
  #deliver(data, event) {
    if (this.#role === 'leader') this.#share.post({ t: 'msg', data });
    this.#emit('message', data, event);
    if (typeof data?.message === 'string') this.#dispatch(TYPE_PREFIX + data.message, [data, event]);
  }

  /** A `herald.message`: drops what was seen already, reconnects on a gap, else delivers and advances. */
  #onSequenced(ws, frame, event) {
    if (frame.stream === 'group' || frame.stream === 'topic') return this.#onNamed(frame, event);
    const stream = Object.hasOwn(STREAMS, frame.stream) ? frame.stream : null;
    const at = stream && position(frame);
    if (!at) return this.#deliver(frame.data, event); // malformed envelope: deliver, count nothing
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
    this.#deliver(frame.data, event);
    this.#setPositions({ ...this.#positions, [stream]: at });
  }

  /** A group's or topic's `herald.message`: once, in order; a gap reconnects (the new session replays it). */
  #onNamed(frame, event) {
    const what = this.#named.track(frame);
    if (what === 'duplicate') this.#duplicates++;
    else if (what === 'gap') this.#drop('gap');
    else if (what === 'deliver') {
      this.#deliver(frame.data, event);
      this.#dispatch(`${frame.stream}:${frame.name}`, [frame.data, event]);
    }
  }

  /** `herald.subscribed` / `herald.refused`: the answer to a subscription. */
  #onTopicAnswer(type, frame) {
    const topic = typeof frame.topic === 'string' ? frame.topic : null;
    if (type === 'herald.subscribed') {
      this.#named.subscribed(frame);
      this.#emit('subscribed', { topic, recovered: frame.recovered === true, replayed: Number.isSafeInteger(frame.replayed) ? frame.replayed : 0 });
    } else {
      if (topic !== null) this.#named.topics.delete(topic);
      this.#emit('topicrefused', { topic, reason: String(frame.reason ?? 'forbidden') });
    }
  }

  /** The `herald.welcome`, once per session between the replay and live messages. */
  #onWelcome(ws, frame) {
    const session = this.#session;
    if (session.welcomed) return;
    session.welcomed = true;
    const next = { ...this.#positions };
    for (const stream of Object.keys(STREAMS)) next[stream] = position(frame[stream]) ?? next[stream];
    this.#setPositions(next);
    const replayed = Number.isSafeInteger(frame.replayed) ? frame.replayed : 0;
    const recovered = session.asked ? frame.recovered === true : null;
    if (recovered) this.#emit('recovered', { replayed });
    else if (session.asked || session.after) this.#emit('missed', { replayed, protocol: V1 });
    this.#named.welcome(frame);
    if (ws === this.#ws) this.#becomeReady(ws, { protocol: V1, reconnect: session.after, recovered, replayed });
    const again = this.#named.resubscribeFrame();
    if (ws === this.#ws && this.#ready && again) ws.send(again);
  }

  #setPositions(positions) {
    this.#positions = positions;
    if (this.#role === 'leader') this.#share.post({ t: 'positions', positions });
    this.#save();
  }

  #save() {
    if (this.#o.recover && this.#o.positionStore) {
      try {
        const saved = this.#o.positionStore.save(this.positions);
        if (typeof saved?.catch === 'function') saved.catch((error) => this.#emit('error', error));
      } catch (error) {
        this.#emit('error', error);
      }
    }
  }

  /**
   * Closes the open socket ourselves and reconnects like after a transient close (waiting for
   * `online` when offline): used when the network went away, a stream has a gap, the socket timed out
   * before it became ready, or it looks dead after a sleep.
   */
  #drop(reason) {
    const ws = this.#ws;
    const opened = !!this.#session;
    const ready = this.#ready;
    this.#detach();
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(1000, reason);
    } catch {
      // already closing
    }
    if (!opened) this.#preOpenFailed();
    const willRetry = this.#attempt + 1 < this.#o.maxAttempts;
    this.#setState(willRetry ? 'reconnecting' : 'closed');
    const gen = this.#gen;
    this.#emit('close', { code: 1000, reason, wasClean: false, willRetry, ready, local: true });
    if (gen === this.#gen) this.#retry({ code: 1000, reason });
  }

  /** Forgets the current socket and its session (handlers stay for the caller to decide). */
  #detach() {
    this.#ws = null;
    this.#session = null;
    this.#ready = false;
    this.#readyInfo = null;
    this.#protocol = null;
    this.#transport = null;
    this.#clearStable();
    this.#clearConnectTimer();
    this.#clearTick();
  }

  async #fetchTicket() {
    const { ticketUrl, headers, fetchImpl, ticketTimeoutMs, setTimeoutImpl, clearTimeoutImpl } = this.#o;
    const ac = typeof AbortController === 'function' ? new AbortController() : null;
    this.#abort = ac;
    let timer = null;
    const timeout = new Promise((resolve, reject) => {
      if (!Number.isFinite(ticketTimeoutMs)) return;
      timer = setTimeoutImpl(() => {
        ac?.abort();
        reject(new Error(`ticket request timed out after ${ticketTimeoutMs} ms`));
      }, ticketTimeoutMs);
    });
    const request = async () => {
      const hdrs = typeof headers === 'function' ? await headers() : headers;
      const res = await fetchImpl(String(ticketUrl), { method: 'POST', credentials: 'include', headers: hdrs, signal: ac?.signal });
      return ticketOf(res);
    };
    try {
      return await Promise.race([request(), timeout]);
    } finally {
      if (timer !== null) clearTimeoutImpl(timer);
      if (this.#abort === ac) this.#abort = null;
    }
  }

  /** Schedules the next attempt (or waits for `online` when the browser is offline). */
  #retry({ code, reason }, immediate = false) {
    if (this.#attempt + 1 >= this.#o.maxAttempts) {
      return this.#final({ reason: 'max-attempts', attempts: this.#attempt + 1, code, closeReason: reason });
    }
    this.#setState('reconnecting');
    const delayMs = immediate ? 0 : backoffDelay(this.#attempt, this.#o);
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

  #final(info, error) {
    if (error) this.#emit('error', error);
    if (this.#role === 'leader') this.#share.post({ t: 'final', info: { ...info, error: info.error && String(info.error) } });
    this.#stop();
    this.#leave();
    this.#reject(Object.assign(new Error(`Herald: stopped (${info.reason})`), { info }));
    this.#emit('final', info);
  }

  #resolveWaiters(info) {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve(info);
  }

  #reject(error) {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error);
  }

  /** Cancels everything and detaches the socket without emitting events other than `state`. */
  #stop() {
    this.#gen++;
    this.#clearTimer();
    this.#abort?.abort();
    this.#abort = null;
    this.#unlistenNetwork();
    const ws = this.#ws;
    this.#detach();
    this.#setState('closed');
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close(1000);
      } catch {
        // already closing or closed
      }
    }
  }

  #setState(state) {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#postState();
    this.#emit('state', { state, previous });
  }

  /** Tells the other tabs of a share how this leading tab's connection is. */
  #postState(positions) {
    if (this.#role !== 'leader') return;
    this.#share.post({
      t: 'state', state: this.#state, ready: this.#ready, info: this.#readyInfo, protocol: this.#protocol, transport: this.#transport, positions,
    });
  }

  #setRole(role) {
    if (this.#role === role) return;
    this.#role = role;
    this.#emit('role', { role });
  }

  // ---- timers ----

  #armConnectTimer(ws) {
    this.#clearConnectTimer();
    if (!Number.isFinite(this.#o.connectTimeoutMs)) return;
    this.#connectTimer = this.#o.setTimeoutImpl(() => {
      this.#connectTimer = null;
      if (ws === this.#ws && !this.#ready) this.#drop('timeout');
    }, this.#o.connectTimeoutMs);
  }

  /** Liveness: a tick that comes far too late means the machine slept; the socket is likely dead. */
  #scheduleTick(ws) {
    const every = Math.min(10000, this.#o.staleAfterMs / 2, this.#o.idleTimeoutMs || Infinity);
    if (!Number.isFinite(every)) return;
    this.#tickTimer = this.#o.setTimeoutImpl(() => {
      this.#tickTimer = null;
      if (ws !== this.#ws || this.#checkAlive()) return;
      this.#scheduleTick(ws);
    }, every);
  }

  /** @returns {boolean} true when the socket was dropped as stale or idle */
  #checkAlive() {
    const t = this.#o.now();
    const slept = t - this.#lastTick > this.#o.staleAfterMs;
    this.#lastTick = t;
    if (slept) this.#drop('stale');
    else if (this.#ready && this.#o.idleTimeoutMs > 0 && t - this.#lastFrame > this.#o.idleTimeoutMs) this.#drop('idle');
    else return false;
    return true;
  }

  #clearTimer() {
    if (this.#timer !== null) this.#o.clearTimeoutImpl(this.#timer);
    this.#timer = null;
  }

  #clearConnectTimer() {
    if (this.#connectTimer !== null) this.#o.clearTimeoutImpl(this.#connectTimer);
    this.#connectTimer = null;
  }

  #clearStable() {
    if (this.#stableTimer !== null) this.#o.clearTimeoutImpl(this.#stableTimer);
    this.#stableTimer = null;
  }

  #clearTick() {
    if (this.#tickTimer !== null) this.#o.clearTimeoutImpl(this.#tickTimer);
    this.#tickTimer = null;
  }

  // ---- browser events ----

  #isOffline() {
    return this.#target !== null && globalThis.navigator?.onLine === false;
  }

  #onOnline = () => {
    if (this.#state !== 'reconnecting') return;
    this.#clearTimer();
    void this.#open();
  };

  #onOffline = () => {
    if (this.#state === 'reconnecting') {
      // A pending attempt would fail anyway; wait for 'online' instead, and say so.
      if (this.#timer === null) return;
      this.#clearTimer();
      this.#emit('reconnecting', { delayMs: null, attempt: this.#attempt, code: null, reason: 'offline', offline: true });
    } else if (this.#state === 'open' && this.#session?.v1) {
      // A socket that lives through a network change is often dead without knowing it for minutes;
      // a herald.v1 session loses nothing by reconnecting with recovery when the network is back.
      this.#drop('offline');
    }
  };

  #onWake = () => {
    if (this.#doc?.visibilityState === 'hidden' || !this.#session) return;
    this.#checkAlive();
  };

  #listenNetwork() {
    const t = globalThis.window ?? globalThis;
    if (this.#target || typeof t?.addEventListener !== 'function') return;
    this.#target = t;
    t.addEventListener('online', this.#onOnline);
    t.addEventListener('offline', this.#onOffline);
    t.addEventListener('pageshow', this.#onWake);
    const d = globalThis.document;
    if (typeof d?.addEventListener === 'function') {
      this.#doc = d;
      d.addEventListener('visibilitychange', this.#onWake);
    }
  }

  #unlistenNetwork() {
    this.#target?.removeEventListener('online', this.#onOnline);
    this.#target?.removeEventListener('offline', this.#onOffline);
    this.#target?.removeEventListener('pageshow', this.#onWake);
    this.#doc?.removeEventListener('visibilitychange', this.#onWake);
    this.#target = this.#doc = null;
  }

  // ---- tab sharing ----

  #shareHooks() {
    return {
      lead: () => {
        if (this.#role !== 'follower') return;
        this.#setRole('leader');
        this.#begin();
      },
      receive: (m) => this.#onShared(m),
    };
  }

  /** A message from another tab of the same share. */
  #onShared(m) {
    if (m.t === 'final' && this.#role !== null) return this.#final(m.info); // e.g. signed out: every tab stops
    if (this.#role === 'leader') {
      if (m.t === 'send' && this.#state === 'open') this.#ws?.send(m.text);
      else if (m.t === 'hello') this.#postState(this.#positions);
      return;
    }
    if (this.#role !== 'follower') return;
    if (m.t === 'msg') this.#deliver(m.data, undefined);
    else if (m.t === 'positions') this.#follow(m.positions);
    else if (m.t === 'event' && RELAYED.has(m.name)) this.#emit(m.name, m.payload);
    else if (m.t === 'state') this.#mirror(m);
  }

  #follow(positions) {
    this.#positions = positionsOf(positions);
    this.#save();
  }

  #mirror({ state, ready, info, protocol, transport, positions }) {
    if (positions) this.#follow(positions);
    this.#protocol = protocol ?? null;
    this.#transport = transport ?? null;
    const wasReady = this.#ready;
    this.#ready = !!ready;
    this.#readyInfo = ready ? info : null;
    this.#setState(state === 'closed' ? 'reconnecting' : state); // a leader that closed is replaced by another tab
    if (this.#ready && !wasReady) this.#resolveWaiters(info);
  }

  #leave() {
    if (this.#role === null) return;
    this.#share.stop();
    this.#setRole(null);
  }

  // ---- events ----

  #emit(name, ...args) {
    if (this.#role === 'leader' && RELAYED.has(name)) this.#share.post({ t: 'event', name, payload: plain(args[0]) });
    this.#dispatch(name, args);
  }

  #dispatch(key, args) {
    const set = this.#listeners.get(key);
    if (!set) return;
    for (const l of [...set]) {
      if (l.once) set.delete(l);
      try {
        l.fn(...args);
      } catch (e) {
        // A faulty listener must not break reconnect logic: report it like an uncaught error, without crashing.
        if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
        else globalThis.console?.error(e);
      }
    }
  }
}

/** @returns {string} the listener map key of an event name */
function keyOf(name) {
  const n = String(name);
  return LIFECYCLE.has(n) || n.startsWith(TYPE_PREFIX) || STREAM_PREFIXES.some((p) => n.startsWith(p)) ? n : TYPE_PREFIX + n;
}
