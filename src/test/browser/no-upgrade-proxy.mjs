// A small HTTP proxy of the tests' own in front of the demo server that refuses every WebSocket upgrade (502), the
// way some corporate proxies do, and passes everything else through unbuffered (an event stream included).
import { createServer, request } from 'node:http';

export class NoUpgradeProxy {
  #server;
  #target;
  /** Upgrade requests refused so far. */
  refusedUpgrades = 0;

  constructor(server, target) {
    this.#server = server;
    this.#target = target;
  }

  /**
   * @param {string} targetUrl the demo's URL (`http://localhost:port/herald/`)
   * @returns {Promise<NoUpgradeProxy>} listening on a free loopback port
   */
  static async start(targetUrl) {
    const target = new URL(targetUrl);
    const server = createServer();
    const proxy = new NoUpgradeProxy(server, target);
    server.on('request', (req, res) => proxy.#forward(req, res));
    server.on('upgrade', (req, socket) => {
      proxy.refusedUpgrades++;
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** @returns {string} the demo's URL through this proxy */
  get url() {
    return `http://localhost:${this.#server.address().port}${this.#target.pathname}`;
  }

  #forward(req, res) {
    // The Host header stays the proxy's: the page's Origin is the proxy's, and the server checks the two against each other.
    const upstream = request({
      host: this.#target.hostname, port: this.#target.port, method: req.method, path: req.url, headers: req.headers,
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  async close() {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
