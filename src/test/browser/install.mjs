// Installs the browser tests' npm packages from package-lock.json (`npm ci`) when node_modules is
// missing or differs from the lockfile; does nothing when every locked package is installed at its
// locked version. Run by `mvn verify` (pom.xml, exec-maven-plugin) before the integration tests.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** @returns {string[]} the locked packages that are missing or installed at another version */
function stalePackages() {
  const lock = readJson(`${HERE}package-lock.json`);
  if (!lock) throw new Error(`${HERE}package-lock.json is missing or unreadable`);
  return Object.entries(lock.packages)
    .filter(([path]) => path.startsWith('node_modules/'))
    .filter(([path, locked]) => readJson(`${HERE}${path}/package.json`)?.version !== locked.version)
    .map(([path]) => path.slice('node_modules/'.length));
}

const stale = stalePackages();
if (stale.length === 0) {
  console.log('browser tests: npm packages up to date with package-lock.json');
} else {
  const which = stale.length > 3 ? `${stale.length} packages` : stale.join(', ');
  console.log(`browser tests: npm ci (missing or stale: ${which})`);
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--update-notifier=false', '--loglevel=error'], { cwd: HERE, stdio: 'inherit' });
  if (npm.error) throw new Error(`cannot run npm: ${npm.error.message}`);
  if (npm.status !== 0) process.exit(npm.status ?? 1);
  const still = stalePackages();
  if (still.length > 0) throw new Error(`npm ci left packages missing: ${still.join(', ')}`);
}
