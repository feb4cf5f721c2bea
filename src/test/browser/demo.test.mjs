// Browser tests of the demo page and herald.js: headless Chromium (chromium.mjs) against the demo WAR on Payara Micro.
// Run by `mvn verify` (after the WAR is built, its npm packages installed by install.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { DemoPage } from './demo-page.mjs';
import { DemoServer } from './demo-server.mjs';
import { NoUpgradeProxy } from './no-upgrade-proxy.mjs';
import { OpsPage } from './ops-page.mjs';
import { SocketPath } from './socket-path.mjs';

const SHOTS = fileURLToPath(new URL('../../../target/browser/', import.meta.url));
const RECONNECT_DEADLINE_MS = 180_000;
const ALICE = 1;
const BOB = 2;
const CAROL = 3;
/** Well-formed (the handshake filter lets it through) but never issued: the server refuses it after the 101. */
const BOGUS_TICKET = 'A'.repeat(43);
const V1 = 'herald.v1';

let server;
let browser;
const pages = [];
/** Signed-in pages by user name, shared by the tests (a test opens the ones it needs if missing). */
const signedIn = new Map();

/** @param {(page: import('playwright-core').Page) => Promise<unknown>} [prepare] runs before the page loads */
async function openPage(prepare) {
  const page = await DemoPage.open(browser, server.url, prepare);
  pages.push(page);
  return page;
}

/** The page on which `user` is signed in and connected, opened now if there is none. */
async function pageOf(user) {
  if (!signedIn.has(user)) {
    const page = await openPage();
    await page.signIn(user);
    signedIn.set(user, page);
  }
  return signedIn.get(user);
}

async function closePageOf(user) {
  await signedIn.get(user)?.close();
  signedIn.delete(user);
}

function basic(user) {
  return { Authorization: `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}` };
}

/** Asks the server (as ops) whether a user has a live session. */
async function connected(userId) {
  const res = await fetch(new URL(`api/connections/${userId}`, server.url), {
    headers: { Authorization: `Basic ${Buffer.from('ops:ops').toString('base64')}` },
  });
  assert.equal(res.status, 200);
  return (await res.json()).connected;
}

