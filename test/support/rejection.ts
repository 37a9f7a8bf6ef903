import { expect } from 'vitest';

/**
 * Awaits a promise that must fail and returns its error, having checked that it is an Error whose
 * message is one line (what the user sees: no stack trace, no wrapped cause on the next line).
 */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).not.toContain('\n');
  return error as Error;
}
