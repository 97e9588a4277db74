// Reads the test database directly through psql, to check what the server
// stored independently of its API.
import { execFileSync } from 'node:child_process';

/**
 * Runs one SQL statement and returns its output as psql prints it unaligned
 * and without headers (-A -t), trimmed. `variables` become psql variables, so the statement quotes them
 * with :'name' and no value is pasted into the SQL text.
 */
export function queryScalar(adminDsn, sql, variables = {}) {
  const variableArgs = Object.entries(variables).flatMap(([name, value]) => ['-v', `${name}=${value}`]);
  // psql interpolates variables only in statements it reads from a file or
  // standard input, not in a -c argument.
  const output = execFileSync('psql', [adminDsn, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', ...variableArgs, '-f', '-'], {
    input: sql,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return output.trim();
}

export function queryCount(adminDsn, sql, variables = {}) {
  const text = queryScalar(adminDsn, sql, variables);
  const count = Number(text);
  if (!Number.isInteger(count)) {
    throw new Error(`psql returned "${text}", not a count, for: ${sql}`);
  }
  return count;
}
