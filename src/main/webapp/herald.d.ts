/** Types of the Herald browser client (`herald.js`). */

/** The subprotocol of sequenced, recoverable messages. */
export declare const V1: 'herald.v1';

/** The last message seen on a stream. */
export interface Position {
  epoch: string;
  seq: number;
}

/** The last message seen on each stream: what a reconnect recovers from. */
export interface Positions {
  user: Position | null;
  broadcast: Position | null;
}

/** Keeps positions beyond one instance (e.g. in sessionStorage, so that a reload recovers too). */
export interface PositionStore {
  /** Called once; may return a promise, which the first connect waits for. */
  load(): Partial<Positions> | null | undefined | Promise<Partial<Positions> | null | undefined>;
  /** Called after every change. */
  save(positions: Positions): void | Promise<void>;
}

export type CloseAction = 'final' | 'auth' | 'retry' | 'resync';

/** A row of the close-code table: one per code, the code alone decides the action. */
export interface CloseCode {
  readonly code: number;
  /** The reason Herald sends with the code, for people ('' for codes only the container or the network produce). */
  readonly reason: string;
  readonly action: CloseAction;
  /** `reason` of the `final` event, for `action: 'final' | 'auth'`. */
  readonly final?: FinalCloseReason;
}

/** The client's close-code table, its single source of truth. */
export declare const CLOSE_CODES: ReadonlyArray<CloseCode>;

export type FinalCloseReason = 'disconnected' | 'protocol' | 'auth' | 'origin' | 'session-limit' | 'signed-out' | 'closed';

export interface HeraldOptions {
  /** ws(s) endpoint. Required unless herald.js is served by herald.war itself (bundled, copied, or in a host application, whose socket is at `herald.websocket.path`, by default `<context>/herald/ws`: required). */
  url?: string | URL;
  /** POSTed before every connect; the answer must be `{"ticket": "..."}` as JSON. */
  ticketUrl?: string | URL;
  /** Headers of the ticket POST. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Further subprotocols, after `herald.v1`. */
  protocols?: string[];
  /** Ask for `herald.v1` (default true). */
  recover?: boolean;
  positionStore?: PositionStore;
  /** First backoff cap, > 0 (default 500). */
  baseDelayMs?: number;
  /** Backoff cap, >= baseDelayMs (default 30000). */
  maxDelayMs?: number;
  /** Time a ready session must last to reset the backoff and restore the auth retry (default 10000). */
  stableAfterMs?: number;
  /** Consecutive failed attempts before `final` with `reason: 'max-attempts'` (default Infinity). */
  maxAttempts?: number;
  /** Bound of the ticket POST including `headers()` (default 10000). */
  ticketTimeoutMs?: number;
  /** Bound of the handshake, and of open to ready (re-armed by every frame) (default 15000). */
  connectTimeoutMs?: number;
  /** A liveness tick this late means the machine slept: reconnect (default 70000). */
  staleAfterMs?: number;
  /** Reconnect when no frame arrived for this long while ready; 0: off (default 0). */
  idleTimeoutMs?: number;
  /** herald.v1 attempts failing before open, in a row, before one plain attempt (default 2). */
  plainFallbackAfter?: number;
  /** 'auto' (default): WebSocket, and Server-Sent Events after `sseFallbackAfter` upgrades in a row failed before opening (remembered for the page); 'websocket': never SSE; 'sse': SSE only (docs/sse.md). */
  transport?: Transport | 'auto';
  /** The SSE endpoint (default: `api/sse` beside `url`, http(s)). */
  sseUrl?: string | URL;
  /** WebSocket attempts failing before open, in a row, before an SSE attempt (default 2). */
  sseFallbackAfter?: number;
  /** One socket per user across tabs (Web Locks + BroadcastChannel); a string names the share (e.g. per user). */
  share?: boolean | string;
  /** Connect in the constructor (default true). */
  autoConnect?: boolean;
  // injectable for tests
  WebSocketImpl?: typeof WebSocket;
  EventSourceImpl?: typeof EventSource;
  fetchImpl?: typeof fetch;
  random?: () => number;
  now?: () => number;
  setTimeoutImpl?: (fn: () => void, ms: number) => unknown;
  clearTimeoutImpl?: (id: unknown) => void;
  BroadcastChannelImpl?: typeof BroadcastChannel;
  locks?: { request: LockManager['request'] };
}