/** Sends a notification to a user (as ops) through the REST API. */
async function notify(userId, body) {
  const res = await fetch(new URL(`api/notifications/${userId}`, server.url), {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from('ops:ops').toString('base64')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
}

/** Polls a condition until it holds; fails after a deadline so that a broken feature cannot hang the build. */
async function waitUntil(what, condition, deadlineMs = 60_000) {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  browser = await launchChromium();
  server = await DemoServer.create();
  await server.start();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a targeted notification appears only on its user\'s page, a broadcast on every page', async () => {
  const alice = await pageOf('alice');
  const bob = await pageOf('bob');

  const targeted = await alice.send({ to: BOB, text: 'For bob only' });
  assert.equal(targeted.status, 200);
  assert.match(targeted.text, /delivered to 1 session\(s\) of bob/);
  const broadcast = await alice.send({ to: '', type: 'NEWS', text: 'Hello everyone' });
  assert.equal(broadcast.status, 200);

  await bob.waitForNotification('Hello everyone');
  await alice.waitForNotification('Hello everyone');
  // Each session receives in send order, so alice's broadcast is behind anything else sent to her.
  assert.deepEqual(await alice.feed(), [{ type: 'NEWS', text: 'Hello everyone' }]);
  assert.deepEqual(await bob.feed(), [{ type: 'INFO', text: 'For bob only' }, { type: 'NEWS', text: 'Hello everyone' }]);
});

test('a topic two users join: what is sent to it reaches both pages that joined, not a page that did not', async () => {
  const alice = await openPage(); // pages of their own: the shared pages' feeds stay as the other tests expect
  const bob = await openPage();
  const carol = await openPage();
  await alice.signIn('alice');
  await bob.signIn('bob');
  await carol.signIn('carol');
  await alice.joinTopic();
  await bob.joinTopic();

  const sent = await carol.send({ to: 'topic:demo.lobby', type: 'LOBBY', text: 'Hello lobby' });
  assert.equal(sent.status, 200);
  assert.match(sent.text, /delivered to 2 session\(s\)/);
  await alice.waitForNotification('Hello lobby');
  await bob.waitForNotification('Hello lobby');
  await carol.send({ to: CAROL, text: 'After the lobby' }); // carol's next notification: nothing came before it
  await carol.waitForNotification('After the lobby');
  assert.deepEqual(await carol.feed(), [{ type: 'INFO', text: 'After the lobby' }]);
  for (const page of [alice, bob, carol]) await page.close();
});

test('a signed-in user without a Herald user id is told the connection stopped for good', async () => {
  const dave = await openPage();
  await dave.page.click('#signin button[data-user="dave"]');
  await dave.waitForState('final');
  assert.match(await dave.stateText(), /stopped: the ticket request was refused \(HTTP 403\)/);
  await dave.close();
});

test('MFA flow: the code prompt shows on the connected user\'s page', async () => {
  const alice = await pageOf('alice');
  const bob = await pageOf('bob');
  assert.equal(await bob.mfaPrompt.isVisible(), false);

  const result = await alice.requireMfa(BOB);
  assert.equal(result.status, 200);
  assert.match(result.text, /MFA for bob\s+delivered to 1 session\(s\) of bob/);

  await bob.mfaPrompt.waitFor({ state: 'visible' });
  assert.match(await bob.mfaPrompt.innerText(), /enter the 6-digit code/);
  await bob.page.fill('#mfa-code', '123456');
  await bob.page.click('#mfa-code-form button[type="submit"]');
  await bob.page.locator('#mfa-done', { hasText: 'Code 123456 entered' }).waitFor();
  await bob.screenshot(`${SHOTS}demo-mfa-prompt.png`);
  assert.equal(await alice.mfaPrompt.isVisible(), false);
});

test('MFA flow: the 400 problem shows when the user\'s page is closed', async () => {
  const alice = await pageOf('alice');
  await pageOf('bob');
  await closePageOf('bob');
  // Closing the page closes its socket; wait until the server has seen that.
  await waitUntil('bob is disconnected', async () => !(await connected(BOB)));

  const result = await alice.requireMfa(BOB);
  assert.equal(result.status, 400);
  assert.equal(result.code, 'MFA_REQUIRED');
  assert.match(result.text, /400 Bad Request: No active WebSocket connection for user 2 \[MFA_REQUIRED\]/);
  assert.equal(await connected(ALICE), true, 'alice stays connected');
});

test('a page that was offline gets exactly the notifications it missed, in order, and says so', async () => {
  const alice = await pageOf('alice');
  const bob = await pageOf('bob');
  const before = await alice.feed();

  // Chromium's offline emulation keeps an open WebSocket and holds its frames until the network is back,
  // so the socket would survive and deliver them; herald.js itself closes a herald.v1 session on 'offline'.
  await alice.context.setOffline(true);
  await alice.waitForState('offline');
  const missed = [
    { to: ALICE, type: 'INFO', text: 'Missed 1' },
    { to: ALICE, type: 'INFO', text: 'Missed 2' },
    { to: ALICE, type: 'INFO', text: 'Missed 3' },
    { to: '', type: 'NEWS', text: 'Missed broadcast' },
  ];
  for (const notification of missed) assert.equal((await bob.send(notification)).status, 200);
  await bob.waitForNotification('Missed broadcast');
  assert.deepEqual(await alice.feed(), before, 'nothing reaches the offline page');

  await alice.context.setOffline(false);
  // The count comes from the server's herald.welcome: these 4 came by replay, not over the old socket.
  await alice.waitForStateText('reconnected: 4 missed notifications recovered');
  await alice.send({ to: ALICE, text: 'Live after recovery' });
  await alice.waitForNotification('Live after recovery');
  const expected = [...missed.map(({ type, text }) => ({ type, text })), { type: 'INFO', text: 'Live after recovery' }];
  assert.deepEqual((await alice.feed()).slice(before.length), expected, 'each once, in send order, then live ones');
  assert.equal((await bob.feed()).filter((n) => n.text === 'Missed broadcast').length, 1);
  await alice.screenshot(`${SHOTS}demo-recovered.png`);
});

test('through a proxy that refuses the WebSocket upgrade the page falls back to SSE: targeted, broadcast, MFA, recovery', async () => {
  const proxy = await NoUpgradeProxy.start(server.url);
  const carol = await DemoPage.open(browser, proxy.url);
  pages.push(carol);
  try {
    await carol.signIn('carol');
    assert.equal(await carol.page.getAttribute('#state', 'data-transport'), 'sse');
    assert.ok(proxy.refusedUpgrades >= 2, `${proxy.refusedUpgrades} upgrades refused`);
    const alice = await pageOf('alice');

    assert.equal((await alice.send({ to: CAROL, text: 'For carol over SSE' })).status, 200);
    await carol.waitForNotification('For carol over SSE');
    assert.equal((await alice.send({ to: '', type: 'NEWS', text: 'Everyone, SSE too' })).status, 200);
    await carol.waitForNotification('Everyone, SSE too');
    const mfa = await alice.requireMfa(CAROL);
    assert.equal(mfa.status, 200, 'the MFA check counts the stream');
    await carol.mfaPrompt.waitFor({ state: 'visible' });

    await carol.context.setOffline(true);
    await carol.waitForState('offline');
    assert.equal((await alice.send({ to: CAROL, text: 'Missed over SSE' })).status, 200);
    await carol.context.setOffline(false);
    await carol.waitForStateText('reconnected: 1 missed notification recovered');
    await carol.waitForNotification('Missed over SSE');
    assert.equal(await carol.page.getAttribute('#state', 'data-transport'), 'sse', 'remembered for the page: no new upgrade attempts');
    const texts = (await carol.feed()).map((n) => n.text);
    for (const text of ['For carol over SSE', 'Everyone, SSE too', 'Missed over SSE']) {
      assert.equal(texts.filter((t) => t === text).length, 1, `${text}: once`);
    }
    await carol.screenshot(`${SHOTS}demo-sse.png`);
  } finally {
    await carol.close();
    await proxy.close();
  }
});

test('a plain client (herald.js with recover: false) still receives the bare JSON', async () => {
  const page = await openPage();
  const protocol = await page.page.evaluate(async () => {
    const { Herald } = await import('./herald.js');
    const frames = [];
    window.plainFrames = frames;
    const herald = new Herald({
      ticketUrl: new URL('api/ws/ticket', location.href),
      headers: { Authorization: `Basic ${btoa('carol:carol')}` },
      recover: false,
    });
    herald.on('message', (data, event) => frames.push(event.data));
    await new Promise((resolve) => herald.on('open', resolve));
    return herald.protocol;
  });
  assert.equal(protocol, 'plain');
  const body = { message: 'INFO', text: 'Bare for a plain client', n: 1 };
  await notify(CAROL, body);
  await page.page.waitForFunction(() => window.plainFrames.length > 0);
  assert.deepEqual(await page.page.evaluate(() => window.plainFrames), [JSON.stringify(body)]);
  await page.close();
});

test('tickets refused before the upgrade (401): a fresh ticket every attempt, never shown as connected, then connected', async () => {
  let tickets = 0;
  let refusing = true;
  const page = await openPage(async (p) => {
    await p.route('**/api/ws/ticket', (route) => {
      tickets++;
      if (!refusing) return route.continue();
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ticket: BOGUS_TICKET }) });
    });
  });
  await page.page.click('#signin button[data-user="alice"]');
  // The server refuses each bogus ticket before the upgrade, so the page sees an upgrade that failed, not a session.
  await waitUntil('three refused tickets', async () => tickets >= 3);
  const states = await page.states();
  assert.ok(!states.some((state) => state.startsWith('open') || state === 'connected'), `never connected: ${states.join(' | ')}`);
  assert.ok(states.some((state) => state.startsWith('reconnecting')), states.join(' | '));
  refusing = false;
  // By then the page may have fallen back to SSE (each refused upgrade counts towards it): connected either way.
  await waitUntil('connected once the tickets are good', async () => (await page.stateText()).startsWith('connected'));
  await notify(ALICE, { message: 'INFO', text: 'After refused tickets' });
  await page.waitForNotification('After refused tickets');
  await page.close();
});

