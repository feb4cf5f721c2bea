// herald.d.ts: one `tsc --noEmit` run (typescript pinned in src/test/types/package-lock.json, installed with
// `npm ci` into target/ts-check on first use, no root needed) accepts usage.ts and rejects each
// deliberate error of bad-usage.ts, on the line that has it, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const types = `${root}src/test/types/`;
const tools = `${root}target/ts-check/`;
const tsc = `${tools}node_modules/typescript/bin/tsc`;

function installTypeScript() {
  const lock = readFileSync(`${types}package-lock.json`, 'utf8');
  if (existsSync(tsc) && existsSync(`${tools}package-lock.json`) && readFileSync(`${tools}package-lock.json`, 'utf8') === lock) return;
  mkdirSync(tools, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(`${types}${f}`, `${tools}${f}`);
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: tools, encoding: 'utf8', shell: process.platform === 'win32' });
  assert.equal(npm.status, 0, `npm ci failed:\n${npm.stdout}${npm.stderr}`);
}

function typeCheck(project) {
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', `${types}${project}`], { encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

test('tsc --noEmit accepts a typical TypeScript usage and rejects each deliberate type error, on its line', { timeout: 180000 }, () => {
  installTypeScript();
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', `${types}tsconfig.json`], { encoding: 'utf8' });
  const out = `${run.stdout}${run.stderr}`;
  assert.notEqual(run.status, 0, 'bad-usage.ts must not compile');
  assert.doesNotMatch(out, /(?<!bad-)usage\.ts\(/, 'usage.ts must compile');
  const expected = readFileSync(`${types}bad-usage.ts`, 'utf8').split('\n').flatMap((l, i) => (l.includes('// error:') ? [i + 1] : []));
  const reported = [...new Set([...out.matchAll(/bad-usage\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1])))];
  assert.deepEqual(reported, expected, out);
  assert.equal(out.split('\n').filter((l) => /error TS/.test(l)).length, expected.length, out);
});
