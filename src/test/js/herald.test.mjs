// Unit tests for the Herald browser client. Run: node --test src/test/js/
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { V1, backoffDelay, classifyClose, defaultUrl, withPositions, withTicket } from '../../main/webapp/herald.js';
import { TICKET_URL, WS_URL, flush, httpStatus, msg, okTicket, query, setup, welcome, welcomed, withBrowserGlobals } from './fakes.mjs';


describe('backoffDelay', () => {
  test('grows exponentially and caps at maxDelayMs', () => {
    const opts = { baseDelayMs: 500, maxDelayMs: 30000, random: () => 1 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a, opts)),
      [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
    );
    assert.equal(backoffDelay(5000, opts), 30000); // 2**5000 is Infinity: still capped
  });

  test('full jitter: random()=0 gives 0, random()~1 gives just under the cap', () => {
    for (const a of [0, 3, 10]) assert.equal(backoffDelay(a, { random: () => 0 }), 0);
    const r = () => 0.999999;
    assert.equal(backoffDelay(0, { baseDelayMs: 500, maxDelayMs: 30000, random: r }), 499);
    assert.equal(backoffDelay(10, { baseDelayMs: 500, maxDelayMs: 30000, random: r }), 29999);
    assert.equal(backoffDelay(2, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 }), 200);
  });
});

describe('classifyClose', () => {
  const table = [
    [1000, 'retry'],
    [1001, 'retry'],
    [1002, 'final'],
    [1003, 'final'],
    [1005, 'retry'],
    [1006, 'retry'],
    [1007, 'final'],
    [1008, 'auth'],
    [1009, 'final'],
    [1011, 'retry'],
    [1012, 'resync'],
    [1013, 'retry'],
    [4000, 'retry'],
    [4001, 'retry'],
    [4002, 'final'],
    [4003, 'auth'],
    [4004, 'auth'],
    [4005, 'final'],
    [4006, 'final'],
    [4007, 'retry'],
    [4008, 'final'],
    [4999, 'retry'],
  ];
  for (const [code, expected] of table) {
    test(`${code} -> ${expected}`, () => assert.equal(classifyClose(code), expected));
  }
  test('the code alone decides: the reason is not read', () => {
    for (const reason of [undefined, '', 'bye', 'session limit', 'rate limit', 'invalid or expired ticket']) {
      assert.equal(classifyClose(1000, reason), 'retry');
      assert.equal(classifyClose(4008, reason), 'final');
      assert.equal(classifyClose(1008, reason), 'auth');
      assert.equal(classifyClose(4006, reason), 'final');
      assert.equal(classifyClose(4007, reason), 'retry');
    }
  });
});

describe('URL helpers', () => {
  test('defaultUrl maps the module directory to ws(s)', () => {
    assert.equal(defaultUrl('https://app.example/herald/herald.js'), 'wss://app.example/herald/ws');
    assert.equal(defaultUrl('http://localhost:8080/ctx/herald/herald.js'), 'ws://localhost:8080/ctx/herald/ws');
  });
  test('withTicket appends an encoded ticket', () => {
    assert.equal(withTicket(WS_URL, 'a/b+c='), `${WS_URL}?ticket=a%2Fb%2Bc%3D`);
    assert.equal(withTicket(`${WS_URL}?x=1`, 't'), `${WS_URL}?x=1&ticket=t`);
  });
});

