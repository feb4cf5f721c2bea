// The Herald demo page: receive as alice, bob or carol through herald.js; send as ops through the REST API.
// Demo only: it holds the demo users' passwords (each password is the user's name) in the browser.
import { Herald } from './herald.js';

/** The demo's herald.user-ids (pom.xml demo.user-ids). */
const USERS = { 1: 'alice', 2: 'bob', 3: 'carol' };
/** Demo only: the sender account's Basic credentials, in the page. */
const OPS_AUTH = basicAuth('ops');

const $ = (id) => document.getElementById(id);

let herald = null;
let countdown = null;
/** Leaves the demo topic (herald.subscribe's answer), while joined. */
let leaveTopic = null;
const TOPIC = 'demo.lobby';
/** The last `refused` event, until the reconnecting state shows it. */
let refusal = null;

function basicAuth(user) {
  return `Basic ${btoa(`${user}:${user}`)}`;
}

function userName(id) {
  return USERS[id] ?? `user ${id}`;
}

// ---- connection state ----

function showState(state, text) {
  clearInterval(countdown);
  countdown = null;
  $('state').dataset.state = state;
  $('state').textContent = text;
}

function showReconnecting({ delayMs, attempt, offline }) {
  const why = refusal ? `: the server closed the session before it was ready (${refusal.code} ${refusal.reason})` : '';
  refusal = null;
  if (offline) {
    showState('offline', 'offline: waiting for the network');
    return;
  }
  const due = Date.now() + delayMs;
  const render = () => {
    const seconds = Math.ceil((due - Date.now()) / 1000);
    const when = seconds > 0 ? `in ${seconds} s` : 'now';
    $('state').textContent = `reconnecting ${when} (attempt ${attempt})${why}`;
  };
  showState('reconnecting', '');
  render();
  countdown = setInterval(render, 250);
}

/**
 * After a reconnect, or a reload with positions held: what herald.v1 recovered, or that something may be
 * missing (a real app would refetch). Shown when the session is ready.
 */
function recoveryText({ replayed }, complete) {
  const what = `${replayed} missed notification${replayed === 1 ? '' : 's'} recovered`;
  if (complete) return replayed ? `reconnected: ${what}` : 'reconnected: nothing missed';
  return `reconnected: some notifications may be missing${replayed ? ` (${what})` : ''}`;
}

function describeFinal(info) {
  if (info.reason === 'ticket') return `stopped: the ticket request was refused (HTTP ${info.status})`;
  if (info.reason === 'max-attempts') return `stopped: gave up after ${info.attempts} attempts`;
  if (info.code) return `stopped: ${info.closeReason || info.reason} (${info.code})`;
  return `stopped: ${info.error?.message ?? 'cannot connect'}`;
}

// ---- receiving ----

function addToFeed(data) {
  const item = document.createElement('li');
  const type = typeof data?.message === 'string' ? data.message : '(no type)';
  item.dataset.type = type;
  item.dataset.text = typeof data?.text === 'string' ? data.text : '';
  item.append(
    element('time', new Date().toLocaleTimeString()),
    element('span', type, 'type'),
    element('span', item.dataset.text, 'text'),
    element('code', JSON.stringify(data)),
  );
  $('feed').prepend(item);
  $('feed-empty').hidden = true;
}

function addUnreadable({ data }) {
  const item = document.createElement('li');
  item.className = 'error';
  item.append(element('span', 'not JSON, ignored', 'type'), element('code', String(data)));
  $('feed').prepend(item);
}

function askForCode(data) {
  $('mfa-text').textContent = typeof data?.text === 'string' ? data.text : 'Enter your one-time code.';
  $('mfa-code').value = '';
  $('mfa-done').hidden = true;
  $('mfa-prompt').hidden = false;
  $('mfa-code').focus();
}

/** The signed-in user survives a reload of this tab (sessionStorage), and so do the positions (see positionStore). */
const SIGNED_IN = 'herald-demo.user';

function positionStore(user) {
  const key = `herald-demo.positions.${user}`;
  return {
    load: () => JSON.parse(sessionStorage.getItem(key)),
    save: (positions) => sessionStorage.setItem(key, JSON.stringify(positions)),
  };
}

