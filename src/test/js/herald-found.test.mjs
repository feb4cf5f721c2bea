// Issue 19 "Found" and the client item of issue 12: each test fails on the client before these fixes.
// Modelled on a server that refuses a ticket after the 101 (open, herald.v1 negotiated), then closes from
// @OnOpen: Herald without its handshake filter, or an older one (with the filter, Herald answers 401 before
// the upgrade, which the page sees as a close 1006 without open).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CLOSE_CODES, Herald, V1, classifyClose, defaultUrl } from '../../main/webapp/herald.js';
import { TICKET_URL, WS_URL, flush, msg, okTicket, query, setup, welcome, welcomed, withBrowserGlobals } from './fakes.mjs';

/** What the browser sees when the server refuses a ticket in @OnOpen. */
function refuseAfterOpen(socket, reason = 'invalid or expired ticket') {
  socket.serverOpen(V1);
  socket.serverClose(4004, reason);
}

describe('1. an auth refusal after open becomes final', () => {
  test('8 rounds of open + 4004 "invalid or expired ticket": 2 sockets, 2 tickets, final, never ready', async () => {
    const { h, sockets, fetchCalls, timers, named } = setup({ ticketUrl: TICKET_URL });
    for (let round = 0; round < 8; round++) {
      await flush();
      if (sockets[round]) refuseAfterOpen(sockets[round]);
      timers.advance(1000); // the longest backoff here, under the ticket timeout
    }
    await flush();
    assert.equal(sockets.length, 2);
    assert.equal(fetchCalls.length, 2);
    assert.deepEqual(named('final'), [{ reason: 'auth', code: 4004, closeReason: 'invalid or expired ticket' }]);
    assert.equal(named('ready').length, 0);
    assert.deepEqual(named('refused').map((r) => r.code), [4004, 4004]);
    assert.equal(h.state, 'closed');
  });

  test('the same on a plain session (open, 4004) and for "authentication required" without ticketUrl', async () => {
    const plain = setup({ ticketUrl: TICKET_URL, recover: false });
    for (let round = 0; round < 4; round++) {
      await flush();
      plain.sockets[round]?.serverOpen();
      plain.sockets[round]?.serverClose(4004, 'invalid or expired ticket');
      plain.timers.advance(1000);
    }
    assert.equal(plain.sockets.length, 2);
    assert.equal(plain.named('final')[0].reason, 'auth');
  });

  test('a refused session is not a session: the later success reports no missed', async () => {
    const { sockets, timers, named, h } = setup({ ticketUrl: TICKET_URL });
    await flush();
    refuseAfterOpen(sockets[0]);
    timers.advance(1000);
    await flush();
    sockets[1].serverOpen(V1);
    sockets[1].serverSend(welcome(false, 0, { epoch: 'U1', seq: 0 }, { epoch: 'B1', seq: 0 }));
    assert.equal(named('missed').length, 0);
    assert.deepEqual(named('ready'), [{ protocol: V1, reconnect: false, recovered: null, replayed: 0 }]);
    h.close();
  });

  test('a refusal at the handshake (1006, no open) is a failed attempt with a fresh ticket each time', async () => {
    const { h, sockets, fetchCalls, timers, named } = setup({ ticketUrl: TICKET_URL, maxAttempts: 4 });
    for (let round = 0; round < 6; round++) {
      await flush();
      sockets[round]?.serverClose(1006);
      timers.advance(1000);
    }
    assert.equal(sockets.length, 4);
    assert.equal(fetchCalls.length, 4);
    assert.deepEqual(named('final'), [{ reason: 'max-attempts', attempts: 4, code: 1006, closeReason: '' }]);
    assert.equal(h.state, 'closed');
  });
});

