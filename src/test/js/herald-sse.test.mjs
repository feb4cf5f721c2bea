// The Server-Sent Events transport (docs/sse.md, docs/client.md "SSE fallback"): transport 'sse', the automatic
// fallback when the WebSocket upgrade keeps failing while HTTP gets through, and the same events either way.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sseUrlOf } from '../../main/webapp/herald-sse.js';
import { TICKET_URL, flush, msg, query, setup, welcome } from './fakes.mjs';

let unique = 0;

/** A fake EventSource driven by the test, as Herald's stream behaves (herald.stream first, then frames). */
function eventSources() {
  const sources = [];
  class FakeEventSource extends EventTarget {
    constructor(url, init) {
      super();
      this.url = url;
      this.init = init;
      this.closed = false;
      sources.push(this);
    }
    close() {
      this.closed = true;
    }
    serverEvent(type, data) {
      this.dispatchEvent(new MessageEvent(type, { data }));
    }
    serverOpen(id = 'stream-1') {
      this.serverEvent('herald.stream', JSON.stringify({ id }));
    }
    serverSend(frame) {
      this.serverEvent('message', frame);
    }
    serverClose(code, reason) {
      this.serverEvent('herald.close', JSON.stringify({ code, reason }));
    }
    fail() {
      this.dispatchEvent(new Event('error'));
    }
  }
  return { sources, FakeEventSource };
}

/** A client with a fake EventSource; every test has an SSE URL of its own (a working fallback is remembered per URL). */
function sseSetup(options = {}) {
  const { sources, FakeEventSource } = eventSources();
  const sseUrl = `https://app${++unique}.example/herald/api/sse`;
  const t = setup({ EventSourceImpl: FakeEventSource, sseUrl, ...options });
  return { ...t, sources, sseUrl };
}

test('the SSE URL sits beside the socket: …/herald/ws → …/herald/api/sse, ws → http, wss → https', () => {
  assert.equal(sseUrlOf('wss://app.example/herald/ws'), 'https://app.example/herald/api/sse');
  assert.equal(sseUrlOf('ws://localhost:8080/ctx/herald/ws'), 'http://localhost:8080/ctx/herald/api/sse');
  assert.equal(sseUrlOf('not a url'), null);
});

describe("transport: 'sse'", () => {
  test('opens a stream with the ticket, is a herald.v1 session, delivers and reports transport sse', async () => {
    const { h, sources, sockets, named, fetchCalls, sseUrl } = sseSetup({ transport: 'sse', ticketUrl: TICKET_URL });
    await flush();
    assert.equal(sockets.length, 0, 'no WebSocket at all');
    assert.equal(sources.length, 1);
    assert.equal(query(sources[0].url).ticket, 't/1+=');
    assert.equal(sources[0].init.withCredentials, true);
    assert.equal(h.transport, null, 'not open yet');
    sources[0].serverOpen();
    assert.equal(h.state, 'open');
    assert.equal(h.protocol, 'herald.v1');
    assert.equal(h.transport, 'sse');
    sources[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 0 }, { epoch: 'B1', seq: 4 }));
    assert.equal(h.ready, true);
    sources[0].serverSend(msg('user', 'U1', 1, { message: 'MFA_REQUIRED' }));
    sources[0].serverSend(msg('broadcast', 'B1', 5, { message: 'to all' }));
    assert.deepEqual(named('message'), [{ message: 'MFA_REQUIRED' }, { message: 'to all' }]);
    assert.deepEqual(h.positions, { user: { epoch: 'U1', seq: 1 }, broadcast: { epoch: 'B1', seq: 5 } });

    assert.equal(h.send({ type: 'ack', n: 1 }), true);
    await flush();
    const post = fetchCalls.at(-1);
    assert.equal(post.url, `${sseUrl}/stream-1/messages`);
    assert.equal(post.init.method, 'POST');
    assert.equal(post.init.body, '{"type":"ack","n":1}');
    assert.equal(post.init.headers['Content-Type'], 'application/json');
  });

  test('a lost stream reconnects with a fresh ticket and its positions, and recovers', async () => {
    const { h, sources, timers, named } = sseSetup({ transport: 'sse', ticketUrl: TICKET_URL });
    await flush();
    sources[0].serverOpen();
    sources[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 2 }, { epoch: 'B1', seq: 5 }));
    sources[0].fail(); // the network went away
    assert.equal(sources[0].closed, true, "the EventSource's own reconnect is stopped");
    assert.equal(named('close').at(-1).code, 1006);
    assert.equal(h.state, 'reconnecting');
    timers.advance(1000);
    await flush();
    assert.equal(sources.length, 2);
    assert.deepEqual({ ...query(sources[1].url) }, { since: 'U1:2', bsince: 'B1:5', ticket: 't/2+=' });
    sources[1].serverOpen('stream-2');
    sources[1].serverSend(msg('user', 'U1', 3, { n: 3 }));
    sources[1].serverSend(welcome(true, 1, { epoch: 'U1', seq: 3 }, { epoch: 'B1', seq: 5 }));
    assert.deepEqual(named('recovered'), [{ replayed: 1 }]);
    assert.deepEqual(named('message').at(-1), { n: 3 });
    assert.equal(h.transport, 'sse');
  });

  test("the stream's herald.close is a close with that code: 4006 is final session-limit", async () => {
    const { sources, named } = sseSetup({ transport: 'sse' });
    await flush();
    sources[0].serverOpen();
    sources[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 0 }, { epoch: 'B1', seq: 0 }));
    sources[0].serverClose(4006, 'session limit');
    assert.deepEqual(named('close').at(-1), { code: 4006, reason: 'session limit', wasClean: true, willRetry: false, ready: true });
    assert.equal(named('final')[0].reason, 'session-limit');
    assert.equal(sources[0].closed, true);
  });

  test('close() closes the stream', async () => {
    const { h, sources } = sseSetup({ transport: 'sse' });
    await flush();
    sources[0].serverOpen();
    h.close();
    assert.equal(sources[0].closed, true);
    assert.equal(h.transport, null);
  });

  test('a bad transport is a RangeError; sse without EventSource a TypeError', () => {
    assert.throws(() => setup({ transport: 'carrier-pigeon' }), RangeError);
    assert.throws(() => setup({ transport: 'sse', EventSourceImpl: undefined }), TypeError);
  });
});

