// Browser tests of the demo page and herald.js: headless Chromium (chromium.mjs) against the demo WAR on Payara Micro.
// Run by `mvn verify` (after the WAR is built, its npm packages installed by install.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { DemoPage } from './demo-page.mjs';
import { DemoServer } from './demo-server.mjs';

const SHOTS = fileURLToPath(new URL('../../../target/browser/', import.meta.url));
const RECONNECT_DEADLINE_MS = 180_000;
const ALICE = 1;
const BOB = 2;
const CAROL = 3;

let server;
let browser;
const pages = [];
/** Signed-in pages by user name, shared by the tests (a test opens the ones it needs if missing). */
const signedIn = new Map();

async function openPage() {
  const page = await DemoPage.open(browser, server.url);
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
