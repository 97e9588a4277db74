// The environment that scripts/test.sh gives the API tests, read once and
// checked, so a missing variable fails with its name instead of a fetch error.

import { readFileSync } from 'node:fs';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set; run the API tests through scripts/test.sh, or set ` +
        'TELEHEALTH_URL, TELEHEALTH_CONFIG, TELEHEALTH_BINARY, TELEHEALTH_TEST_ADMIN_DSN ' +
        'and NODE_EXTRA_CA_CERTS yourself',
    );
  }
  return value;
}

/** The server's public origin, for example https://localhost:8444. */
export const baseUrl = required('TELEHEALTH_URL').replace(/\/+$/, '');

/** Path of the server's JSON configuration file. */
export const configFile = required('TELEHEALTH_CONFIG');

/** Path of the `telehealth` binary. */
export const binary = required('TELEHEALTH_BINARY');

/** libpq connection string of a PostgreSQL superuser on the server's database. */
export const adminDsn = required('TELEHEALTH_TEST_ADMIN_DSN').trim();

/** The server's configuration, as `telehealth serve` reads it. */
export const config = JSON.parse(readFileSync(configFile, 'utf8'));

/** libpq connection string of the application role (telehealth_app). */
export const appDsn = config.database.url;

/** The coturn shared secret: the first line of `turn.secret_file`. */
export function turnSecret() {
  return readFileSync(config.turn.secret_file, 'utf8').split('\n')[0];
}
