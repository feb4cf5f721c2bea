// Tab sharing (opt-in `share`): one tab holds the socket (a Web Lock), the others get its messages over a
// BroadcastChannel (Node's, which works between instances in one process), and take over when it goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { V1 } from '../../main/webapp/herald.js';
import { msg, query, setup, welcome } from './fakes.mjs';

/** Web Locks (exclusive, queued, abortable while waiting), as navigator.locks does it. */
function fakeLocks() {
  const queues = new Map();
  const grant = (name) => {
    const q = queues.get(name);
    const head = q[0];
    if (!head) return;
    Promise.resolve()
      .then(() => head.callback({ name }))
      .then((value) => {
        q.shift();
        head.resolve(value);
        grant(name);
      });
  };
  return {
    request(name, { signal }, callback) {
      return new Promise((resolve, reject) => {
        if (!queues.has(name)) queues.set(name, []);
        const q = queues.get(name);
        const entry = { callback, resolve };
        q.push(entry);
        signal?.addEventListener('abort', () => {
          const i = q.indexOf(entry);
          if (i > 0) {
            q.splice(i, 1);
            reject(new DOMException('aborted', 'AbortError'));
          }
        });
        if (q.length === 1) grant(name);
      });
    },
  };
}

/** Waits (on the event loop, no timers) until cond() holds. */
async function until(what, cond) {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`timed out waiting: ${what}`);
}

test('one socket for two tabs: the follower gets messages, readiness and positions, sends through the leader, and takes over with recovery', async () => {
  const locks = fakeLocks();
  const options = { share: 'user-1', locks, BroadcastChannelImpl: BroadcastChannel };
  const a = setup(options);
  await until('a leads', () => a.h.role === 'leader' && a.sockets.length === 1);
  const b = setup(options);
  await until('b follows', () => b.h.role === 'follower');
  assert.equal(b.sockets.length, 0);

  a.sockets[0].serverOpen(V1);
  a.sockets[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 2 }, { epoch: 'B1', seq: 5 }));
  await until('b ready', () => b.h.ready);
  assert.equal(b.h.state, 'open');
  assert.equal(b.h.protocol, V1);
  assert.equal(b.named('ready').length, 1);
  assert.deepEqual(await b.h.whenReady(), { protocol: V1, reconnect: false, recovered: null, replayed: 0 });
  const c = setup(options); // a tab opened later learns the state from the leader
  await until('c ready', () => c.h.ready);
  assert.deepEqual(await c.h.whenReady(), { protocol: V1, reconnect: false, recovered: null, replayed: 0 });
  assert.deepEqual(c.h.positions, { user: { epoch: 'U1', seq: 2 }, broadcast: { epoch: 'B1', seq: 5 } });
  c.h.close();

  a.sockets[0].serverSend(msg('user', 'U1', 3, { message: 'MFA_REQUIRED', text: 'code?' }));
  const typed = [];
  b.h.on('message:MFA_REQUIRED', (d) => typed.push(d));
  await until('b got it', () => b.named('message').length === 1);
  assert.deepEqual(b.named('message'), [{ message: 'MFA_REQUIRED', text: 'code?' }]);
  assert.deepEqual(typed, [{ message: 'MFA_REQUIRED', text: 'code?' }]);
  assert.deepEqual(b.h.positions.user, { epoch: 'U1', seq: 3 });

  assert.equal(b.h.send({ answer: 42 }), true);
  await until('sent through a', () => a.sockets[0].sent?.length === 1);
  assert.deepEqual(a.sockets[0].sent, ['{"answer":42}']);

  a.h.close(); // the tab goes: b connects, from where a was
  await until('b leads', () => b.h.role === 'leader' && b.sockets.length === 1);
  assert.deepEqual(query(b.sockets[0].url), { since: 'U1:3', bsince: 'B1:5' });
  b.h.close();
  assert.equal(b.h.role, null);
});

test('a final in the leading tab stops every tab', async () => {
  const locks = fakeLocks();
  const options = { share: 'user-2', locks, BroadcastChannelImpl: BroadcastChannel };
  const a = setup(options);
  await until('a leads', () => a.h.role === 'leader');
  const b = setup(options);
  await until('b follows', () => b.h.role === 'follower');
  a.sockets[0].serverOpen(V1);
  a.sockets[0].serverClose(4002, 'signed out');
  await until('b final', () => b.named('final').length === 1);
  assert.equal(b.named('final')[0].reason, 'signed-out');
  assert.equal(b.h.state, 'closed');
  // b may have won the lock before the final reached it: whatever it opened is closed again
  assert.equal(b.sockets.every((s) => s.closedWith !== null), true);
  assert.equal(b.h.role, null);
});

test('without Web Locks or BroadcastChannel, share is ignored: every tab has its socket', () => {
  const a = setup({ share: true, locks: undefined, BroadcastChannelImpl: BroadcastChannel });
  assert.equal(a.sockets.length, 1);
  assert.equal(a.h.role, null);
  a.h.close();
});

test('the leading tab relays its lifecycle events, DOM events and errors reduced to what survives cloning', async () => {
  const locks = fakeLocks();
  const options = { share: 'user-3', locks, BroadcastChannelImpl: BroadcastChannel };
  const a = setup(options);
  await until('a leads', () => a.h.role === 'leader');
  const b = setup(options);
  await until('b follows', () => b.h.role === 'follower');
  a.sockets[0].protocol = V1;
  a.sockets[0].onopen(new Event('open')); // a real DOM-like event: not cloneable as is
  a.sockets[0].serverSend('{bad');
  a.sockets[0].serverSend(welcome(false, 0, { epoch: 'U1', seq: 1 }, null));
  a.sockets[0].serverClose(1006);
  a.timers.advance(1000);
  a.sockets[1].serverOpen(V1);
  a.sockets[1].serverClose(4000, 'slow consumer');
  a.timers.advance(1000);
  a.sockets[2].serverOpen(V1);
  a.sockets[2].serverSend(welcome(true, 0, { epoch: 'U1', seq: 1 }, null));
  await until('b saw recovered', () => b.named('recovered').length === 1);
  assert.deepEqual(b.named('open')[0], { type: 'open' });
  assert.equal(b.named('parseerror')[0].data, '{bad');
  assert.match(b.named('parseerror')[0].error, /SyntaxError/);
  assert.deepEqual(b.named('close').map((c) => c.code), [1006, 4000]);
  assert.deepEqual(b.named('refused').map((r) => r.code), [4000]);
  assert.equal(b.named('reconnecting').length, 2);
  a.sockets[2].serverClose(1001, 'going away');
  a.timers.advance(1000);
  a.sockets[3].serverOpen(V1);
  a.sockets[3].serverSend(welcome(false, 0, { epoch: 'U2', seq: 1 }, null));
  await until('b saw missed', () => b.named('missed').length === 1);
  a.h.close();
  b.h.close();
});