test('after one refused ticket the fresh one connects: "connected", no false "missing"', async () => {
  let refuse = 1;
  const page = await openPage((p) => p.route('**/api/ws/ticket', (route) => {
    if (refuse-- <= 0) return route.continue();
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ticket: BOGUS_TICKET }) });
  }));
  await page.signIn('carol');
  // A refused upgrade is not a session: the first real one is a first connect, with nothing to have missed.
  assert.equal(await page.stateText(), 'connected');
  const states = await page.states();
  assert.ok(states.some((state) => state.startsWith('reconnecting')), states.join(' | '));
  await notify(CAROL, { message: 'INFO', text: 'After a refused ticket' });
  await page.waitForNotification('After a refused ticket');
  await page.close();
});

/**
 * Signs a fresh page in as `user` with its sockets routed through a SocketPath, lets it see one message (its
 * position is held in sessionStorage), takes the socket path down and sends `during` meanwhile; then reloads
 * with the outage ending after the reloaded page's first `failures` handshakes. Resolves once it is connected.
 */
async function reloadDuringOutage(user, userId, failures, during) {
  let path;
  const page = await openPage(async (p) => {
    path = await SocketPath.route(p);
  });
  await page.signIn(user);
  await notify(userId, { message: 'INFO', text: 'Before the outage' });
  await page.waitForNotification('Before the outage');
  const held = await page.page.evaluate((key) => JSON.parse(sessionStorage.getItem(key)), `herald-demo.positions.${user}`);
  assert.ok(held?.user, `the position is held: ${JSON.stringify(held)}`);

  await path.down();
  await page.waitForState('reconnecting');
  for (const text of during) await notify(userId, { message: 'INFO', text });
  path.failNextDocument(failures);
  await page.page.reload();
  await page.waitForState('open');
  return { page, path };
}

