// Importing the runtime module must not load onnxruntime-node: verbs that run no model start fast.
// Proof by two independent checks on the real module graph: esbuild's metafile (onnxruntime-node
// is reached only through a dynamic import) and a child process whose mapped shared libraries
// show libonnxruntime absent after import and present after createSession (the positive control
// proves the check can see it).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { build, type Metafile } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeModel } from '../../../src/core/onnx/model-codec.js';
import { makeLogisticRegression } from '../../core/onnx/models.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
let dir: string;
let metafile: Metafile;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelops-lazy-'));
  const result = await build({
    entryPoints: [join(root, 'src/platform/runtime/index.ts')],
    outfile: join(dir, 'runtime.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: ['onnxruntime-node'],
    metafile: true,
    logLevel: 'silent',
  });
  metafile = result.metafile;
  // The bundle resolves the external onnxruntime-node from a node_modules beside it.
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'model.onnx'), writeModel(makeLogisticRegression()));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lazy onnxruntime-node', () => {
  it('is reached only through a dynamic import', () => {
    const kinds = Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.path === 'onnxruntime-node').map((i) => i.kind),
    );
    expect(kinds).toEqual(['dynamic-import']);
  });

  it.skipIf(!existsSync('/proc/self/maps'))(
    'is not loaded by importing the module, only by createSession',
    async () => {
      const script = `
      import { readFileSync } from 'node:fs';
      const mapped = () => readFileSync('/proc/self/maps', 'utf8').includes('libonnxruntime');
      const runtime = await import(${JSON.stringify(join(dir, 'runtime.mjs'))});
      const afterImport = mapped();
      const session = await runtime.createSession(${JSON.stringify(join(dir, 'model.onnx'))});
      const afterSession = mapped();
      await session.release();
      console.log(JSON.stringify({ afterImport, afterSession, exports: Object.keys(runtime).length }));
    `;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: dir,
      });
      const result = JSON.parse(stdout.trim()) as {
        afterImport: boolean;
        afterSession: boolean;
        exports: number;
      };
      expect(result.exports).toBeGreaterThan(5);
      expect(result.afterImport).toBe(false);
      expect(result.afterSession).toBe(true);
    },
  );
});
