/**
 * The Herald wire protocol as the browser client sees it: the close-code table, backoff, URLs, stream
 * positions and the ticket answer. Pure functions, no state. Part of `herald.js` (which re-exports the public ones).
 *
 * @module herald-protocol
 */

/** The subprotocol of sequenced, recoverable messages. */
export const V1 = 'herald.v1';

/** The two streams of a `herald.v1` session and their query parameters. */
export const STREAMS = { user: 'since', broadcast: 'bsince' };

/**
 * What the client does on each close code: the single source of truth (README "Close codes" is checked
 * against it by the unit tests, and the server's `HeraldCloseCodes` against its codes and reasons). One row
 * per code: the code alone decides, `reason` is what Herald sends with it ('' for codes only the container
 * or the network produce); a code no row lists is retried with backoff.
 * `action`: `'final'` stops for good (`final` gets `reason: row.final`), `'auth'` retries once with a fresh
 * ticket, then stops with `row.final`, `'retry'` reconnects with backoff, `'resync'` reconnects at once
 * (once per stable session).
 *
 * @type {ReadonlyArray<Readonly<{code: number, reason: string, action: 'final' | 'auth' | 'retry' | 'resync', final?: string}>>}
 */
export const CLOSE_CODES = Object.freeze([
  row(1000, '', 'retry'),
  row(1001, 'going away', 'retry'),
  row(1002, '', 'final', 'protocol'),
  row(1003, 'binary frames not accepted', 'final', 'protocol'),
  row(1006, '', 'retry'),
  row(1007, '', 'final', 'protocol'),
  row(1008, '', 'auth', 'auth'),
  row(1009, 'message too big', 'final', 'protocol'),
  row(1011, 'send failed', 'retry'),
  row(1012, 'resync', 'resync'),
  row(1013, 'open timeout', 'retry'),
  row(4000, 'slow consumer', 'retry'),
  row(4001, 'heartbeat timeout', 'retry'),
  row(4002, 'signed out', 'final', 'signed-out'),
  row(4003, 'authentication required', 'auth', 'auth'),
  row(4004, 'invalid or expired ticket', 'auth', 'auth'),
  row(4005, 'origin not allowed', 'final', 'origin'),
  row(4006, 'session limit', 'final', 'session-limit'),
  row(4007, 'rate limit', 'retry'),
  row(4008, 'disconnected', 'final', 'disconnected'),
]);

function row(code, reason, action, final) {
  return Object.freeze(final ? { code, reason, action, final } : { code, reason, action });
}

/** @returns {object | undefined} the CLOSE_CODES row of a close code */
export function closeRow(code) {
  return CLOSE_CODES.find((c) => c.code === code);
}

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
 * Classifies a WebSocket close by {@link CLOSE_CODES}: by its code alone.
 *
 * @param {number} code close code.
 * @returns {'retry' | 'auth' | 'final' | 'resync'}
 */
export function classifyClose(code) {
  return closeRow(code)?.action ?? 'retry';
}

/**
 * Default endpoint: the `ws` sibling of the module's own URL, with http(s) mapped to ws(s).
 * `https://host/herald/herald.js` becomes `wss://host/herald/ws`. Only for the module as Herald serves it:
 * a bundled copy (Vite, webpack) has another URL, so `url` is required there.
 *
 * @param {string | URL} moduleUrl usually `import.meta.url`.
 * @returns {string}
 * @throws {TypeError} when `moduleUrl` is not an http(s) URL ending in `/herald.js`.
 */
export function defaultUrl(moduleUrl) {
  const u = new URL(String(moduleUrl));
  if (!/^https?:$/.test(u.protocol) || !u.pathname.endsWith('/herald.js')) {
    throw new TypeError(`Herald: options.url is required: the default URL only works for herald.js as served by Herald, not at ${u.href} (bundled or copied)`);
  }
  const ws = new URL('ws', u);
  ws.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return ws.href;
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
export function position(p) {
  return typeof p?.epoch === 'string' && /^[A-Za-z0-9]+$/.test(p.epoch) && Number.isSafeInteger(p.seq) && p.seq >= 0
    ? { epoch: p.epoch, seq: p.seq }
    : null;
}

/** @returns {Positions} `p` with every stream checked */
export function positionsOf(p) {
  return { user: position(p?.user), broadcast: position(p?.broadcast) };
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

/** A refusal that a new attempt would meet again: `final` with `reason: 'ticket'`. */
function refusal(status, message) {
  return Object.assign(new Error(message), { status, refused: true });
}

/** @returns {Promise<string>} the ticket of a ticket POST response; throws (a refusal when it is final) */
export async function ticketOf(res) {
  if (!res.ok) {
    const message = `ticket request failed: HTTP ${res.status}`;
    throw res.status === 401 || res.status === 403 ? refusal(res.status, message) : Object.assign(new Error(message), { status: res.status });
  }
  // A 2xx that is not a ticket is typically a login page after a redirect (an expired cookie session).
  if (res.redirected) throw refusal(res.status, `ticket request was redirected to ${res.url}`);
  const type = res.headers?.get?.('content-type');
  if (type != null && !/json/i.test(type)) throw refusal(res.status, `ticket response is ${type}, not JSON`);
  let body;
  try {
    body = await res.json();
  } catch {
    throw refusal(res.status, 'ticket response is not JSON');
  }
  if (typeof body?.ticket !== 'string' || !body.ticket) throw refusal(res.status, 'ticket response has no "ticket"');
  return body.ticket;
}