describe('2. a reload during an outage never drops positions silently', () => {
  const stored = { user: { epoch: 'U1', seq: 7 }, broadcast: { epoch: 'B1', seq: 3 } };

  test('one failed attempt, then the server is back: still herald.v1, with the positions, recovered', () => {
    const saved = [];
    const { h, sockets, timers, named } = setup({ positionStore: { load: () => stored, save: (p) => saved.push(p) } });
    sockets[0].serverClose(1006); // the outage
    timers.advance(1000);
    assert.deepEqual(sockets[1].protocols, [V1]);
    assert.deepEqual(query(sockets[1].url), { since: 'U1:7', bsince: 'B1:3' });
    sockets[1].serverOpen(V1);
    sockets[1].serverSend(welcome(true, 0, stored.user, stored.broadcast));
    assert.deepEqual(named('recovered'), [{ replayed: 0 }]);
    assert.equal(saved.every((p) => p.user !== null), true);
    h.close();
  });

  test('a plain session that drops held positions says missed', () => {
    const { h, sockets, timers, named } = setup({ positionStore: { load: () => stored, save: () => {} } });
    sockets[0].serverClose(1006);
    timers.advance(1000);
    sockets[1].serverClose(1006);
    timers.advance(1000);
    sockets[2].serverOpen(''); // the plain fallback reached a server that answered no subprotocol
    assert.deepEqual(h.positions, { user: null, broadcast: null });
    assert.deepEqual(named('missed'), [{ replayed: 0, protocol: 'plain' }]);
    h.close();
  });
});

describe('3. timeouts', () => {
  const hung = () => new Promise(() => {});

  test('a ticket POST that hangs is aborted after ticketTimeoutMs and counts as a failed attempt', async () => {
    const signals = [];
    const { h, timers, named } = setup({
      ticketUrl: TICKET_URL, ticketTimeoutMs: 3000,
      fetchImpl: (url, init) => { signals.push(init.signal); return hung(); },
    });
    await flush();
    timers.advance(2999);
    await flush();
    assert.equal(named('reconnecting').length, 0);
    timers.advance(1);
    await flush();
    assert.equal(signals[0].aborted, true);
    assert.equal(named('reconnecting').length, 1);
    assert.match(named('error')[0].message, /timed out/);
    assert.equal(h.state, 'reconnecting');
    h.close();
  });

  test('a headers() callback that hangs is bounded the same way', async () => {
    const { h, timers, named, fetchCalls } = setup({ ticketUrl: TICKET_URL, ticketTimeoutMs: 3000, headers: hung });
    await flush();
    timers.advance(3000);
    await flush();
    assert.equal(fetchCalls.length, 0);
    assert.equal(named('reconnecting').length, 1);
    h.close();
  });

  test('close() aborts the ticket request in flight', async () => {
    const signals = [];
    const { h } = setup({ ticketUrl: TICKET_URL, fetchImpl: (url, init) => { signals.push(init.signal); return hung(); } });
    await flush();
    h.close();
    assert.equal(signals[0].aborted, true);
  });

  test('a handshake that never opens is closed after connectTimeoutMs and retried; so is a session without its welcome', () => {
    const { h, sockets, timers, named } = setup({ connectTimeoutMs: 4000 });
    timers.advance(4000);
    assert.deepEqual(sockets[0].closedWith, { code: 1000, reason: 'timeout' });
    assert.equal(named('close')[0].reason, 'timeout');
    assert.equal(named('reconnecting').length, 1);
    timers.advance(1000);
    sockets[1].serverOpen(V1); // open re-arms the timer: now the welcome is due
    timers.advance(3999);
    sockets[1].serverSend(msg('user', 'U1', 1, {})); // replay progress re-arms the timer
    timers.advance(3999);
    assert.equal(sockets[1].closedWith, null);
    timers.advance(1);
    assert.deepEqual(sockets[1].closedWith, { code: 1000, reason: 'timeout' });
    assert.equal(named('refused').length, 0, 'dropped by the client, not refused by the server');
    h.close();
  });
});

