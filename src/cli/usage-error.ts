/**
 * @module cli/usage-error
 * A command-line mistake (bad flag, bad peer name): printed as one line, exit code 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
