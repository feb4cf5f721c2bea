// The Herald operations page: GET api/stats once a second, shown as numbers and as two charts of the last 60 s.
// The page is for role herald-sender (the demo's web fragment); the browser's BASIC login for it also answers
// the challenge of api/stats, which is protected the same way. No libraries: plain DOM and SVG.

const STATS = new URL('../api/stats', location.href);
const POLL_MS = 1000;
/** Samples per chart: one a second. */
const WINDOW = 60;
/** The charts' drawing area, in the units of their viewBox (300 x 100). */
const AREA = { left: 24, right: 296, top: 8, bottom: 88 };
const SVG = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);

/** Samples, oldest first: {sessions, rate}. */
const samples = [];
/** The previous answer and when it arrived (for messages per second). */
let previous = null;

// ---- reading the answer ----

/** @returns {number | null} frames written per second since the previous answer; null for the first one */
function messageRate(stats, at) {
  if (!previous) return null;
  const seconds = (at - previous.at) / 1000;
  const sent = stats.messagesSent - previous.stats.messagesSent;
  return seconds > 0 && sent >= 0 ? sent / seconds : null; // a negative delta: the server restarted
}

/** @returns {{text: string, state: string}} Redis as the answer tells it (no `cluster` field: a single node) */
function redisState(cluster) {
  if (!cluster) return { text: 'not used (single node)', state: 'unknown' };
  const subscribed = cluster.subscribed ? 'subscribed' : 'not subscribed';
  return { text: `${cluster.redis}, ${subscribed} (node ${cluster.node})`, state: cluster.redis === 'up' && cluster.subscribed ? 'up' : 'down' };
}

// ---- showing it ----

function showNumbers(stats, rate) {
  for (const name of ['openSessions', 'connectedUsers', 'slowConsumerCloses', 'heartbeatCloses']) {
    $(name).textContent = String(stats[name]);
  }
  $('messageRate').textContent = rate === null ? '–' : rate.toFixed(1);
  const redis = redisState(stats.cluster);
  $('redis').textContent = redis.text;
  $('redis').dataset.state = redis.state;
}

function showStatus(state, text) {
  // Only a change is written, so that a screen reader announces a change of state, not every second.
  if ($('status').dataset.state === state && $('status').textContent === text) return;
  $('status').dataset.state = state;
  $('status').textContent = text;
}

/** @returns {number} a round upper bound for the y axis: 1, 2 or 5 times a power of ten, at least `value` */
function niceMax(value) {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, value)));
  return [1, 2, 5, 10].map((f) => f * power).find((bound) => bound >= value);
}

function node(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Redraws one chart: a line of the values (newest at the right), the y axis from 0 to a round maximum. */
function drawChart(svg, title, values, format) {
  const known = values.filter((v) => v !== null);
  const max = niceMax(Math.max(1, ...known));
  const step = (AREA.right - AREA.left) / (WINDOW - 1);
  const x = (i) => AREA.right - (values.length - 1 - i) * step;
  const y = (v) => AREA.bottom - (v / max) * (AREA.bottom - AREA.top);
  const points = values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
  const latest = known.length ? format(known[known.length - 1]) : 'no data yet';
  svg.replaceChildren(
    node('title', { id: `${svg.id}-title` }, `${title}: now ${latest}, at most ${format(Math.max(0, ...known))} in the last ${WINDOW} s`),
    node('line', { class: 'grid', x1: AREA.left, x2: AREA.right, y1: AREA.top, y2: AREA.top }),
    node('line', { class: 'grid', x1: AREA.left, x2: AREA.right, y1: AREA.bottom, y2: AREA.bottom }),
    node('text', { x: AREA.left - 3, y: AREA.top + 2, 'text-anchor': 'end' }, String(max)),
    node('text', { x: AREA.left - 3, y: AREA.bottom + 2, 'text-anchor': 'end' }, '0'),
    node('text', { x: AREA.left, y: 98 }, `-${WINDOW} s`),
    node('text', { x: AREA.right, y: 98, 'text-anchor': 'end' }, 'now'),
    node('polyline', { class: 'line', points: points.join(' ') }),
  );
  svg.dataset.samples = String(values.length);
}

function drawCharts() {
  drawChart($('chart-sessions'), 'Open sessions', samples.map((s) => s.sessions), String);
  drawChart($('chart-rate'), 'Messages per second', samples.map((s) => s.rate), (v) => v.toFixed(1));
}

// ---- polling ----

async function poll() {
  const started = performance.now();
  try {
    const res = await fetch(STATS, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const stats = await res.json();
    const at = performance.now();
    const rate = messageRate(stats, at);
    previous = { stats, at };
    showNumbers(stats, rate);
    samples.push({ sessions: stats.openSessions, rate });
    if (samples.length > WINDOW) samples.shift();
    drawCharts();
    showStatus('live', 'live');
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    showStatus('error', `unavailable (${error.message}); retrying every second`);
  }
  setTimeout(poll, Math.max(0, POLL_MS - (performance.now() - started)));
}

drawCharts();
void poll();