function signIn(user) {
  signOut();
  sessionStorage.setItem(SIGNED_IN, user);
  refusal = null;
  $('feed').replaceChildren();
  $('feed-empty').hidden = false;
  $('signin').hidden = true;
  $('session').hidden = false;
  $('who').textContent = `Signed in as ${user}.`;

  herald = new Herald({
    ticketUrl: new URL('api/ws/ticket', location.href),
    headers: { Authorization: basicAuth(user) },
    maxDelayMs: 10000, // the demo's cap; the default is 30 s
    positionStore: positionStore(user), // a reload recovers what the page missed, even during an outage
    autoConnect: false,
  });
  let recovery = null; // the text of a recovered or missed event, shown at the ready that follows it
  herald.on('ready', () => {
    showState('open', `${recovery ?? 'connected'}${herald.transport === 'sse' ? ' (over Server-Sent Events)' : ''}`);
    $('state').dataset.transport = herald.transport ?? '';
    recovery = null;
  });
  herald.on('refused', (info) => {
    refusal = info; // shown with the reconnecting state that follows
  });
  herald.on('reconnecting', showReconnecting);
  herald.on('final', (info) => showState('final', describeFinal(info)));
  herald.on('recovered', (info) => {
    recovery = recoveryText(info, true);
  });
  herald.on('missed', (info) => {
    recovery = recoveryText(info, false);
  });
  herald.on('message', addToFeed);
  herald.on('parseerror', addUnreadable);
  herald.on('message:MFA_REQUIRED', askForCode);
  herald.on('subscribed', ({ topic }) => {
    if (topic === TOPIC) showTopic('in', 'joined: what is sent to the topic reaches every page that joined');
  });
  herald.on('topicrefused', ({ topic, reason }) => {
    if (topic !== TOPIC) return;
    leaveTopic = null;
    showTopic('refused', `refused: ${reason}`);
  });
  showTopic('out', 'not joined');
  showState('connecting', 'connecting');
  herald.connect();
}

function showTopic(state, text) {
  $('topic-state').dataset.state = state;
  $('topic-state').textContent = text;
  $('topic-toggle').textContent = leaveTopic ? 'Leave' : 'Join';
}

function toggleTopic() {
  if (!herald) return;
  if (leaveTopic) {
    leaveTopic();
    leaveTopic = null;
    showTopic('out', 'not joined');
  } else {
    leaveTopic = herald.subscribe(TOPIC); // asked again after every reconnect
    showTopic('asking', 'asking…');
  }
}

function signOut() {
  leaveTopic = null;
  sessionStorage.removeItem(SIGNED_IN);
  herald?.close();
  herald = null;
  $('signin').hidden = false;
  $('session').hidden = true;
  $('mfa-prompt').hidden = true;
  showState('signed-out', 'signed out');
}

// ---- sending (as ops, through the REST API) ----

async function send(label, path, body) {
  let status = 0;
  let answer;
  try {
    const res = await fetch(new URL(path, location.href), {
      method: 'POST',
      headers: { Authorization: OPS_AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    status = res.status;
    answer = await res.json().catch(() => null);
  } catch (error) {
    answer = { detail: `network error: ${error.message}` };
  }
  showResult(label, status, answer);
}

function summary(status, answer) {
  if (status === 200 && answer?.userId !== undefined) {
    return answer.delivered
      ? `delivered to ${answer.sessions} session(s) of ${userName(answer.userId)}`
      : `${userName(answer.userId)} is not connected: nothing delivered`;
  }
  if (status === 200) return `delivered to ${answer?.sessions} session(s)`;
  const code = answer?.code ? ` [${answer.code}]` : '';
  return `${status || 'no answer'} ${answer?.title ?? ''}: ${answer?.detail ?? ''}${code}`;
}

function showResult(label, status, answer) {
  const item = document.createElement('li');
  item.dataset.status = String(status);
  item.dataset.code = answer?.code ?? '';
  item.className = status === 200 ? 'ok' : 'problem';
  item.append(
    element('time', new Date().toLocaleTimeString()),
    element('span', label, 'label'),
    element('span', summary(status, answer), 'summary'),
  );
  if (status !== 200 && answer) item.append(element('code', JSON.stringify(answer)));
  $('results').prepend(item);
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

// ---- wiring ----

for (const button of document.querySelectorAll('#signin button[data-user]')) {
  button.addEventListener('click', () => signIn(button.dataset.user));
}
$('signout').addEventListener('click', signOut);
$('topic-toggle').addEventListener('click', toggleTopic);
if (sessionStorage.getItem(SIGNED_IN)) signIn(sessionStorage.getItem(SIGNED_IN)); // a reload

$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const to = $('send-to').value;
  const body = { message: $('send-type').value, text: $('send-text').value };
  if (to.startsWith('topic:')) {
    void send(`${body.message} to topic ${to.slice(6)}`, `api/topics/${to.slice(6)}`, body);
    return;
  }
  void send(`${body.message} to ${to ? userName(to) : 'everyone'}`, to ? `api/notifications/${to}` : 'api/notifications', body);
});

$('mfa-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const to = $('mfa-to').value;
  const body = { message: 'MFA_REQUIRED', text: 'Confirm the transfer of 120 EUR: enter the 6-digit code from your authenticator app.' };
  void send(`MFA for ${userName(to)}`, `api/notifications/${to}`, body);
});

$('mfa-code-form').addEventListener('submit', (event) => {
  event.preventDefault();
  $('mfa-done').textContent = `Code ${$('mfa-code').value} entered. A real application would verify it on its server.`;
  $('mfa-done').hidden = false;
});
