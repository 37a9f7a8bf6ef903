import { readFile as fsReadFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { defaultConfig } from './default-config.js';
import { parseConfig, type ParseConfigOptions } from './parse-config.js';
import type { ModelopsConfig } from './types.js';

export interface LoadConfigOptions extends ParseConfigOptions {
  /**
   * true when the user named the file (an explicit `config` input or --config): a missing file is
   * then an error. false for the default path: a repository without modelops.yaml gets defaults.
   */
  required: boolean;
  /** Injected in tests; defaults to reading the file as UTF-8. */
  readFile?: (path: string) => Promise<string>;
}

/** Reads and parses modelops.yaml; see {@link parseConfig} for validation and messages. */
export async function loadConfig(
  path: string,
  options: LoadConfigOptions = { required: false },
): Promise<ModelopsConfig> {
  const read = options.readFile ?? ((file: string) => fsReadFile(file, 'utf8'));
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.required) return defaultConfig();
    if (code === 'ENOENT') {
      throw new ConfigError(`${path}: config file not found (${path})`, {
        fix: 'create it (see docs/concepts/configuration.md) or point the config input (--config) at the right file',
        cause: error,
      });
    }
    throw new ConfigError(`${path}: cannot read the config file (${code ?? String(error)})`, {
      fix: 'check that it is a readable file, not a directory',
      cause: error,
    });
  }
  return parseConfig(text, path, options);
}