test('4. "offline" during the backoff wait emits the offline reconnecting event', () =>
  withBrowserGlobals(({ navigator, window }) => {
    const { h, sockets, named } = setup();
    sockets[0].serverClose(1006);
    navigator.onLine = false;
    window.dispatchEvent(new Event('offline'));
    assert.deepEqual(named('reconnecting').at(-1), { delayMs: null, attempt: 1, code: null, reason: 'offline', offline: true });
    window.dispatchEvent(new Event('offline'));
    assert.equal(named('reconnecting').length, 2, 'said once');
    h.close();
  }));

describe('5. a login page is not a ticket', () => {
  const html = { ok: true, status: 200, redirected: true, url: 'https://app.example/login', headers: new Headers({ 'content-type': 'text/html' }), json: async () => { throw new SyntaxError('<'); } };
  const notJson = { ok: true, status: 200, redirected: false, headers: new Headers({ 'content-type': 'text/html;charset=utf-8' }), json: async () => ({ ticket: 'x' }) };
  const broken = { ok: true, status: 200, redirected: false, headers: new Headers(), json: async () => { throw new SyntaxError('<'); } };
  const noTicket = { ok: true, status: 200, redirected: false, headers: new Headers({ 'content-type': 'application/json' }), json: async () => ({}) };
  for (const [name, res] of Object.entries({ html, notJson, broken, noTicket })) {
    test(`a ${name} 2xx answer is final with the status`, async () => {
      const { h, sockets, timers, named } = setup({ ticketUrl: TICKET_URL, responses: [res] });
      await flush();
      assert.deepEqual(named('final'), [{ reason: 'ticket', status: 200 }]);
      assert.equal(named('error').length, 1);
      timers.advance(60000);
      await flush();
      assert.equal(sockets.length, 0);
      assert.equal(h.state, 'closed');
    });
  }
});

