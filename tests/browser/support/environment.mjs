// The settings that scripts/test.sh passes to the browser tests through the
// environment. Every variable is required, so a missing one fails the run at
// once with its name instead of half-way through a step.

const REQUIRED_VARIABLES = {
  TELEHEALTH_URL: 'the server origin, for example https://localhost:8444',
  TELEHEALTH_CONFIG: "the path of the server's JSON configuration",
  TELEHEALTH_BINARY: 'the path of the telehealth server binary',
  TURN_PORT: "the UDP and TCP port of the project's coturn on 127.0.0.1",
  TELEHEALTH_TEST_ADMIN_DSN: 'a libpq connection string of the test database as a superuser',
};

/** Reads and checks the test environment. Throws one error that lists every missing variable. */
export function readTestEnvironment() {
  const missing = Object.entries(REQUIRED_VARIABLES).filter(([name]) => !process.env[name]);
  if (missing.length > 0) {
    const lines = missing.map(([name, meaning]) => `  ${name}: ${meaning}`).join('\n');
    throw new Error(
      `The browser tests need these environment variables, which are not set:\n${lines}\n` +
        'scripts/test.sh sets them; see tests/browser/README.md to run the tests by hand.',
    );
  }

  const turnPort = Number(process.env.TURN_PORT);
  if (!Number.isInteger(turnPort) || turnPort < 1 || turnPort > 65535) {
    throw new Error(`TURN_PORT must be a port number from 1 to 65535, but it is "${process.env.TURN_PORT}".`);
  }

  return {
    serverUrl: new URL(process.env.TELEHEALTH_URL).origin,
    configPath: process.env.TELEHEALTH_CONFIG,
    binaryPath: process.env.TELEHEALTH_BINARY,
    turnPort,
    adminDsn: process.env.TELEHEALTH_TEST_ADMIN_DSN,
  };
}
