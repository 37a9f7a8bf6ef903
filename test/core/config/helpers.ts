import { expect } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { ConfigFileError, parseConfig, type ParseConfigOptions } from '../../../src/core/config/index.js';

/** Joins lines into a YAML document, so tests show the file as it would be written. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The ConfigFileError parseConfig throws for `text`; fails the test when it parses. */
export function configError(text: string, options?: ParseConfigOptions): ConfigFileError {
  try {
    parseConfig(text, 'modelops.yaml', options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigFileError;
  }
  throw new Error(`expected a ConfigError for:\n${text}`);
}

/** The one-line message of the error for `text`. */
export function messageOf(text: string, options?: ParseConfigOptions): string {
  const message = configError(text, options).message;
  expect(message).not.toContain('\n');
  return message;
}