test('a reload during an outage keeps the held positions for the next herald.v1 session: it recovers what was missed', async () => {
  const during = ['During the outage 1', 'During the outage 2'];
  const { page, path } = await reloadDuringOutage('alice', ALICE, 1, during);
  // One failed handshake is no reason to give up herald.v1: the next attempt asks for it again.
  assert.deepEqual(path.attemptsOfThisDocument(), [{ failed: true, protocols: [V1] }, { failed: false, protocols: [V1] }]);
  assert.equal(await page.stateText(), 'reconnected: 2 missed notifications recovered');
  assert.deepEqual((await page.feed()).map((n) => n.text), during, 'replayed from the held position, in order');
  await page.close();
});

test('a reload during a longer outage falls back to plain only after two failed herald.v1 attempts, and says so', async () => {
  const { page, path } = await reloadDuringOutage('bob', BOB, 2, ['Lost to a plain session']);
  assert.deepEqual(path.attemptsOfThisDocument(), [
    { failed: true, protocols: [V1] },
    { failed: true, protocols: [V1] },
    { failed: false, protocols: [] },
  ]);
  // A plain session cannot recover: dropping the held positions must be said, never silent.
  assert.equal(await page.stateText(), 'reconnected: some notifications may be missing');
  await notify(BOB, { message: 'INFO', text: 'Live on the plain session' });
  await page.waitForNotification('Live on the plain session');
  await page.close();
});

