// Issue 18: topics a herald.v1 client subscribes to, re-subscribed after every reconnect with their
// positions; group streams tracked and given back as gsince; the refusal's reason.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { V1 } from '../../main/webapp/herald.js';
import { welcome, welcomed } from './fakes.mjs';

const named = (stream, name, epoch, seq, data) => JSON.stringify({ type: 'herald.message', stream, name, epoch, seq, data });
const sentFrames = (socket) => (socket.sent ?? []).map((text) => JSON.parse(text));

describe('topics', () => {
  test('subscribe asks at once when ready; its messages arrive as topic:<name> and message; unsubscribe tells the server', () => {
    const { h, sockets, named: events } = welcomed();
    const got = [];
    h.on('topic:news', (data) => got.push(data));
    const unsubscribe = h.subscribe('news');
    assert.deepEqual(sentFrames(sockets[0]), [{ type: 'herald.subscribe', topic: 'news' }]);
    sockets[0].serverSend(JSON.stringify({ type: 'herald.subscribed', topic: 'news', recovered: false, replayed: 0, epoch: 'T1', seq: 4 }));
    sockets[0].serverSend(named('topic', 'news', 'T1', 5, { n: 5 }));
    sockets[0].serverSend(named('topic', 'news', 'T1', 5, { n: 5 })); // a duplicate
    assert.deepEqual(got, [{ n: 5 }]);
    assert.deepEqual(events('message').at(-1), { n: 5 });
    assert.equal(h.duplicates, 1);
    unsubscribe();
    assert.deepEqual(sentFrames(sockets[0]).at(-1), { type: 'herald.unsubscribe', topic: 'news' });
    sockets[0].serverSend(named('topic', 'news', 'T1', 6, { n: 6 }));
    assert.deepEqual(got, [{ n: 5 }], 'nothing after unsubscribing');
    assert.deepEqual(h.topics, []);
    h.close();
  });

  test('after a reconnect every topic is asked for again with its last position, in one frame (one of the server\'s inbound rate limit)', () => {
    const { h, sockets, timers } = welcomed();
    h.subscribe('a');
    h.subscribe('b/c');
    sockets[0].serverSend(JSON.stringify({ type: 'herald.subscribed', topic: 'a', epoch: 'T1', seq: 0 }));
    sockets[0].serverSend(named('topic', 'a', 'T1', 1, 'x'));
    sockets[0].serverClose(1001, 'going away');
    timers.advance(1000);
    sockets[1].serverOpen(V1);
    assert.equal(sockets[1].sent, undefined, 'nothing before the welcome');
    sockets[1].serverSend(welcome(true, 0, { epoch: 'U1', seq: 2 }, { epoch: 'B1', seq: 5 }));
    assert.deepEqual(sentFrames(sockets[1]), [
      { type: 'herald.subscribe', topics: [{ topic: 'a', since: 'T1:1' }, { topic: 'b/c' }] },
    ]);
    h.close();
  });

  test('a refusal is an event with its reason, and the topic is not asked for again', () => {
    const { h, sockets, timers, events } = welcomed();
    const refused = [];
    h.on('topicrefused', (info) => refused.push(info));
    h.subscribe('secret');
    sockets[0].serverSend(JSON.stringify({ type: 'herald.refused', topic: 'secret', reason: 'forbidden' }));
    assert.deepEqual(refused, [{ topic: 'secret', reason: 'forbidden' }]);
    assert.deepEqual(h.topics, []);
    sockets[0].serverClose(1001);
    timers.advance(1000);
    sockets[1].serverOpen(V1);
    sockets[1].serverSend(welcome(false, 0, { epoch: 'U1', seq: 2 }, { epoch: 'B1', seq: 5 }));
    assert.equal(sockets[1].sent, undefined);
    assert.equal(events.filter(([n]) => n === 'close').length, 1, 'the socket stayed open until the server closed it');
    assert.throws(() => h.subscribe('not a name'), TypeError);
    h.close();
  });
});

describe('groups', () => {
  test('the welcome names the groups; their messages are tracked and given back as gsince on a reconnect', () => {
    const { h, sockets, timers } = (() => {
      const t = welcomed();
      return t;
    })();
    sockets[0].serverClose(1001);
    timers.advance(1000);
    sockets[1].serverOpen(V1);
    sockets[1].serverSend(JSON.stringify({ type: 'herald.welcome', recovered: false, replayed: 0, user: { epoch: 'U1', seq: 2 },
      broadcast: { epoch: 'B1', seq: 5 }, groups: { 'team:a': { epoch: 'G1', seq: 3 } } }));
    const got = [];
    h.on('group:team:a', (data) => got.push(data));
    sockets[1].serverSend(named('group', 'team:a', 'G1', 4, 'g4'));
    assert.deepEqual(got, ['g4']);
    sockets[1].serverClose(1001);
    timers.advance(1000);
    assert.match(sockets[2].url, /[?&]gsince=team:a@G1:4(&|$)/);
    h.close();
  });

  test('a gap in a group stream reconnects to recover it', () => {
    const { h, sockets } = welcomed();
    sockets[0].serverSend(named('group', 'g', 'G1', 1, 'first'));
    sockets[0].serverSend(named('group', 'g', 'G1', 3, 'after a gap'));
    assert.deepEqual(sockets[0].closedWith, { code: 1000, reason: 'gap' });
    h.close();
  });
});
