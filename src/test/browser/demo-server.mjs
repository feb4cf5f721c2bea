// Runs the demo (target/herald-demo.war) on Payara Micro for the browser tests: start, stop, restart.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TARGET = `${ROOT}target`;
const STARTUP_DEADLINE_MS = 300_000;
const STOP_DEADLINE_MS = 60_000;

/** Settings from the environment (set by pom.xml), defaulting to the Maven build's outputs. */
const settings = {
  java: process.env.HERALD_JAVA ?? 'java',
  microJar: process.env.PAYARA_MICRO_JAR ?? `${TARGET}/payara-micro.jar`,
  war: process.env.HERALD_DEMO_WAR ?? `${TARGET}/herald-demo.war`,
  postBoot: process.env.PAYARA_POSTBOOT ?? `${TARGET}/payara-config/post-boot-commands.asadmin`,
  userIds: process.env.HERALD_USER_IDS ?? 'alice=1,bob=2,carol=3',
  logDir: `${TARGET}/browser`,
};

/** A free TCP port on the loopback interface, kept for every start so that pages can reconnect. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** One Payara Micro process at a time, always on the same port; logs go to target/browser/payara-N.log. */
export class DemoServer {
  #port;
  #child = null;
  #exited = null;
  #starts = 0;

  constructor(port) {
    this.#port = port;
    for (const file of [settings.microJar, settings.war, settings.postBoot]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run the Maven build (mvn verify) first`);
    }
    mkdirSync(settings.logDir, { recursive: true });
    // Never leave a server behind, whatever happens to this process.
    process.once('exit', () => this.#child?.kill('SIGKILL'));
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => process.exit(1));
    }
  }

  /** @returns {Promise<DemoServer>} a server on HERALD_BROWSER_PORT, or on a free port */
  static async create() {
    return new DemoServer(Number(process.env.HERALD_BROWSER_PORT) || (await freePort()));
  }

  /** The demo page's URL. */
  get url() {
    return `http://localhost:${this.#port}/herald/`;
  }

  /** Starts Payara Micro and resolves when the WAR serves herald.js. */
  async start() {
    if (this.#child) throw new Error('the demo server is already running');
    const log = createWriteStream(`${settings.logDir}/payara-${++this.#starts}.log`);
    const child = spawn(settings.java, [
      '-Xmx512m', '-XX:TieredStopAtLevel=1', `-Dherald.user-ids=${settings.userIds}`, // C1 only: half the CPU to start
      '-jar', settings.microJar, '--nohazelcast', '--port', String(this.#port),
      '--postbootcommandfile', settings.postBoot, '--contextroot', 'herald', '--deploy', settings.war,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const exitedEarly = this.#exited.then(({ code, signal }) => {
      throw new Error(`Payara Micro exited during startup (${code ?? signal}); see ${log.path}`);
    });
    try {
      await Promise.race([this.#untilServing(), exitedEarly]);
    } catch (error) {
      await this.stop();
      throw error;
    }
    exitedEarly.catch(() => {}); // a later exit is expected (stop)
  }

  /** Stops Payara Micro (SIGTERM, SIGKILL after a minute) and resolves when the process is gone. */
  async stop() {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    await this.#exited;
    clearTimeout(killer);
    this.#child = null;
  }

  async #untilServing() {
    const deadline = Date.now() + STARTUP_DEADLINE_MS;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(new URL('herald.js', this.url));
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`the demo did not come up within ${STARTUP_DEADLINE_MS / 1000} s`);
  }
}