test('the operations page is for herald-sender only, and its numbers and charts move', async () => {
  const opsUrl = new URL('ops/', server.url);
  assert.equal((await fetch(opsUrl)).status, 401);
  assert.equal((await fetch(opsUrl, { headers: basic('alice') })).status, 403);
  assert.equal((await fetch(opsUrl, { headers: basic('ops') })).status, 200);

  const ops = await OpsPage.open(browser, server.url, 'ops');
  pages.push(ops);
  await ops.waitForLive();
  assert.equal(await ops.page.textContent('#redis'), 'not used (single node)');
  const before = await ops.number('openSessions');
  const carol = await openPage();
  await carol.signIn('carol');
  await waitUntil('the page counts carol\'s session', async () => (await ops.number('openSessions')) > before);
  assert.ok((await ops.number('connectedUsers')) >= 1);

  const samples = await ops.samples('chart-rate');
  let sent = 0;
  await waitUntil('the page shows messages per second above 0', async () => {
    await notify(CAROL, { message: 'INFO', text: `Load ${++sent}` });
    return (await ops.number('messageRate')) > 0;
  });
  await waitUntil('the charts took 10 more samples under load', async () => {
    await notify(CAROL, { message: 'INFO', text: `Load ${++sent}` });
    return (await ops.samples('chart-rate')) >= Math.min(samples + 10, 60);
  });
  assert.match(await ops.page.textContent('#chart-rate title'), /^Messages per second: now \d+\.\d, at most \d+\.\d in the last 60 s$/);
  await ops.screenshot(`${SHOTS}ops.png`);

  const open = await ops.number('openSessions');
  await carol.close();
  await waitUntil('the page counts carol\'s session gone', async () => (await ops.number('openSessions')) < open);
  await ops.close();
});

test('after a server restart the pages reconnect by themselves and receive the next message', async () => {
  const alice = await pageOf('alice');
  const bob = await pageOf('bob');
  const carol = await pageOf('carol');
  await carol.context.setOffline(true); // carol's browser loses the network as well

  await server.stop();
  await Promise.all([alice.waitForState('reconnecting'), bob.waitForState('reconnecting'), carol.waitForState('offline')]);
  assert.match(await alice.stateText(), /reconnecting (in \d+ s|now) \(attempt \d+\)/);
  assert.equal(await carol.stateText(), 'offline: waiting for the network');
  await alice.screenshot(`${SHOTS}demo-reconnecting.png`);

  await server.start();
  await Promise.all([alice.waitForState('open', RECONNECT_DEADLINE_MS), bob.waitForState('open', RECONNECT_DEADLINE_MS)]);
  // The in-memory history of the single node went with the restart (a new epoch): the pages are told.
  await alice.waitForStateText('reconnected: some notifications may be missing');
  const targeted = await alice.send({ to: BOB, text: 'Welcome back, bob' });
  assert.match(targeted.text, /delivered to 1 session\(s\) of bob/);
  await alice.send({ to: ALICE, text: 'Welcome back, alice' });

  // While offline the client made no attempt: carol is still waiting, and connects when the network returns.
  assert.equal(await carol.stateText(), 'offline: waiting for the network');
  assert.equal(await connected(CAROL), false);
  await carol.context.setOffline(false);
  await carol.waitForState('open');

  await alice.send({ to: '', type: 'NEWS', text: 'The server restarted' });
  await Promise.all([alice, bob, carol].map((page) => page.waitForNotification('The server restarted')));
  assert.deepEqual((await bob.feed()).slice(-2), [
    { type: 'INFO', text: 'Welcome back, bob' },
    { type: 'NEWS', text: 'The server restarted' },
  ]);
  assert.deepEqual((await alice.feed()).slice(-2).map((n) => n.text), ['Welcome back, alice', 'The server restarted']);
  assert.deepEqual((await carol.feed()).map((n) => n.text), ['The server restarted']);

  await alice.screenshot(`${SHOTS}demo.png`);
});

test('no page threw an uncaught error', () => {
  for (const page of pages) assert.deepEqual(page.errors, []);
});
