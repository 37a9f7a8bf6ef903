import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigFileError, loadConfig } from '../../../src/core/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelops-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads and parses a file, naming it in the config', async () => {
    const file = join(dir, 'modelops.yaml');
    await writeFile(file, 'version: 1\nmodels:\n  churn: {}\n');
    const config = await loadConfig(file, { required: true });
    expect(config.source).toBe(file);
    expect(config.models.churn?.path).toBe('models/churn/model.onnx');
  });

  test('errors carry the path as given', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'version: 1\naudit: { fail-level: severe }\n');
    const error = await loadConfig(file, { required: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as Error).message).toBe(
      `${file}:2:22: audit.fail-level must be one of low, medium, high, critical ("severe") — write one of those values`,
    );
  });

  test('a missing default file gives the default config', async () => {
    const config = await loadConfig(join(dir, 'absent.yaml'), { required: false });
    expect(config.source).toBeNull();
    expect(config.environments.map((environment) => environment.name)).toEqual([
      'dev',
      'staging',
      'production',
    ]);
    expect(await loadConfig(join(dir, 'absent.yaml'))).toEqual(config);
  });

  test('a missing file the user asked for is a ConfigError', async () => {
    const file = join(dir, 'absent.yaml');
    await expect(loadConfig(file, { required: true })).rejects.toThrow(ConfigError);
    await expect(loadConfig(file, { required: true })).rejects.toThrow(
      `${file}: config file not found (${file}) — create it (see docs/concepts/configuration.md) or point the config input (--config) at the right file`,
    );
  });

  test('a directory is a ConfigError, not a crash', async () => {
    const sub = join(dir, 'a-directory.yaml');
    await mkdir(sub);
    await expect(loadConfig(sub, { required: false })).rejects.toThrow(
      `${sub}: cannot read the config file (EISDIR)`,
    );
  });

  test('the reader can be injected', async () => {
    const config = await loadConfig('virtual/modelops.yaml', {
      required: true,
      readFile: async () => 'version: 1\n',
    });
    expect(config.source).toBe('virtual/modelops.yaml');
  });
});
