// Headless Chromium for the browser tests: Debian's /usr/bin/chromium when installed, else the build
// that the npm package @sparticuz/chromium ships inside itself (unpacked once, no root needed).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const MODULES = fileURLToPath(new URL('node_modules/', import.meta.url));
const NOT_INSTALLED = 'the browser tests\' npm packages are not installed: mvn verify installs them (src/test/browser/install.mjs)';

/** Starts headless Chromium under playwright-core. */
export async function launchChromium() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    throw new Error(`${NOT_INSTALLED} (${error.message})`);
  }
  const executablePath = existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : await packagedChromium();
  const browser = await chromium.launch({ executablePath, args: FLAGS });
  console.log(`# Chromium ${browser.version()} from ${executablePath}`);
  return browser;
}

/**
 * The Chromium binary of @sparticuz/chromium, unpacked into node_modules/.cache/ (which `npm ci` clears with
 * the package, so an unpacked build never outlives its version). The package unpacks into os.tmpdir(), so
 * TMPDIR points at a fresh directory of this process for that call; it is renamed into place only when complete.
 */
async function packagedChromium() {
  let Chromium;
  try {
    ({ default: Chromium } = await import('@sparticuz/chromium'));
  } catch (error) {
    throw new Error(`${NOT_INSTALLED} (${error.message})`);
  }
  const { version } = JSON.parse(readFileSync(`${MODULES}@sparticuz/chromium/package.json`, 'utf8'));
  const dir = `${MODULES}.cache/herald-chromium-${version}`;
  if (!existsSync(`${dir}/chromium`)) {
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = partial;
    try {
      await Chromium.executablePath();
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
    if (existsSync(`${dir}/chromium`)) rmSync(partial, { recursive: true, force: true });
    else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(partial, dir);
    }
  }
  return `${dir}/chromium`;
}
