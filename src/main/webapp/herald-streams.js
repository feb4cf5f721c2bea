/**
 * Group and topic streams of a `herald.v1` session (docs/protocol.md, "Groups and topics"): their positions,
 * the `gsince` parameters of a reconnect, and the topics the client wants, re-subscribed after every welcome.
 * Kept in memory by the instance (not in `positionStore`, not shared between tabs).
 */
import { position } from './herald-protocol.js';

/** What a group or topic name may be: letters, digits, `.`, `_`, `:`, `-`, `/`; 1 to 200. */
export const STREAM_NAME = /^[A-Za-z0-9._:/-]{1,200}$/;

export class NamedStreams {
  /** @type {Map<string, {epoch: string, seq: number}>} group name -> last position */
  groups = new Map();
  /** @type {Map<string, {epoch: string, seq: number} | null>} wanted topic -> last position */
  topics = new Map();

  /** @returns {boolean} true when a reconnect has a group position to give */
  hasPositions() {
    return this.groups.size > 0;
  }

  /**
   * @param {string} url a `herald.v1` URL
   * @returns {string} with one `gsince=<group>@<epoch>:<seq>` per known group (names and epochs need no escaping)
   */
  withGroups(url) {
    let s = String(url);
    for (const [name, p] of this.groups) s += `${s.includes('?') ? '&' : '?'}gsince=${name}@${p.epoch}:${p.seq}`;
    return s;
  }

  /** Takes the welcome's group heads; a group the welcome does not name is no longer the session's. */
  welcome(frame) {
    const heads = frame?.groups && typeof frame.groups === 'object' ? frame.groups : {};
    this.groups.clear();
    for (const [name, head] of Object.entries(heads)) {
      const p = position(head);
      if (p && STREAM_NAME.test(name)) this.groups.set(name, p);
    }
  }

  /**
   * A `herald.message` of a group or topic stream.
   * @returns {'deliver' | 'duplicate' | 'gap' | 'ignore'} what to do with it
   */
  track(frame) {
    const at = position(frame);
    const name = frame.name;
    if (!at || typeof name !== 'string') return 'ignore';
    const map = frame.stream === 'group' ? this.groups : this.topics;
    if (map === this.topics && !map.has(name)) return 'ignore'; // unsubscribed meanwhile
    const last = map.get(name) ?? null;
    if (last && last.epoch === at.epoch && at.seq <= last.seq) return 'duplicate';
    const continues = !last || (last.epoch === at.epoch ? at.seq === last.seq + 1 : at.seq === 1);
    if (!continues) return 'gap';
    map.set(name, at);
    return 'deliver';
  }

  /** @returns {string} the `herald.subscribe` frame of a wanted topic, with its position when known */
  subscribeFrame(topic) {
    const p = this.topics.get(topic);
    return JSON.stringify(p ? { type: 'herald.subscribe', topic, since: `${p.epoch}:${p.seq}` } : { type: 'herald.subscribe', topic });
  }

  /**
   * @returns {string | null} one `herald.subscribe` frame for every wanted topic, each with its position when
   *   known (after a welcome: one frame, so re-subscribing costs one frame of the server's inbound rate limit);
   *   null when no topic is wanted
   */
  resubscribeFrame() {
    if (this.topics.size === 0) return null;
    const topics = [...this.topics].map(([topic, p]) => (p ? { topic, since: `${p.epoch}:${p.seq}` } : { topic }));
    return JSON.stringify({ type: 'herald.subscribe', topics });
  }

  /** A `herald.subscribed`: its head becomes the topic's position. */
  subscribed(frame) {
    const p = position(frame);
    if (p && this.topics.has(frame.topic)) this.topics.set(frame.topic, p);
  }
}
