// Issue 19 "Expected features": readiness, state, listener management, send, max attempts, the
// namespace of notification types, and liveness after sleep.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { V1 } from '../../main/webapp/herald.js';
import { msg, query, setup, welcome, welcomed, withBrowserGlobals } from './fakes.mjs';

describe('readiness', () => {
  test('ready comes after the replay and welcome, not at open; whenReady() resolves then, at once afterwards', async () => {
    const { h, sockets, events } = setup();
    let resolved = null;
    const p = h.whenReady().then((info) => { resolved = info; });
    sockets[0].serverOpen(V1);
    assert.equal(h.ready, false);
    sockets[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 0 }, null));
    await p;
    assert.equal(h.ready, true);
    assert.deepEqual(resolved, { protocol: V1, reconnect: false, recovered: null, replayed: 0 });
    assert.deepEqual(events.map(([n]) => n), ['open', 'ready']);
    assert.deepEqual(await h.whenReady(), resolved, 'at once, with the same payload');

    sockets[0].serverClose(1006);
    assert.equal(h.ready, false);
    h.close();
  });

  test('on a reconnect, recovered/missed come before ready; ready says what happened', () => {
    const { h, sockets, timers, events, named } = welcomed();
    sockets[0].serverClose(1001, 'going away');
    timers.advance(1000);
    sockets[1].serverOpen(V1);
    sockets[1].serverSend(msg('user', 'U1', 3, { message: 'A' }));
    sockets[1].serverSend(welcome(true, 1, { epoch: 'U1', seq: 3 }, { epoch: 'B1', seq: 5 }));
    assert.deepEqual(events.slice(-3).map(([n]) => n), ['message', 'recovered', 'ready']);
    assert.deepEqual(named('ready').at(-1), { protocol: V1, reconnect: true, recovered: true, replayed: 1 });
    h.close();

    const plain = setup({ recover: false });
    plain.sockets[0].serverOpen();
    plain.sockets[0].serverClose(1006);
    plain.timers.advance(1000);
    plain.sockets[1].serverOpen();
    assert.deepEqual(plain.events.slice(-3).map(([n]) => n), ['open', 'missed', 'ready']);
    assert.deepEqual(plain.named('ready').at(-1), { protocol: 'plain', reconnect: true, recovered: null, replayed: 0 });
    plain.h.close();
  });

  test('whenReady() is rejected by final and by close()', async () => {
    const a = setup();
    const pa = a.h.whenReady();
    a.sockets[0].serverOpen(V1);
    a.sockets[0].serverClose(4002, 'signed out');
    await assert.rejects(pa, (e) => e.info.reason === 'signed-out');
    const b = setup();
    const pb = b.h.whenReady();
    b.h.close();
    await assert.rejects(pb, /closed/);
  });

  test('state changes are events', () => {
    const { h, sockets, timers } = setup({ autoConnect: false });
    const states = [];
    h.on('state', ({ state, previous }) => states.push(`${previous}>${state}`));
    h.connect();
    sockets[0].serverOpen(V1);
    sockets[0].serverClose(1006);
    timers.advance(1000);
    h.close();
    assert.deepEqual(states, ['closed>connecting', 'connecting>open', 'open>reconnecting', 'reconnecting>connecting', 'connecting>closed']);
  });
});

describe('listeners', () => {
  test('once, off(name), off(), and an AbortSignal', () => {
    const { h, sockets } = welcomed();
    const got = [];
    h.once('message', (d) => got.push(['once', d.n]));
    h.on('message:T', (d) => got.push(['T', d.n]));
    const ac = new AbortController();
    h.on('message', (d) => got.push(['signal', d.n]), { signal: ac.signal });
    sockets[0].serverSend(JSON.stringify({ message: 'T', n: 1 }));
    ac.abort();
    sockets[0].serverSend(JSON.stringify({ message: 'T', n: 2 }));
    h.off('message:T');
    sockets[0].serverSend(JSON.stringify({ message: 'T', n: 3 }));
    assert.deepEqual(got, [['once', 1], ['signal', 1], ['T', 1], ['T', 2]]);

    const aborted = AbortSignal.abort();
    h.on('message', () => got.push('never'), { signal: aborted });
    h.off();
    sockets[0].serverSend(JSON.stringify({ message: 'T', n: 4 }));
    assert.equal(got.length, 4);
    assert.throws(() => h.on('message'), TypeError);
    h.close();
  });

  test('notification types have their own namespace: "message":"recovered" never reaches the lifecycle event', () => {
    const { h, sockets, named } = welcomed();
    const typed = [];
    h.on('message:recovered', (d) => typed.push(d));
    h.on('message:ready', (d) => typed.push(d));
    h.on('MFA_REQUIRED', (d) => typed.push(d)); // a bare name that is no lifecycle event: still a type
    sockets[0].serverSend(JSON.stringify({ message: 'recovered' }));
    sockets[0].serverSend(JSON.stringify({ message: 'ready' }));
    sockets[0].serverSend(JSON.stringify({ message: 'MFA_REQUIRED' }));
    assert.deepEqual(typed, [{ message: 'recovered' }, { message: 'ready' }, { message: 'MFA_REQUIRED' }]);
    assert.equal(named('recovered').length, 0);
    assert.equal(named('ready').length, 1, 'only the real one');
    h.close();
  });
});

