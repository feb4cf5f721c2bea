// What a TypeScript app writes with herald.js; `tsc --noEmit` must accept it (src/test/js/types.test.mjs).
import { CLOSE_CODES, Herald, V1, classifyClose, type FinalInfo, type Positions } from 'herald-client';

const key = 'herald.positions.42';
const herald = new Herald({
  url: 'wss://app.example/herald/ws',
  ticketUrl: '/herald/api/ws/ticket',
  headers: async () => ({ Authorization: 'Bearer abc' }),
  positionStore: {
    load: () => JSON.parse(sessionStorage.getItem(key) ?? 'null') as Positions | null,
    save: (positions) => sessionStorage.setItem(key, JSON.stringify(positions)),
  },
  maxAttempts: 20,
  share: 'user-42',
  transport: 'auto',
});
const onStream: 'websocket' | 'sse' | null = herald.transport;
console.log(onStream);

const ac = new AbortController();
herald.on('message:MFA_REQUIRED', (msg) => console.log(msg.text), { signal: ac.signal });
herald.on('message', (data, event) => console.log(data, event?.data));
herald.once('ready', ({ protocol, recovered, replayed }) => console.log(protocol === V1, recovered ?? 'first', replayed));
herald.on('state', ({ state, previous }) => console.log(previous, '->', state));
herald.on('reconnecting', ({ delayMs, offline }) => console.log(offline ? 'offline' : `in ${delayMs} ms`));
herald.on('refused', ({ code, reason, attempt }) => console.log(code, reason, attempt));
herald.on('missed', ({ protocol }) => console.log('refetch', protocol));

function describe(info: FinalInfo): string {
  switch (info.reason) {
    case 'ticket':
      return `ticket refused: HTTP ${info.status}`;
    case 'max-attempts':
      return `gave up after ${info.attempts}`;
    case 'error':
      return String(info.error);
    default:
      return `${info.reason}: ${info.closeReason} (${info.code})`;
  }
}
herald.on('final', (info) => console.log(describe(info)));

async function main(): Promise<void> {
  await herald.whenReady();
  const sent: boolean = herald.send({ answer: 42 });
  const pos = herald.positions.user?.seq ?? 0;
  console.log(sent, pos, herald.state, herald.role, classifyClose(4002, 'signed out'), CLOSE_CODES.length);
  const leave: () => void = herald.subscribe('news');
  herald.on('topic:news', (data) => console.log(data));
  herald.on('topicrefused', ({ topic, reason }) => console.log(topic, reason));
  herald.on('subscribed', ({ topic, recovered }) => console.log(topic, recovered, herald.topics.length));
  leave();
  herald.off('message');
  herald.off();
  herald.close();
}
void main();
