// A page's Herald WebSockets routed through Playwright (page.routeWebSocket), to stage an outage of the socket
// path while HTTP still works (a proxy that lost its upstream): a handshake then fails before it opens, the
// way a browser reports an unreachable server (close 1006, no open), while the ticket POST still succeeds.

/** Herald's socket URL (`…/ws?…`), not the page's other requests. */
const HERALD_SOCKET = /\/ws\?/;

export class SocketPath {
  #failing = 0; // handshakes still to fail: Infinity during an outage
  #afterNavigation = null; // failures left for the next document, armed by failNextDocument()
  #live = new Set(); // server sides of the sockets passed through
  /** Every handshake in order: {document, failed, protocols}; `document` counts navigations of the page. */
  attempts = [];
  #document = 0;

  constructor(page) {
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      this.#document++;
      if (this.#afterNavigation !== null) {
        this.#failing = this.#afterNavigation;
        this.#afterNavigation = null;
      }
    });
  }

  /** Routes the page's Herald sockets; call before the page connects. */
  static async route(page) {
    const path = new SocketPath(page);
    await page.routeWebSocket(HERALD_SOCKET, (ws) => path.#handle(ws));
    return path;
  }

  /** The socket path goes down: open sockets are cut, every new handshake fails until told otherwise. */
  async down() {
    this.#failing = Infinity;
    const live = [...this.#live];
    this.#live.clear();
    await Promise.all(live.map((server) => server.close()));
  }

  /**
   * Keeps the outage until the page's next document (a reload) and ends it after that document's first `n`
   * handshakes failed. Playwright reports the navigation before any socket of the new document, so a late
   * attempt of the old document cannot use up these failures.
   */
  failNextDocument(n) {
    this.#afterNavigation = n;
  }

  /** @returns {{failed: boolean, protocols: string[]}[]} the handshakes of the current document */
  attemptsOfThisDocument() {
    return this.attempts.filter((a) => a.document === this.#document).map(({ failed, protocols }) => ({ failed, protocols }));
  }

  async #handle(ws) {
    const failed = this.#failing > 0;
    this.attempts.push({ document: this.#document, failed, protocols: ws.protocols() });
    if (failed) {
      this.#failing--;
      await ws.close({ code: 1006, reason: '' }); // before open: the page sees only the close
      return;
    }
    const server = ws.connectToServer();
    this.#live.add(server);
  }
}
