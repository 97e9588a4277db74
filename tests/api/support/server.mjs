// A second instance of the built server for tests that need another
// configuration, for example single sign-on. It shares the test database
// with the main test server, and listens on a free loopback port.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { binary, config } from './env.mjs';

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

// Merges `overrides` into `base`: objects key by key, anything else replaced.
function merge(base, overrides) {
  const result = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const nested = value && typeof value === 'object' && !Array.isArray(value);
    result[key] = nested && base[key] && typeof base[key] === 'object' ? merge(base[key], value) : value;
  }
  return result;
}

async function waitUntilHealthy(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the second server exited with status ${child.exitCode}: ${output.join('')}`);
    }
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the second server did not become healthy in ${timeoutMs} ms: ${output.join('')}`);
}

/**
 * Starts `telehealth serve` with a copy of the test configuration, changed by
 * `configOverrides` (merged key by key), on a free port. Returns
 * `{url, stop()}`; `stop` ends the process and removes its files.
 */
export async function startServer(configOverrides = {}) {
  const port = await freePort();
  const url = `https://localhost:${port}`;
  const settings = merge(
    { ...config, listen: `127.0.0.1:${port}`, public_origin: url },
    configOverrides,
  );
  const folder = mkdtempSync(join(tmpdir(), 'th-server-'));
  const configPath = join(folder, 'telehealth.json');
  writeFileSync(configPath, JSON.stringify(settings, null, 2), { mode: 0o600 });

  const child = spawn(binary, ['--config', configPath, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk) => output.push(chunk.toString()));
  try {
    await waitUntilHealthy(url, child, output, 30_000);
  } catch (error) {
    child.kill('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }

  return {
    url,
    /** The server's log lines so far, as one string. */
    log: () => output.join(''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