describe('Herald connection lifecycle', () => {
  test('fetches a fresh ticket before every connect and appends it URL-encoded', async () => {
    const { h, sockets, fetchCalls, timers, named } = setup({
      ticketUrl: TICKET_URL,
      headers: async () => ({ Authorization: 'Bearer abc' }),
      protocols: ['herald.v1'],
    });
    assert.equal(h.state, 'connecting');
    assert.equal(sockets.length, 0, 'no socket before the ticket arrives');
    await flush();
    assert.equal(fetchCalls.length, 1);
    assert.deepEqual(fetchCalls[0], {
      url: TICKET_URL,
      init: { method: 'POST', credentials: 'include', headers: { Authorization: 'Bearer abc' }, signal: fetchCalls[0].init.signal },
    });
    assert.equal(sockets[0].url, `${WS_URL}?ticket=${encodeURIComponent('t/1+=')}`);
    assert.deepEqual(sockets[0].protocols, ['herald.v1']);

    sockets[0].serverOpen();
    assert.equal(h.state, 'open');
    assert.equal(named('open').length, 1);
    sockets[0].serverClose(1001, 'going away');
    timers.advance(1000);
    await flush();
    assert.equal(fetchCalls.length, 2);
    assert.equal(sockets[1].url, `${WS_URL}?ticket=${encodeURIComponent('t/2+=')}`);
    h.close();
  });

  test('1001 emits reconnecting and opens a new socket after the delay', () => {
    const { h, sockets, timers, named } = setup();
    assert.equal(sockets.length, 1);
    sockets[0].serverOpen();
    sockets[0].serverClose(1001, 'going away');
    assert.deepEqual(named('close'), [{ code: 1001, reason: 'going away', wasClean: true, willRetry: true, ready: true }]);
    assert.deepEqual(named('reconnecting'), [{ delayMs: 50, attempt: 1, code: 1001, reason: 'going away' }]);
    assert.equal(h.state, 'reconnecting');
    timers.advance(49);
    assert.equal(sockets.length, 1);
    timers.advance(1);
    assert.equal(sockets.length, 2);
    assert.equal(sockets[1].url, WS_URL);
    assert.equal(h.state, 'connecting');
    h.close();
  });

  test('a 1000 from the server side (a proxy, a container) is retried with backoff, whatever its reason: only 4008 is disconnect', () => {
    for (const reason of ['', 'disconnected', 'Normal Closure']) {
      const { h, sockets, timers, named } = setup();
      sockets[0].serverOpen(V1);
      sockets[0].serverClose(1000, reason);
      assert.equal(named('final').length, 0, reason);
      assert.equal(named('reconnecting').length, 1, reason);
      timers.advance(named('reconnecting')[0].delayMs);
      assert.equal(sockets.length, 2, reason);
      h.close();
    }
  });

  test('failure before open (1006) retries; attempt resets only after stableAfterMs', () => {
    const { h, sockets, timers, named } = setup();
    const delays = () => named('reconnecting').map((e) => e.delayMs);

    sockets[0].serverClose(1006); // never opened
    timers.advance(50);
    sockets[1].serverOpen();
    sockets[1].serverClose(1006); // accepted, then dropped at once: no reset
    timers.advance(100);
    sockets[2].serverOpen();
    timers.advance(4999);
    sockets[2].serverClose(1011); // still short of stableAfterMs
    assert.deepEqual(delays(), [50, 100, 200]);

    timers.advance(200);
    sockets[3].serverOpen();
    timers.advance(5000); // stable now
    sockets[3].serverClose(4001, 'heartbeat timeout');
    assert.deepEqual(delays(), [50, 100, 200, 50]);
    assert.equal(named('reconnecting').at(-1).attempt, 1);

    // the cap applies
    for (let i = 4; i < 10; i++) {
      timers.advance(1000);
      sockets[i].serverClose(1006);
    }
    assert.equal(delays().at(-1), 500);
    h.close();
  });

  test('auth close -> one retry with fresh ticket -> second auth close -> final, nothing more', async () => {
    const { h, sockets, fetchCalls, timers, named } = setup({ ticketUrl: TICKET_URL });
    await flush();
    sockets[0].serverClose(4004, 'invalid or expired ticket');
    assert.equal(named('close')[0].willRetry, true);
    assert.equal(named('reconnecting').length, 1);
    timers.advance(50);
    await flush();
    assert.equal(fetchCalls.length, 2);
    assert.match(sockets[1].url, /ticket=t%2F2%2B%3D$/);

    sockets[1].serverClose(4003, 'authentication required');
    assert.equal(named('close')[1].willRetry, false);
    assert.deepEqual(named('final'), [{ reason: 'auth', code: 4003, closeReason: 'authentication required' }]);
    assert.equal(h.state, 'closed');
    assert.equal(timers.pending, 0);
    timers.advance(60000);
    await flush();
    assert.equal(fetchCalls.length, 2);
    assert.equal(sockets.length, 2);
  });

  test('an established session restores the single auth retry: a welcome, or stableAfterMs on a plain session', async () => {
    const { h, sockets, timers, named } = setup({ ticketUrl: TICKET_URL });
    await flush();
    sockets[0].serverClose(4004, 'invalid or expired ticket');
    timers.advance(50);
    await flush();
    sockets[1].serverOpen(V1);
    sockets[1].serverSend(welcome(false, 0, null, null));
    sockets[1].serverClose(4004, 'invalid or expired ticket');
    assert.equal(named('final').length, 0);
    assert.equal(h.state, 'reconnecting');
    h.close();

    const plain = setup({ ticketUrl: TICKET_URL, recover: false });
    await flush();
    plain.sockets[0].serverOpen();
    plain.timers.advance(5000); // stableAfterMs
    plain.sockets[0].serverClose(4004, 'invalid or expired ticket');
    plain.timers.advance(1000);
    await flush();
    plain.sockets[1].serverOpen();
    plain.timers.advance(5000);
    plain.sockets[1].serverClose(4004, 'invalid or expired ticket');
    assert.equal(plain.named('final').length, 0);
    plain.h.close();
  });

  test('auth close without ticketUrl is final immediately', () => {
    const { h, sockets, timers, named } = setup();
    sockets[0].serverOpen();
    sockets[0].serverClose(4003, 'authentication required');
    assert.deepEqual(named('final'), [{ reason: 'auth', code: 4003, closeReason: 'authentication required' }]);
    assert.equal(named('reconnecting').length, 0);
    assert.equal(h.state, 'closed');
    timers.advance(60000);
    assert.equal(sockets.length, 1);
  });

  test('with a ticketUrl too, final codes are final: a fresh ticket does not lift a session limit or a sign-out', async () => {
    for (const [code, reason, kind] of [[4006, 'session limit', 'session-limit'], [4005, 'origin not allowed', 'origin'], [4002, 'signed out', 'signed-out'], [4008, 'disconnected', 'disconnected']]) {
      const { sockets, fetchCalls, timers, named } = setup({ ticketUrl: TICKET_URL });
      await flush();
      sockets[0].serverOpen(V1);
      sockets[0].serverClose(code, reason);
      assert.deepEqual(named('final'), [{ reason: kind, code, closeReason: reason }]);
      timers.advance(60000);
      await flush();
      assert.equal(fetchCalls.length, 1, `${code}: no fresh ticket`);
      assert.equal(sockets.length, 1);
    }
  });

  test('closes that retry do not use up the single auth retry', async () => {
    const { h, sockets, fetchCalls, timers, named } = setup({ ticketUrl: TICKET_URL });
    await flush();
    sockets[0].serverClose(1006);
    timers.advance(50);
    await flush();
    sockets[1].serverClose(4004, 'invalid or expired ticket');
    assert.equal(named('close')[1].willRetry, true, 'the auth retry is still there');
    timers.advance(1000);
    await flush();
    assert.equal(fetchCalls.length, 3);
    assert.equal(named('final').length, 0);
    h.close();
  });

  test('4007 rate limit and unknown codes retry with backoff', () => {
    const { h, sockets, timers, named } = setup();
    sockets[0].serverClose(4007, 'rate limit');
    timers.advance(50);
    sockets[1].serverClose(4999, 'policy');
    assert.deepEqual(named('reconnecting').map((e) => e.delayMs), [50, 100]);
    assert.equal(named('final').length, 0);
    h.close();
  });

  test("a container's bare 1008 (an ended HTTP session on Payara, WildFly) is an auth refusal: one fresh ticket, then final", async () => {
    const { h, sockets, fetchCalls, timers, named } = setup({ ticketUrl: TICKET_URL, responses: [okTicket('t1'), httpStatus(401)] });
    await flush();
    sockets[0].serverOpen(V1);
    sockets[0].serverSend(welcome(false, 0, null, null));
    sockets[0].serverClose(1008, '');
    assert.equal(named('close')[0].willRetry, true);
    timers.advance(50);
    await flush();
    assert.equal(fetchCalls.length, 2, 'one fresh ticket');
    assert.deepEqual(named('final'), [{ reason: 'ticket', status: 401 }], 'the signed-out user gets no ticket: final');
    assert.equal(sockets.length, 1);
    assert.equal(h.state, 'closed');

    const cookie = setup(); // no ticketUrl: the handshake's cookie is all there is, and it has ended
    cookie.sockets[0].serverOpen();
    cookie.sockets[0].serverClose(1008, '');
    assert.deepEqual(cookie.named('final'), [{ reason: 'auth', code: 1008, closeReason: '' }]);
    cookie.timers.advance(60000);
    assert.equal(cookie.sockets.length, 1);
  });

  for (const [code, reason, kind] of [[4008, 'disconnected', 'disconnected'], [1003, '', 'protocol'], [1009, '', 'protocol'], [4006, 'session limit', 'session-limit'], [4005, 'origin not allowed', 'origin'], [4002, 'signed out', 'signed-out']]) {
    test(`${code} ${reason} is final (reason ${kind})`, () => {
      const { h, sockets, timers, named } = setup();
      sockets[0].serverOpen();
      sockets[0].serverClose(code, reason);
      assert.deepEqual(named('final'), [{ reason: kind, code, closeReason: reason }]);
      assert.equal(named('close')[0].willRetry, false);
      assert.equal(h.state, 'closed');
      timers.advance(60000);
      assert.equal(sockets.length, 1);
    });
  }

  test('ticket POST 401/403 is final with {status}', async () => {
    for (const status of [401, 403]) {
      const { h, sockets, timers, named } = setup({ ticketUrl: TICKET_URL, responses: [httpStatus(status)] });
      await flush();
      assert.deepEqual(named('final'), [{ reason: 'ticket', status }]);
      assert.equal(h.state, 'closed');
      timers.advance(60000);
      assert.equal(sockets.length, 0);
    }
  });

  test('ticket POST network error or 5xx is a failed attempt with backoff', async () => {
    const { h, sockets, fetchCalls, timers, named } = setup({
      ticketUrl: TICKET_URL,
      responses: [new TypeError('Failed to fetch'), httpStatus(503)],
    });
    await flush();
    assert.equal(named('reconnecting').length, 1);
    assert.equal(named('reconnecting')[0].code, null);
    assert.equal(named('error').length, 1);
    timers.advance(50);
    await flush();
    assert.deepEqual(named('reconnecting').map((e) => e.delayMs), [50, 100]);
    timers.advance(100);
    await flush();
    assert.equal(fetchCalls.length, 3);
    assert.equal(sockets.length, 1);
    assert.equal(named('final').length, 0);
    h.close();
  });
});

