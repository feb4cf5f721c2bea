// Fakes for the Herald client's unit tests: a WebSocket, fetch and timers driven by the test, modelled on
// what the real server sends (101/open, then frames or the refusal close).
import { Herald, V1 } from '../../main/webapp/herald.js';

export const WS_URL = 'wss://app.example/herald/ws';
export const TICKET_URL = 'https://app.example/herald/api/ws/ticket';

/** Deterministic timers: nothing runs until advance(). */
export function fakeTimers() {
  let now = 0;
  let seq = 0;
  const queue = new Map();
  return {
    setTimeout(fn, ms) {
      queue.set(++seq, { fn, at: now + ms });
      return seq;
    },
    clearTimeout(id) {
      queue.delete(id);
    },
    now: () => now,
    /** The machine sleeps: the clock jumps, no timer fires (until the next advance). */
    sleep(ms) {
      now += ms;
    },
    get pending() {
      return queue.size;
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let next = null;
        for (const entry of queue) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        queue.delete(next[0]);
        now = Math.max(now, next[1].at); // an overdue timer (after sleep()) fires late
        next[1].fn();
      }
      now = end;
    },
  };
}

/** Lets pending promise chains (fake fetch, res.json()) settle. */
export const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A ticket POST answer as Herald sends it (201 application/json). */
export const okTicket = (ticket) => ({
  ok: true, status: 201, redirected: false, headers: new Headers({ 'content-type': 'application/json' }),
  json: async () => ({ ticket, expiresIn: 30 }),
});
export const httpStatus = (status) => ({ ok: false, status, json: async () => ({}) });

/**
 * Builds a Herald wired to a fake WebSocket, fake fetch and fake timers, recording all events.
 * `responses` is a list of fetch outcomes (response object or Error to reject with);
 * once exhausted, tickets "t/N+=" are issued.
 */
export function setup({ responses = [], ...options } = {}) {
  const sockets = [];
  class FakeWebSocket {
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.closedWith = null;
      sockets.push(this);
    }
    close(code, reason) {
      this.closedWith = { code, reason };
    }
    send(text) {
      (this.sent ??= []).push(text);
    }
    // test helpers simulating the server/browser
    /** @param {string} [protocol] the negotiated subprotocol ('' when the server answered none) */
    serverOpen(protocol = '') {
      this.protocol = protocol;
      this.onopen?.({ type: 'open' });
    }
    serverSend(data) {
      this.onmessage?.({ type: 'message', data });
    }
    serverClose(code, reason = '') {
      this.onclose?.({ type: 'close', code, reason, wasClean: code !== 1006 });
    }
  }

  const fetchCalls = [];
  let issued = 0;
  const fetchImpl = async (url, init) => {
    fetchCalls.push({ url, init });
    const next = responses.shift();
    if (next instanceof Error) throw next;
    return next ?? okTicket(`t/${++issued}+=`);
  };

  const timers = fakeTimers();
  const h = new Herald({
    url: WS_URL,
    WebSocketImpl: FakeWebSocket,
    fetchImpl,
    random: () => 0.5,
    setTimeoutImpl: timers.setTimeout,
    now: timers.now,
    clearTimeoutImpl: timers.clearTimeout,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    stableAfterMs: 5000,
    ...options,
  });
  const events = [];
  for (const name of ['open', 'ready', 'close', 'refused', 'reconnecting', 'final', 'error', 'parseerror', 'message', 'recovered', 'missed']) {
    h.on(name, (payload) => events.push([name, payload]));
  }
  const named = (name) => events.filter(([n]) => n === name).map(([, p]) => p);
  return { h, sockets, fetchCalls, timers, events, named };
}

/** Installs fake navigator/window/document globals for the duration of fn. */
export async function withBrowserGlobals(fn) {
  const saved = ['navigator', 'window', 'document'].map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]);
  const navigator = { onLine: true };
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  for (const [k, value] of Object.entries({ navigator, window, document })) {
    Object.defineProperty(globalThis, k, { value, configurable: true, writable: true });
  }
  try {
    await fn({ navigator, window, document });
  } finally {
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(globalThis, k, d);
      else delete globalThis[k];
    }
  }
}

/** A herald.message frame as the server sends it. */
export const msg = (stream, epoch, seq, data) => JSON.stringify({ type: 'herald.message', stream, epoch, seq, data });

/** A herald.welcome frame. */
export const welcome = (recovered, replayed, user, broadcast) =>
  JSON.stringify({ type: 'herald.welcome', recovered, replayed, user, broadcast });

/** The query parameters of a URL. */
export const query = (url) => Object.fromEntries(new URL(url).searchParams);

/** A client on its first herald.v1 session, welcomed at user U1:2 and broadcast B1:5. */
export function welcomed(options) {
  const t = setup(options);
  t.sockets[0].serverOpen(V1);
  t.sockets[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 2 }, { epoch: 'B1', seq: 5 }));
  return t;
}