export type State = 'connecting' | 'open' | 'reconnecting' | 'closed';
export type Protocol = 'herald.v1' | 'plain';
export type Transport = 'websocket' | 'sse';
export type Role = 'leader' | 'follower';

export interface ReadyInfo {
  protocol: Protocol;
  /** A session became ready before on this instance. */
  reconnect: boolean;
  /** herald.v1 with positions given: whether everything was replayed; null otherwise. */
  recovered: boolean | null;
  replayed: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
  willRetry: boolean;
  /** The session had become ready. */
  ready: boolean;
  /** The client dropped the socket itself. */
  local?: true;
}

export interface ReconnectingInfo {
  /** null while waiting for `online`. */
  delayMs: number | null;
  attempt: number;
  code: number | null;
  reason: string;
  offline?: true;
}

export type FinalInfo =
  | { reason: FinalCloseReason; code: number; closeReason: string }
  | { reason: 'ticket'; status: number }
  | { reason: 'max-attempts'; attempts: number; code: number | null; closeReason: string }
  | { reason: 'error'; error: unknown };

/** A notification: the JSON the server sent (the `data` of a herald.v1 message). */
export type Notification = any;

export interface HeraldEvents {
  message: (data: Notification, event: MessageEvent | undefined) => void;
  open: (event: Event) => void;
  ready: (info: ReadyInfo) => void;
  state: (info: { state: State; previous: State }) => void;
  role: (info: { role: Role | null }) => void;
  close: (info: CloseInfo) => void;
  refused: (info: { code: number; reason: string; attempt: number }) => void;
  reconnecting: (info: ReconnectingInfo) => void;
  final: (info: FinalInfo) => void;
  error: (error: unknown) => void;
  parseerror: (info: { error: SyntaxError; data: string }) => void;
  recovered: (info: { replayed: number }) => void;
  missed: (info: { replayed: number; protocol: Protocol }) => void;
  /** The server took a subscription (again after each reconnect). */
  subscribed: (info: { topic: string; recovered: boolean; replayed: number }) => void;
  /** The server refused a subscription; the topic is forgotten. */
  topicrefused: (info: { topic: string | null; reason: 'forbidden' | 'limit' | 'invalid' | string }) => void;
}

export interface ListenerOptions {
  /** Removes the listener when aborted. */
  signal?: AbortSignal;
  once?: boolean;
}

export type MessageTypeEvent = `message:${string}` | `topic:${string}` | `group:${string}`;
export type MessageTypeListener = (data: Notification, event: MessageEvent | undefined) => void;

export declare class Herald {
  constructor(options?: HeraldOptions);
  readonly state: State;
  readonly ready: boolean;
  readonly protocol: Protocol | null;
  /** The open session's transport; null when not open. */
  readonly transport: Transport | null;
  readonly role: Role | null;
  readonly positions: Positions;
  readonly duplicates: number;
  on<K extends keyof HeraldEvents>(name: K, fn: HeraldEvents[K], options?: ListenerOptions): () => void;
  on(name: MessageTypeEvent, fn: MessageTypeListener, options?: ListenerOptions): () => void;
  once<K extends keyof HeraldEvents>(name: K, fn: HeraldEvents[K], options?: ListenerOptions): () => void;
  once(name: MessageTypeEvent, fn: MessageTypeListener, options?: ListenerOptions): () => void;
  off<K extends keyof HeraldEvents>(name?: K, fn?: HeraldEvents[K]): void;
  off(name: MessageTypeEvent, fn?: MessageTypeListener): void;
  /** Resolves at the next `ready` (at once when ready); rejected by `final` and `close()`. */
  whenReady(): Promise<ReadyInfo>;
  /** Sends JSON to the server; false when no session is open (nothing is queued). */
  send(data: unknown): boolean;
  /** Subscribes to a topic (herald.v1), again after every reconnect; its messages are `topic:<name>` events. */
  subscribe(topic: string): () => void;
  /** The topics asked for and not refused. */
  readonly topics: string[];
  connect(): void;
  close(): void;
}

export declare function backoffDelay(attempt: number, opts?: { baseDelayMs?: number; maxDelayMs?: number; random?: () => number }): number;
/** The action of a close code (`reason` is ignored: the code alone decides; it is accepted so that older calls still compile). */
export declare function classifyClose(code: number, reason?: string): CloseAction;
export declare function defaultUrl(moduleUrl: string | URL): string;
export declare function withTicket(url: string | URL, ticket: string): string;
export declare function withPositions(url: string | URL, positions: Partial<Positions>): string;