describe('Herald messages', () => {
  test('parse error emits parseerror and keeps the socket open; binary frames ignored', () => {
    const { h, sockets, named } = setup();
    sockets[0].serverOpen();
    sockets[0].serverSend('{not json');
    const [pe] = named('parseerror');
    assert.ok(pe.error instanceof SyntaxError);
    assert.equal(pe.data, '{not json');
    assert.equal(sockets[0].closedWith, null);
    assert.equal(h.state, 'open');

    sockets[0].serverSend(new ArrayBuffer(4));
    sockets[0].serverSend('{"message":"PING"}');
    assert.deepEqual(named('message'), [{ message: 'PING' }]);
    h.close();
  });

  test('dispatches on the "message" field and to generic message listeners', () => {
    const { h, sockets, named } = setup();
    const mfa = [];
    const other = [];
    const generic = [];
    const unsubscribe = h.on('MFA_REQUIRED', (data, event) => mfa.push([data, event.type]));
    h.on('SESSION_REVOKED', (data) => other.push(data));
    h.on('message', (data, event) => generic.push([data, event.type]));
    sockets[0].serverOpen();

    sockets[0].serverSend('{"message":"MFA_REQUIRED","payload":{"id":7}}');
    assert.deepEqual(mfa, [[{ message: 'MFA_REQUIRED', payload: { id: 7 } }, 'message']]);
    assert.equal(other.length, 0);
    assert.equal(generic.length, 1);

    sockets[0].serverSend('{"message":"close"}'); // a message type never triggers lifecycle listeners
    sockets[0].serverSend('[1,2]');
    sockets[0].serverSend('null');
    assert.equal(named('close').length, 0);
    assert.equal(generic.length, 4);

    unsubscribe();
    sockets[0].serverSend('{"message":"MFA_REQUIRED"}');
    assert.equal(mfa.length, 1);
    h.close();
  });

  test('a throwing listener does not break the client (error goes to reportError)', () => {
    const { h, sockets, timers } = setup();
    const reported = [];
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'reportError');
    Object.defineProperty(globalThis, 'reportError', { value: (e) => reported.push(e), configurable: true, writable: true });
    try {
      const off = h.on('close', () => {
        throw new Error('boom');
      });
      sockets[0].serverClose(1006);
      off();
    } finally {
      if (saved) Object.defineProperty(globalThis, 'reportError', saved);
      else delete globalThis.reportError;
    }
    assert.equal(reported[0]?.message, 'boom');
    timers.advance(50);
    assert.equal(sockets.length, 2);
    h.close();
  });
});