describe('automatic fallback', () => {
  test('upgrades that fail before opening while the ticket comes: herald.v1 twice, plain once, then SSE, remembered for the page', async () => {
    const { h, sockets, sources, timers, sseUrl, named } = sseSetup({ ticketUrl: TICKET_URL });
    await flush();
    sockets[0].serverClose(1006);
    timers.advance(1000);
    await flush();
    assert.equal(sources.length, 0, 'one failure is no proxy yet');
    sockets[1].serverClose(1006);
    timers.advance(1000);
    await flush();
    assert.equal(sources.length, 0, 'two failed herald.v1 upgrades: the plain fallback has its try first (an older server)');
    assert.equal(sockets.length, 3);
    assert.deepEqual(sockets[2].protocols ?? [], [], 'the third upgrade is plain');
    sockets[2].serverClose(1006);
    timers.advance(4000);
    await flush();
    assert.equal(sockets.length, 3, 'no fourth upgrade');
    assert.equal(sources.length, 1);
    assert.ok(sources[0].url.startsWith(sseUrl));
    sources[0].serverOpen();
    sources[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 0 }, { epoch: 'B1', seq: 0 }));
    assert.equal(h.transport, 'sse');
    assert.equal(named('ready').length, 1);

    // Another client of the same page and endpoint starts with the stream.
    const { FakeEventSource, sources: later } = eventSources();
    const { sockets: none } = setup({ EventSourceImpl: FakeEventSource, sseUrl });
    await flush();
    assert.equal(none.length, 0);
    assert.equal(later.length, 1);
  });

  test('a WebSocket that opens resets the count: failures must come in a row', async () => {
    const { sockets, sources, timers } = sseSetup();
    await flush();
    sockets[0].serverClose(1006);
    timers.advance(1000);
    await flush();
    sockets[1].serverOpen('herald.v1');
    sockets[1].serverClose(1006); // a socket that opened and then broke: no sign of a proxy
    timers.advance(1000);
    await flush();
    sockets[2].serverClose(1006);
    timers.advance(2000);
    await flush();
    assert.equal(sources.length, 0);
    assert.equal(sockets.length, 4);
  });

  test('a fallback stream that fails before opening goes back to WebSocket', async () => {
    const { sockets, sources, timers } = sseSetup({ sseFallbackAfter: 1 });
    await flush();
    sockets[0].serverClose(1006);
    timers.advance(1000);
    await flush();
    assert.equal(sources.length, 1);
    sources[0].fail();
    timers.advance(2000);
    await flush();
    assert.equal(sockets.length, 2, 'WebSocket again');
  });

  test("transport: 'websocket' never falls back", async () => {
    const { sockets, sources, timers } = sseSetup({ transport: 'websocket', sseFallbackAfter: 1 });
    await flush();
    for (let i = 0; i < 3; i++) {
      sockets.at(-1).serverClose(1006);
      timers.advance(2000);
      await flush();
    }
    assert.equal(sources.length, 0);
    assert.equal(sockets.length, 4);
  });
});