describe('6. one close-code table, and the README says the same', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Close codes'), readme.indexOf('## Browser client'));
  const rows = section.split('\n').filter((l) => /^\| \d{4}/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const expected = (r) => ({
    final: `final (\`${r.final}\`)`,
    auth: 'one retry with a fresh ticket, then final (`auth`)',
    retry: 'retry (backoff)',
    resync: 'reconnect at once with the positions',
  })[r.action];

  test('every row of CLOSE_CODES is in the README with what herald.js does, and nothing else is', () => {
    const documented = rows.map(([code, reason, , client]) => [code, reason.replace(/`/g, ''), client]);
    const table = CLOSE_CODES.map((r) => [String(r.code), r.reason || '(container)', expected(r)]);
    assert.deepEqual(documented, table);
  });

  test('classifyClose follows the table, one row per code; session limit and origin not allowed are final, 4002 signed out too', () => {
    for (const r of CLOSE_CODES) assert.equal(classifyClose(r.code), r.action, `${r.code} ${r.reason}`);
    assert.equal(new Set(CLOSE_CODES.map((r) => r.code)).size, CLOSE_CODES.length, 'one row per code');
    assert.equal(classifyClose(4006), 'final');
    assert.equal(classifyClose(4005), 'final');
    assert.equal(classifyClose(4002), 'final');
  });

  test('1012 resync after accumulated backoff reconnects at once, once per stable session', () => {
    const { h, sockets, timers, named } = setup();
    for (let i = 0; i < 5; i++) {
      sockets[i].serverClose(1006);
      timers.advance(1000);
    }
    sockets[5].serverOpen(V1);
    sockets[5].serverSend(welcome(false, 0, { epoch: 'U1', seq: 1 }, { epoch: 'B1', seq: 1 }));
    sockets[5].serverClose(1012, 'resync');
    assert.equal(named('reconnecting').at(-1).delayMs, 0);
    timers.advance(0);
    assert.deepEqual(query(sockets[6].url), { since: 'U1:1', bsince: 'B1:1' });
    sockets[6].serverOpen(V1);
    sockets[6].serverSend(welcome(true, 0, { epoch: 'U1', seq: 1 }, { epoch: 'B1', seq: 1 }));
    sockets[6].serverClose(1012, 'resync');
    assert.ok(named('reconnecting').at(-1).delayMs > 0, 'a resync loop backs off');
    timers.advance(1000);
    sockets[7].serverOpen(V1);
    sockets[7].serverSend(welcome(true, 0, { epoch: 'U1', seq: 1 }, { epoch: 'B1', seq: 1 }));
    timers.advance(5000); // stable
    sockets[7].serverClose(1012, 'resync');
    assert.equal(named('reconnecting').at(-1).delayMs, 0);
    h.close();
  });
});

describe('7. bundlers: the default URL only for herald.js as Herald serves it', () => {
  test('file:// and bundled asset URLs need options.url, with a clear message', () => {
    for (const u of ['file:///app/dist/herald.js', 'https://app.example/assets/index-3f9a.js', 'https://app.example/assets/herald-3f9a.js']) {
      assert.throws(() => defaultUrl(u), { name: 'TypeError', message: /options\.url is required/ });
    }
    assert.throws(() => new Herald({ autoConnect: false }), { name: 'TypeError', message: /options\.url is required/ });
    assert.equal(defaultUrl('https://app.example/herald/herald.js?v=2'), 'wss://app.example/herald/ws');
  });
});

describe('8. smaller', () => {
  test('numeric options are validated', () => {
    for (const bad of [{ maxDelayMs: NaN }, { baseDelayMs: 0 }, { baseDelayMs: -1 }, { maxDelayMs: 10, baseDelayMs: 100 }, { stableAfterMs: '5' },
      { maxAttempts: 0 }, { ticketTimeoutMs: 0 }, { connectTimeoutMs: NaN }, { staleAfterMs: -5 }, { baseDelayMs: Infinity }]) {
      assert.throws(() => new Herald({ url: WS_URL, autoConnect: false, ...bad }), RangeError, JSON.stringify(bad));
    }
    new Herald({ url: WS_URL, autoConnect: false, maxAttempts: Infinity, connectTimeoutMs: Infinity });
  });

  test('an async positionStore.load is waited for before the first connect', async () => {
    const { h, sockets } = setup({ positionStore: { load: async () => ({ user: { epoch: 'U1', seq: 9 } }), save: () => {} } });
    assert.equal(sockets.length, 0);
    await flush();
    assert.deepEqual(query(sockets[0].url), { since: 'U1:9' });
    h.close();
  });

  test('a throwing listener without reportError is logged, not thrown (Node would exit)', async () => {
    assert.equal(typeof globalThis.reportError, 'undefined');
    const logged = [];
    const saved = console.error;
    console.error = (e) => logged.push(e);
    try {
      const { h, sockets } = setup();
      h.on('close', () => { throw new Error('boom'); });
      sockets[0].serverClose(1006);
      await flush();
      h.close();
    } finally {
      console.error = saved;
    }
    assert.equal(logged[0]?.message, 'boom');
  });

  test('a message listener that calls close() does not skip the type listeners of that message', () => {
    const { h, sockets } = welcomed();
    const typed = [];
    h.on('message', () => h.close());
    h.on('message:NEWS', (d) => typed.push(d));
    sockets[0].serverSend(msg('user', 'U1', 3, { message: 'NEWS' }));
    assert.deepEqual(typed, [{ message: 'NEWS' }]);
    assert.deepEqual(h.positions.user, { epoch: 'U1', seq: 3 });
  });
});

describe('issue 12: a session closed before its welcome', () => {
  test('4000 before the welcome, again and again: growing backoff (open does not reset it), refused each time', () => {
    const { h, sockets, timers, named } = setup({ maxDelayMs: 800 });
    for (let i = 0; i < 6; i++) {
      sockets[i].serverOpen(V1);
      timers.advance(4999); // open a while, under stableAfterMs
      sockets[i].serverClose(4000, 'slow consumer');
      timers.advance(1000);
    }
    assert.deepEqual(named('reconnecting').map((r) => r.delayMs), [50, 100, 200, 400, 400, 400]);
    assert.deepEqual(named('refused').map((r) => [r.code, r.reason, r.attempt]), [1, 2, 3, 4, 5, 6].map((a) => [4000, 'slow consumer', a]));
    assert.equal(named('ready').length, 0);
    assert.equal(named('close').every((c) => c.ready === false), true);
    h.close();
  });

  test('with maxAttempts it ends in final {reason: "max-attempts"}', () => {
    const { sockets, timers, named } = setup({ maxAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      sockets[i].serverOpen(V1);
      sockets[i].serverClose(4000, 'slow consumer');
      timers.advance(1000);
    }
    assert.equal(sockets.length, 3);
    assert.deepEqual(named('final'), [{ reason: 'max-attempts', attempts: 3, code: 4000, closeReason: 'slow consumer' }]);
    assert.equal(named('close').at(-1).willRetry, false);
  });
});

test('okTicket is what Herald answers (the fakes stay honest)', async () => {
  const res = okTicket('t');
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.deepEqual(await res.json(), { ticket: 't', expiresIn: 30 });
});

describe('the hand-made mutants that survived the old suite', () => {
  test('close() removes every browser listener it added', () =>
    withBrowserGlobals(({ window, document }) => {
      const live = new Map();
      for (const target of [window, document]) {
        const add = target.addEventListener.bind(target);
        const remove = target.removeEventListener.bind(target);
        target.addEventListener = (name, fn) => { live.set(`${name}`, fn); add(name, fn); };
        target.removeEventListener = (name, fn) => { if (live.get(name) === fn) live.delete(name); remove(name, fn); };
      }
      const { h } = setup();
      assert.deepEqual([...live.keys()].sort(), ['offline', 'online', 'pageshow', 'visibilitychange']);
      h.close();
      assert.deepEqual([...live.keys()], []);
    }));

  test('"online" while open or connecting opens no second socket', () =>
    withBrowserGlobals(({ window }) => {
      const { h, sockets } = setup();
      window.dispatchEvent(new Event('online'));
      sockets[0].serverOpen(V1);
      window.dispatchEvent(new Event('online'));
      assert.equal(sockets.length, 1);
      h.close();
    }));

  test('a close listener that calls close() or connect() wins over the scheduled retry', () => {
    const a = setup();
    a.h.on('close', () => a.h.close());
    a.sockets[0].serverClose(1006);
    assert.equal(a.named('reconnecting').length, 0);
    assert.equal(a.timers.pending, 0);
    assert.equal(a.h.state, 'closed');

    const b = setup();
    b.h.once('close', () => b.h.connect());
    b.sockets[0].serverClose(1006);
    assert.equal(b.sockets.length, 2, 'connect() skipped the wait');
    b.timers.advance(1000); // the retry would have been due after 50 ms (under the connect timeout)
    assert.equal(b.sockets.length, 2, 'and no second attempt from the retry');
    b.h.close();
  });

  test('a second welcome in one session is ignored', () => {
    const { h, sockets, named } = welcomed();
    sockets[0].serverSend(welcome(false, 0, { epoch: 'X9', seq: 40 }, { epoch: 'Y9', seq: 40 }));
    assert.deepEqual(h.positions, { user: { epoch: 'U1', seq: 2 }, broadcast: { epoch: 'B1', seq: 5 } });
    assert.equal(named('ready').length, 1);
    assert.equal(named('missed').length, 0);
    h.close();
  });

  test('a positionStore.save that throws (or rejects) is an error event; delivery goes on', async () => {
    const { h, sockets, named } = welcomed({ positionStore: { load: () => null, save: () => { throw new Error('quota'); } } });
    sockets[0].serverSend(msg('user', 'U1', 3, { n: 1 }));
    assert.deepEqual(named('message'), [{ n: 1 }]);
    assert.equal(named('error').at(-1).message, 'quota');
    h.close();
    const r = welcomed({ positionStore: { load: () => null, save: async () => { throw new Error('async quota'); } } });
    await flush();
    assert.equal(r.named('error').at(-1).message, 'async quota');
    r.h.close();
  });
});