describe('Herald close()', () => {
  test('close() while open closes with 1000 and stops reconnects', () => {
    const { h, sockets, timers, named } = setup();
    sockets[0].serverOpen();
    h.close();
    assert.deepEqual(sockets[0].closedWith, { code: 1000, reason: undefined });
    assert.equal(h.state, 'closed');
    assert.deepEqual(named('close'), [{ code: 1000, reason: '', wasClean: true, willRetry: false, ready: true }]);
    sockets[0].serverClose(1000); // late browser event is ignored
    timers.advance(60000);
    assert.equal(sockets.length, 1);
    assert.equal(named('close').length, 1);
    assert.equal(timers.pending, 0);
  });

  test('close() during the backoff wait cancels the attempt', () => {
    const { h, sockets, timers } = setup();
    sockets[0].serverClose(1006);
    assert.equal(timers.pending, 1);
    h.close();
    assert.equal(timers.pending, 0);
    timers.advance(60000);
    assert.equal(sockets.length, 1);
  });

  test('close() while the ticket request is in flight prevents the socket', async () => {
    const { h, sockets } = setup({ ticketUrl: TICKET_URL });
    h.close();
    await flush();
    assert.equal(sockets.length, 0);
    assert.equal(h.state, 'closed');
  });

  test('connect() after close() starts afresh; autoConnect:false waits for connect()', () => {
    const { h, sockets } = setup({ autoConnect: false });
    assert.equal(h.state, 'closed');
    assert.equal(sockets.length, 0);
    h.connect();
    h.connect(); // no-op while connecting
    assert.equal(sockets.length, 1);
    h.close();
    h.connect();
    assert.equal(sockets.length, 2);
    h.close();
  });

  test('instances are independent', () => {
    const a = setup();
    const b = setup();
    a.sockets[0].serverOpen();
    b.sockets[0].serverOpen();
    a.h.close();
    assert.equal(b.h.state, 'open');
    b.sockets[0].serverClose(1001, 'going away');
    assert.equal(a.named('reconnecting').length, 0);
    assert.equal(b.named('reconnecting').length, 1);
    b.h.close();
  });
});

