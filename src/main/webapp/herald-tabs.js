/**
 * One socket per user across the tabs of a browser (the opt-in `share` of `herald.js`): a Web Lock elects the
 * tab that connects, a BroadcastChannel carries what it receives to the others.
 *
 * @module herald-tabs
 */

/** Lifecycle events a tab that holds the shared socket passes on to the other tabs. */
export const RELAYED = new Set(['open', 'ready', 'close', 'refused', 'reconnecting', 'recovered', 'missed', 'parseerror']);

/** @returns {unknown} a payload that survives structured cloning (DOM events are reduced to their type) */
export function plain(payload) {
  if (payload === null || typeof payload !== 'object') return payload;
  if (typeof payload.type === 'string' && typeof Event === 'function' && payload instanceof Event) return { type: payload.type };
  const out = {};
  for (const [k, v] of Object.entries(payload)) out[k] = v instanceof Error ? String(v) : v;
  return out;
}

/**
 * One socket per user across tabs: the tab holding a Web Lock connects and relays over a BroadcastChannel;
 * the others listen. When the holder goes (closed tab, `close()`), the next tab in the lock's queue connects
 * with the relayed positions, so it recovers what it would have missed.
 */
export class TabShare {
  #name;
  #Channel;
  #locks;
  #hooks;
  #channel = null;
  #abort = null;
  #release = null;

  constructor(name, Channel, locks, hooks) {
    this.#name = name;
    this.#Channel = Channel;
    this.#locks = locks;
    this.#hooks = hooks;
  }

  start() {
    this.#channel = new this.#Channel(this.#name);
    this.#channel.onmessage = (e) => this.#hooks.receive(e.data);
    const abort = new AbortController();
    this.#abort = abort;
    this.#locks
      .request(this.#name, { signal: abort.signal }, () => {
        if (abort.signal.aborted) return undefined;
        this.#hooks.lead();
        return new Promise((resolve) => {
          this.#release = resolve;
        });
      })
      .catch(() => {}); // aborted while waiting
    this.post({ t: 'hello' });
  }

  /** @returns {boolean} whether the message went out */
  post(message) {
    try {
      this.#channel?.postMessage(message);
      return !!this.#channel;
    } catch {
      return false; // not cloneable: the other tabs miss this one event
    }
  }

  stop() {
    this.#abort?.abort();
    this.#release?.();
    this.#channel?.close();
    this.#channel = this.#abort = this.#release = null;
  }
}