test('send(json) writes JSON on the open session, false otherwise', () => {
  const { h, sockets } = setup();
  assert.equal(h.send({ a: 1 }), false);
  sockets[0].serverOpen(V1);
  assert.equal(h.send({ a: 1 }), true);
  assert.deepEqual(sockets[0].sent, ['{"a":1}']);
  assert.throws(() => h.send(undefined), TypeError);
  h.close();
  assert.equal(h.send({ a: 2 }), false);
});

describe('liveness after sleep or wake', () => {
  test('a tick that comes far too late (the machine slept) drops the socket and recovers', () => {
    const { h, sockets, timers, named } = welcomed({ staleAfterMs: 60000 });
    timers.advance(120000); // awake and idle: ticks on time, nothing happens
    assert.equal(sockets[0].closedWith, null);
    timers.sleep(90000);
    timers.advance(0);
    assert.deepEqual(sockets[0].closedWith, { code: 1000, reason: 'stale' });
    assert.equal(named('close').at(-1).local, true);
    timers.advance(1000);
    assert.deepEqual(query(sockets[1].url), { since: 'U1:2', bsince: 'B1:5' });
    h.close();
  });

  test('pageshow or visibilitychange after a long pause checks at once; a short one does not', () =>
    withBrowserGlobals(({ window, document }) => {
      const { h, sockets, timers } = welcomed({ staleAfterMs: 60000 });
      timers.sleep(30000);
      window.dispatchEvent(new Event('pageshow'));
      assert.equal(sockets[0].closedWith, null);
      timers.sleep(70000);
      document.visibilityState = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
      assert.equal(sockets[0].closedWith, null, 'hidden: not now');
      document.visibilityState = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
      assert.deepEqual(sockets[0].closedWith, { code: 1000, reason: 'stale' });
      h.close();
    }));

  test('idleTimeoutMs: no frame for that long while ready drops the socket (for servers that send heartbeat frames)', () => {
    const { h, sockets, timers } = welcomed({ idleTimeoutMs: 30000 });
    timers.advance(25000);
    sockets[0].serverSend(JSON.stringify({ type: 'herald.ping' })); // any frame counts, even an unknown herald.* one
    timers.advance(25000);
    assert.equal(sockets[0].closedWith, null);
    timers.advance(10000);
    assert.deepEqual(sockets[0].closedWith, { code: 1000, reason: 'idle' });
    h.close();
  });
});

describe('details', () => {
  test('close reasons are not read: a reason of another cause changes nothing', async () => {
    const { classifyClose } = await import('../../main/webapp/herald.js');
    assert.equal(classifyClose(4007, 'session limit'), 'retry');
    assert.equal(classifyClose(4006, 'rate limit'), 'final');
    assert.equal(classifyClose(1012, 'service restart'), 'resync');
  });

  test('socket errors of the current socket are error events; those of a replaced one are not', () => {
    const { h, sockets, timers, named } = setup();
    const first = sockets[0];
    first.onerror({ type: 'error' });
    assert.deepEqual(named('error'), [{ type: 'error' }]);
    first.serverClose(1006);
    timers.advance(1000);
    first.onerror?.({ type: 'error' });
    first.serverSend('{"message":"stale"}');
    assert.equal(named('error').length, 1);
    assert.equal(named('message').length, 0);
    h.close();
  });

  test('a WebSocket constructor that throws (a bad URL) is final {reason: "error"} at once', () => {
    const boom = new SyntaxError('bad url');
    const { h, named } = setup({ autoConnect: false, WebSocketImpl: class { constructor() { throw boom; } } });
    h.connect();
    assert.deepEqual(named('final'), [{ reason: 'error', error: boom }]);
    assert.deepEqual(named('error'), [boom]);
    assert.equal(h.state, 'closed');
  });

  test('a failed ticket request says why in reconnecting', async () => {
    const { h, named } = setup({ ticketUrl: 'https://app.example/t', responses: [new TypeError('Failed to fetch')] });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(named('reconnecting'), [{ delayMs: 50, attempt: 1, code: null, reason: 'Failed to fetch' }]);
    h.close();
  });

  test('connect() is a no-op while connecting or open, and skips a backoff wait', () => {
    const { h, sockets, timers } = setup();
    h.connect();
    assert.equal(sockets.length, 1);
    sockets[0].serverOpen(V1);
    h.connect();
    assert.equal(sockets.length, 1);
    sockets[0].serverClose(1006);
    h.connect();
    assert.equal(sockets.length, 2);
    timers.advance(1000);
    assert.equal(sockets.length, 2);
    h.close();
    h.close(); // twice: one close event
  });
});