describe('Herald offline handling', () => {
  test('no attempt is scheduled while offline; reconnects at once on "online"', () =>
    withBrowserGlobals(({ navigator, window }) => {
      const { h, sockets, timers, named } = setup();
      sockets[0].serverOpen();
      navigator.onLine = false;
      window.dispatchEvent(new Event('offline'));
      sockets[0].serverClose(1006);
      assert.equal(h.state, 'reconnecting');
      assert.equal(timers.pending, 0);
      assert.deepEqual(named('reconnecting'), [{ delayMs: null, attempt: 1, code: 1006, reason: '', offline: true }]);
      timers.advance(60000);
      assert.equal(sockets.length, 1);

      navigator.onLine = true;
      window.dispatchEvent(new Event('online'));
      assert.equal(sockets.length, 2);
      assert.equal(h.state, 'connecting');
      h.close();
    }));

  test('"offline" during the backoff wait cancels the pending attempt', () =>
    withBrowserGlobals(({ navigator, window }) => {
      const { h, sockets, timers } = setup();
      sockets[0].serverClose(1006);
      assert.equal(timers.pending, 1);
      navigator.onLine = false;
      window.dispatchEvent(new Event('offline'));
      timers.advance(60000);
      assert.equal(sockets.length, 1);
      navigator.onLine = true;
      window.dispatchEvent(new Event('online'));
      assert.equal(sockets.length, 2);
      h.close();
    }));

  test('"online" after close() does not reconnect', () =>
    withBrowserGlobals(({ navigator, window }) => {
      const { h, sockets } = setup();
      navigator.onLine = false;
      sockets[0].serverClose(1006);
      h.close();
      navigator.onLine = true;
      window.dispatchEvent(new Event('online'));
      assert.equal(sockets.length, 1);
    }));
});

