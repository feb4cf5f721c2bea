// Deliberate type errors: `tsc --noEmit` must reject each line marked "error:", and only those (src/test/js/types.test.mjs).
import { Herald } from 'herald-client';

const herald = new Herald({ url: 'wss://app.example/herald/ws', maxAttempts: '3' }); // error: maxAttempts is a number
herald.on('final', (info) => console.log(info.status)); // error: status exists only on reason 'ticket'
herald.on('redy', () => {}); // error: no such event
herald.on('ready', ({ recoverd }) => recoverd); // error: no such field
new Herald({ transport: 'longpoll' }); // error: no such transport
