// Starts a second instance of the built server for tests that need settings
// the shared test server does not have (a short idle timeout, a low rate
// limit, an OpenID Connect provider). It shares the test database and
// keyring, and listens on a free loopback port of its own.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { binary, config } from './env.mjs';

// Returns a TCP port that was free a moment ago. The kernel picks it, so two
// test files starting servers at once do not collide.
async function freePort() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Merges `overrides` into a copy of `base`: objects key by key, anything else
// (arrays included) replaced whole.
function merge(base, overrides) {
  const result = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    result[key] = isPlainObject(value) && isPlainObject(base[key]) ? merge(base[key], value) : value;
  }
  return result;
}

async function waitUntilHealthy(url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8')}`);
    }
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`the server at ${url} was not healthy after ${timeoutMs} ms`);
}

/**
 * Starts `telehealth serve` with the test configuration changed by
 * `overrides` (merged key by key; `listen` and `public_origin` are set to a
 * free port). Returns `{url, config, configFile, logFile, stop()}`; call
 * stop() in an `after` hook. The configuration and log live in a temporary
 * folder beside the test configuration, which stop() removes.
 */
export async function startServer(overrides = {}) {
  const port = await freePort();
  const url = `https://localhost:${port}`;
  const serverConfig = merge(config, {
    ...overrides,
    listen: `127.0.0.1:${port}`,
    public_origin: url,
  });

  const folder = mkdtempSync(join(dirname(process.env.TELEHEALTH_CONFIG), 'server-'));
  const configFile = join(folder, 'telehealth.json');
  const logFile = join(folder, 'server.log');
  writeFileSync(configFile, `${JSON.stringify(serverConfig, null, 2)}\n`, { mode: 0o600 });

  const log = openSync(logFile, 'w');
  const child = spawn(binary, ['--config', configFile, 'serve'], {
    stdio: ['ignore', log, log],
  });
  try {
    await waitUntilHealthy(url, child, logFile, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  async function stop() {
    if (child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  }

  return { url, config: serverConfig, configFile, logFile, stop };
}