describe('herald.v1 recovery', () => {
  test('withPositions appends since/bsince, each only when known', () => {
    assert.equal(
      withPositions(WS_URL, { user: { epoch: 'Ab1', seq: 7 }, broadcast: { epoch: 'Zz9', seq: 0 } }),
      `${WS_URL}?since=Ab1:7&bsince=Zz9:0`,
    );
    assert.equal(withPositions(`${WS_URL}?x=1`, { user: null, broadcast: { epoch: 'B', seq: 3 } }), `${WS_URL}?x=1&bsince=B:3`);
    assert.equal(withPositions(WS_URL, { user: { epoch: 'bad epoch', seq: 1 } }), WS_URL);
    assert.equal(withPositions(WS_URL, {}), WS_URL);
  });

  test('asks for herald.v1 first (before, and without repeating, the app\'s subprotocols); recover:false asks for none', () => {
    assert.deepEqual(setup().sockets[0].protocols, [V1]);
    assert.deepEqual(setup({ protocols: ['app.x', V1] }).sockets[0].protocols, [V1, 'app.x']);
    assert.equal(setup({ recover: false }).sockets[0].protocols, undefined);
    assert.deepEqual(setup({ recover: false, protocols: ['app.x'] }).sockets[0].protocols, ['app.x']);
  });

  test('first connect: no since/bsince, the welcome sets both positions, no recovered/missed event', () => {
    const { h, sockets, named } = welcomed();
    assert.equal(sockets[0].url, WS_URL);
    assert.equal(h.protocol, V1);
    assert.deepEqual(h.positions, { user: { epoch: 'U1', seq: 2 }, broadcast: { epoch: 'B1', seq: 5 } });
    assert.equal(named('recovered').length + named('missed').length, 0);
    assert.deepEqual(named('message'), []);
    h.close();
  });

  test('the data of a herald.message is dispatched exactly like a bare message; positions advance per stream', () => {
    const { h, sockets, named } = welcomed();
    const mfa = [];
    h.on('MFA_REQUIRED', (data, event) => mfa.push([data, event.type]));
    sockets[0].serverSend(msg('user', 'U1', 3, { message: 'MFA_REQUIRED', text: 'code?' }));
    assert.deepEqual(h.positions, { user: { epoch: 'U1', seq: 3 }, broadcast: { epoch: 'B1', seq: 5 } });
    sockets[0].serverSend(msg('broadcast', 'B1', 6, { message: 'NEWS' }));
    sockets[0].serverSend(msg('broadcast', 'B1', 7, [1, 2]));
    assert.deepEqual(named('message'), [{ message: 'MFA_REQUIRED', text: 'code?' }, { message: 'NEWS' }, [1, 2]]);
    assert.deepEqual(mfa, [[{ message: 'MFA_REQUIRED', text: 'code?' }, 'message']]);
    assert.deepEqual(h.positions, { user: { epoch: 'U1', seq: 3 }, broadcast: { epoch: 'B1', seq: 7 } });
    h.close();
  });

  test('the position advances after the listeners ran', () => {
    const { h, sockets } = welcomed();
    const seen = [];
    h.on('message', () => seen.push(h.positions.user.seq));
    sockets[0].serverSend(msg('user', 'U1', 3, {}));
    assert.deepEqual(seen, [2]);
    h.close();
  });

  test('reconnect sends since/bsince beside the ticket; replay then welcome recovered:true emits recovered', async () => {
    const { h, sockets, timers, named } = setup({ ticketUrl: TICKET_URL });
    await flush();
    sockets[0].serverOpen(V1);
    sockets[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 2 }, { epoch: 'B1', seq: 5 }));
    sockets[0].serverSend(msg('user', 'U1', 3, { text: 'live' }));
    sockets[0].serverClose(1006);
    timers.advance(1000);
    await flush();
    assert.deepEqual(query(sockets[1].url), { since: 'U1:3', bsince: 'B1:5', ticket: 't/2+=' });
    assert.match(sockets[1].url, /\?since=U1:3&bsince=B1:5&ticket=/);
    assert.deepEqual(sockets[1].protocols, [V1]);

    sockets[1].serverOpen(V1);
    sockets[1].serverSend(msg('user', 'U1', 4, { text: 'missed 1' }));
    sockets[1].serverSend(msg('broadcast', 'B1', 6, { text: 'missed 2' }));
    sockets[1].serverSend(msg('user', 'U1', 5, { text: 'missed 3' }));
    assert.equal(named('recovered').length, 0, 'reported only with the welcome');
    sockets[1].serverSend(welcome(true, 3, { epoch: 'U1', seq: 5 }, { epoch: 'B1', seq: 6 }));
    assert.deepEqual(named('recovered'), [{ replayed: 3 }]);
    assert.deepEqual(named('missed'), []);
    sockets[1].serverSend(msg('user', 'U1', 6, { text: 'live again' }));
    assert.deepEqual(named('message').map((m) => m.text), ['live', 'missed 1', 'missed 2', 'missed 3', 'live again']);
    assert.deepEqual(h.positions, { user: { epoch: 'U1', seq: 6 }, broadcast: { epoch: 'B1', seq: 6 } });
    h.close();
  });

  test('welcome recovered:false emits missed with what was still replayed; a new epoch is taken over', () => {
    const { h, sockets, timers, named } = welcomed();
    sockets[0].serverClose(1001, 'going away');
    timers.advance(1000);
    assert.deepEqual(query(sockets[1].url), { since: 'U1:2', bsince: 'B1:5' });
    sockets[1].serverOpen(V1);
    sockets[1].serverSend(msg('user', 'U2', 1, { text: 'held 1' })); // the server restarted: another epoch
    sockets[1].serverSend(welcome(false, 1, { epoch: 'U2', seq: 1 }, { epoch: 'B2', seq: 0 }));
    assert.deepEqual(named('missed'), [{ replayed: 1, protocol: V1 }]);
    assert.deepEqual(named('recovered'), []);
    assert.deepEqual(named('message'), [{ text: 'held 1' }]);
    assert.deepEqual(h.positions, { user: { epoch: 'U2', seq: 1 }, broadcast: { epoch: 'B2', seq: 0 } });
    sockets[1].serverSend(msg('broadcast', 'B2', 1, { text: 'live' }));
    assert.equal(named('message').length, 2);
    assert.equal(named('close').length, 1, 'no gap: the welcome set the new epoch');
    h.close();
  });

  test('messages seen already (same epoch, seq not greater) are dropped and counted', () => {
    const { h, sockets, named } = welcomed();
    sockets[0].serverSend(msg('user', 'U1', 3, { text: 'a' }));
    sockets[0].serverSend(msg('user', 'U1', 3, { text: 'a again' }));
    sockets[0].serverSend(msg('user', 'U1', 1, { text: 'old' }));
    sockets[0].serverSend(msg('broadcast', 'B1', 5, { text: 'old broadcast' }));
    assert.deepEqual(named('message'), [{ text: 'a' }]);
    assert.equal(h.duplicates, 3);
    assert.equal(h.state, 'open');
    h.close();
  });

  test('a live message after a gap (skipped seq, or a new epoch not at seq 1) closes and recovers from the last one delivered', () => {
    for (const [epoch, seq] of [['U1', 5], ['U9', 2]]) {
      const { h, sockets, timers, named } = welcomed();
      sockets[0].serverSend(msg('user', 'U1', 3, { text: 'ok' }));
      sockets[0].serverSend(msg('user', epoch, seq, { text: 'after a gap' }));
      assert.deepEqual(named('message'), [{ text: 'ok' }], 'not delivered: it comes again with the replay');
      assert.deepEqual(sockets[0].closedWith, { code: 1000, reason: 'gap' });
      assert.deepEqual(named('close'), [{ code: 1000, reason: 'gap', wasClean: false, willRetry: true, ready: true, local: true }]);
      assert.equal(h.state, 'reconnecting');
      sockets[0].serverSend(msg('user', 'U1', 4, { text: 'late' })); // the old socket is detached
      sockets[0].serverClose(1000, 'gap');
      assert.equal(named('close').length, 1);
      timers.advance(1000);
      assert.deepEqual(query(sockets[1].url), { since: 'U1:3', bsince: 'B1:5' });
      h.close();
    }
  });

  test('a live message starting a new epoch at seq 1 (the stream idled past its TTL) is taken as is', () => {
    const { h, sockets, named } = welcomed();
    sockets[0].serverSend(msg('user', 'U7', 1, { text: 'after a quiet spell' }));
    sockets[0].serverSend(msg('broadcast', 'B7', 1, { text: 'news after a quiet spell' }));
    sockets[0].serverSend(msg('user', 'U7', 2, { text: 'next' }));
    assert.deepEqual(named('message').map((m) => m.text), ['after a quiet spell', 'news after a quiet spell', 'next']);
    assert.deepEqual(h.positions, { user: { epoch: 'U7', seq: 2 }, broadcast: { epoch: 'B7', seq: 1 } });
    assert.equal(h.state, 'open');
    assert.equal(named('close').length + named('missed').length, 0);
    h.close();
  });

  test('before the welcome a replay may start anywhere (history trimmed, epoch changed)', () => {
    const { h, sockets, timers, named } = welcomed();
    sockets[0].serverClose(1006);
    timers.advance(1000);
    sockets[1].serverOpen(V1);
    sockets[1].serverSend(msg('user', 'U1', 9, { text: 'oldest still held' }));
    sockets[1].serverSend(msg('user', 'U1', 10, { text: 'next' }));
    sockets[1].serverSend(welcome(false, 2, { epoch: 'U1', seq: 10 }, { epoch: 'B1', seq: 5 }));
    assert.deepEqual(named('message').map((m) => m.text), ['oldest still held', 'next']);
    assert.deepEqual(named('missed'), [{ replayed: 2, protocol: V1 }]);
    assert.equal(h.state, 'open');
    h.close();
  });

  test('on a herald.v1 session other JSON is dispatched as a plain message, unknown herald.* frames are ignored, bad JSON keeps it open', () => {
    const { h, sockets, named } = welcomed();
    sockets[0].serverSend('{"message":"BARE"}');
    sockets[0].serverSend('{"type":"herald.ping","n":1}');
    sockets[0].serverSend('{"type":"herald.welcome","recovered":true,"replayed":9}'); // only once per session
    sockets[0].serverSend('{not json');
    sockets[0].serverSend('{"type":"herald.message","stream":"other","data":{"text":"no position"}}');
    assert.deepEqual(named('message'), [{ message: 'BARE' }, { text: 'no position' }]);
    assert.equal(named('parseerror').length, 1);
    assert.equal(named('recovered').length, 0);
    assert.deepEqual(h.positions, { user: { epoch: 'U1', seq: 2 }, broadcast: { epoch: 'B1', seq: 5 } });
    assert.equal(h.state, 'open');
    assert.equal(sockets[0].closedWith, null);
    h.close();
  });

  test('plain fallback: a server that answers no subprotocol gets a plain client (bare JSON as is, no since, missed on reconnect)', () => {
    const { h, sockets, timers, named } = setup();
    sockets[0].serverOpen(''); // an older Herald, and a lenient client that accepted the handshake without a subprotocol
    assert.equal(h.protocol, 'plain');
    const frame = { type: 'herald.message', stream: 'user', epoch: 'U1', seq: 1, data: { x: 1 } };
    sockets[0].serverSend(JSON.stringify(frame));
    assert.deepEqual(named('message'), [frame], 'a plain session never unwraps');
    assert.deepEqual(h.positions, { user: null, broadcast: null });
    sockets[0].serverClose(1006);
    timers.advance(1000);
    assert.equal(sockets[1].url, WS_URL);
    sockets[1].serverOpen('');
    assert.deepEqual(named('missed'), [{ replayed: 0, protocol: 'plain' }]);
    h.close();
  });

  test('browser fallback: until herald.v1 worked once, two herald.v1 attempts that failed before opening are followed by a plain one', async () => {
    const { h, sockets, timers, named } = setup();
    sockets[0].serverClose(1006); // Chromium: "Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received"
    timers.advance(1000);
    assert.deepEqual(sockets[1].protocols, [V1], 'one failure could be an outage: herald.v1 again');
    sockets[1].serverClose(1006);
    timers.advance(1000);
    assert.equal(sockets[2].protocols, undefined);
    sockets[2].serverClose(1006); // still down: the next ones ask for herald.v1 again
    timers.advance(1000);
    assert.deepEqual(sockets[3].protocols, [V1]);
    sockets[3].serverClose(1006);
    timers.advance(1000);
    assert.deepEqual(sockets[4].protocols, [V1]);
    sockets[4].serverClose(1006);
    timers.advance(1000);
    sockets[5].serverOpen('');
    assert.equal(h.protocol, 'plain');
    assert.equal(named('missed').length, 0, 'the first session');
    h.close();

    // a failed ticket request in between does not use up the plain attempt
    const t = setup({ ticketUrl: TICKET_URL, responses: [okTicket('a'), new TypeError('Failed to fetch')] });
    await flush();
    t.sockets[0].serverClose(1006);
    t.timers.advance(1000);
    await flush();
    assert.equal(t.sockets.length, 1);
    t.timers.advance(1000);
    await flush();
    t.sockets[1].serverClose(1006);
    t.timers.advance(1000);
    await flush();
    assert.equal(t.sockets[2].protocols, undefined);
    t.h.close();

    const v1 = welcomed();
    v1.sockets[0].serverClose(1001, 'going away');
    for (let i = 1; i <= 3; i++) {
      v1.timers.advance(1000);
      assert.deepEqual(v1.sockets[i].protocols, [V1], 'herald.v1 worked here: no plain attempts');
      v1.sockets[i].serverClose(1006);
    }
    v1.h.close();
  });

  test('a plain session drops the positions (what it receives is not counted); recover:false never sends them', () => {
    const { h, sockets, timers } = welcomed();
    sockets[0].serverClose(1006);
    timers.advance(1000);
    sockets[1].serverOpen(''); // e.g. a node of an older version behind the same address
    assert.deepEqual(h.positions, { user: null, broadcast: null });
    sockets[1].serverClose(1006);
    timers.advance(1000);
    assert.equal(sockets[2].url, WS_URL);
    h.close();

    const store = { load: () => ({ user: { epoch: 'U1', seq: 1 } }), save: () => assert.fail('no saves') };
    const plain = setup({ recover: false, positionStore: store });
    assert.equal(plain.sockets[0].url, WS_URL);
    plain.h.close();
  });

  test('a listener that closes during the replay: the position still counts what it got, the rest is ignored', () => {
    const { h, sockets, named } = welcomed();
    h.on('message', () => h.close());
    sockets[0].serverSend(msg('user', 'U1', 3, { text: 'first' }));
    sockets[0].serverSend(msg('user', 'U1', 4, { text: 'after close()' }));
    sockets[0].serverSend(welcome(true, 0, { epoch: 'U1', seq: 9 }, { epoch: 'B1', seq: 9 }));
    assert.deepEqual(named('message'), [{ text: 'first' }]);
    assert.deepEqual(h.positions.user, { epoch: 'U1', seq: 3 });
    assert.equal(h.state, 'closed');
  });

  test('a cluster node\'s resync close (1012) reconnects with the positions', () => {
    const { h, sockets, timers, named } = welcomed();
    sockets[0].serverSend(msg('broadcast', 'B1', 6, {}));
    sockets[0].serverClose(1012, 'resync');
    assert.equal(named('close')[0].willRetry, true);
    timers.advance(1000);
    assert.deepEqual(query(sockets[1].url), { since: 'U1:2', bsince: 'B1:6' });
    h.close();
  });

  test('close() keeps the positions: connect() recovers', () => {
    const { h, sockets } = welcomed();
    h.close();
    h.connect();
    assert.deepEqual(query(sockets[1].url), { since: 'U1:2', bsince: 'B1:5' });
    h.close();
  });

  test('positionStore: loaded once (a reload recovers), saved after every change, unreadable stores ignored', () => {
    const saved = [];
    const store = { load: () => ({ user: { epoch: 'U1', seq: 4 }, broadcast: { epoch: 'bad!', seq: 1 } }), save: (p) => saved.push(p) };
    const { h, sockets, named } = setup({ positionStore: store });
    assert.deepEqual(query(sockets[0].url), { since: 'U1:4' });
    sockets[0].serverOpen(V1);
    sockets[0].serverSend(msg('user', 'U1', 5, {}));
    sockets[0].serverSend(welcome(true, 1, { epoch: 'U1', seq: 5 }, { epoch: 'B1', seq: 0 }));
    assert.deepEqual(named('recovered'), [{ replayed: 1 }], 'asked after a reload: reported');
    assert.deepEqual(saved, [
      { user: { epoch: 'U1', seq: 5 }, broadcast: null },
      { user: { epoch: 'U1', seq: 5 }, broadcast: { epoch: 'B1', seq: 0 } },
    ]);
    h.close();

    const broken = setup({ positionStore: { load: () => { throw new Error('quota'); }, save: () => {} } });
    assert.equal(broken.sockets[0].url, WS_URL);
    broken.h.close();
  });

  test('going offline closes a herald.v1 session; "online" reconnects with recovery. A plain session is left open', () =>
    withBrowserGlobals(({ navigator, window }) => {
      const { h, sockets, named } = welcomed();
      navigator.onLine = false;
      window.dispatchEvent(new Event('offline'));
      assert.deepEqual(sockets[0].closedWith, { code: 1000, reason: 'offline' });
      assert.deepEqual(named('close'), [{ code: 1000, reason: 'offline', wasClean: false, willRetry: true, ready: true, local: true }]);
      assert.deepEqual(named('reconnecting'), [{ delayMs: null, attempt: 1, code: 1000, reason: 'offline', offline: true }]);
      assert.equal(h.state, 'reconnecting');
      navigator.onLine = true;
      window.dispatchEvent(new Event('online'));
      assert.deepEqual(query(sockets[1].url), { since: 'U1:2', bsince: 'B1:5' });
      h.close();

      const plain = setup();
      plain.sockets[0].serverOpen('');
      navigator.onLine = false;
      window.dispatchEvent(new Event('offline'));
      assert.equal(plain.h.state, 'open');
      assert.equal(plain.sockets[0].closedWith, null);
      plain.h.close();
    }));
});
