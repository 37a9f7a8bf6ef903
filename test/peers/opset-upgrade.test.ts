// Peers: every model of Debian's libonnx-testdata that onnxruntime runs at its own opset is
// upgraded to each target opset by our upgrader, then must load, pass our structural checker and
// onnxruntime's loader, and give the same outputs on the packaged inputs as the original did.
// Refusals (operators whose meaning cannot be carried over) are counted with their reason.
import { describe, expect, it } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TensorProtoSchema } from 'onnx-buf';
import { checkModel, readModel, writeModel } from '../../src/core/onnx/index.js';
import { upgradeOpset } from '../../src/core/onnx/upgrade-opset.js';
import { createSession } from '../../src/platform/runtime/session.js';
import { flatValues, type RuntimeTensor } from '../../src/platform/runtime/runtime-tensor.js';
import { tensorFromProto } from '../../src/platform/runtime/tensor-from-proto.js';

const DATA = '/usr/share/libonnx-testdata/data';
const TARGETS = [13, 18, 23];
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = join(root, 'bench/results/opset-upgrade.json');
const PYTHON = '/usr/bin/python3';
// onnx 1.12 (Debian) knows opsets up to 17: the models upgraded to 13 go through its full checker
// (shape inference included) in one process; it prints the files it rejects.
const ONNX_CHECK = [
  'import onnx, sys, glob',
  'bad = []',
  'for path in sorted(glob.glob(sys.argv[1] + "/*.onnx")):',
  '    try: onnx.checker.check_model(onnx.load(path), full_check=True)',
  '    except Exception as e: bad.append(path.rsplit("/", 1)[1] + ": " + str(e).splitlines()[0][:160])',
  'print("\\n".join(bad))',
].join('\n');

async function findModels(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findModels(path)));
    else if (entry.name === 'model.onnx') found.push(path);
  }
  return found.sort();
}

async function firstDataSet(dir: string): Promise<Record<string, RuntimeTensor> | undefined> {
  const sets = (await readdir(dir)).filter((d) => d.startsWith('test_data_set_')).sort();
  if (sets.length === 0) return undefined;
  const files = (await readdir(join(dir, sets[0]!))).filter((f) => f.startsWith('input_'));
  files.sort((a, b) => Number(a.slice(6, -3)) - Number(b.slice(6, -3)));
  const feeds: Record<string, RuntimeTensor> = {};
  for (const file of files) {
    const proto = fromBinary(TensorProtoSchema, await readFile(join(dir, sets[0]!, file)));
    feeds[proto.name] = tensorFromProto(proto);
  }
  return feeds;
}

function close(a: RuntimeTensor, b: RuntimeTensor): boolean {
  if (a.dims.join() !== b.dims.join() || a.elementType !== b.elementType) return false;
  const x = flatValues(a);
  const y = flatValues(b);
  return (
    x.length === y.length &&
    x.every((v, i) => {
      const w = y[i];
      if (typeof v !== 'number' || typeof w !== 'number') return v === w;
      return v === w || (Number.isNaN(v) && Number.isNaN(w)) || Math.abs(v - w) <= 1e-5 + 1e-5 * Math.abs(w);
    })
  );
}

describe.skipIf(!existsSync(DATA))('opset upgrade over libonnx-testdata', () => {
  it('keeps every runnable model computing the same outputs at opsets 13, 18 and 23', async () => {
    const counts = {
      models: 0,
      runnable: 0,
      upgrades: 0,
      sameOutputs: 0,
      rewrittenModels: 0,
      rewrittenOps: {} as Record<string, number>,
      refused: {} as Record<string, number>,
      unsupportedByRuntime: {} as Record<string, number>,
      failures: [] as string[],
      onnxChecked: 0,
    };
    const checkDir = mkdtempSync(join(tmpdir(), 'modelops-opset-check-'));
    for (const path of await findModels(DATA)) {
      counts.models++;
      const dir = dirname(path);
      const name = dir.slice(DATA.length + 1);
      const bytes = await readFile(path);
      let feeds: Record<string, RuntimeTensor> | undefined;
      let expected: Record<string, RuntimeTensor>;
      try {
        feeds = await firstDataSet(dir);
        if (!feeds) continue;
        const session = await createSession(bytes);
        if (Object.keys(feeds).some((k) => !session.inputNames.includes(k))) {
          await session.release();
          continue;
        }
        expected = await session.run(feeds);
        await session.release();
      } catch {
        continue; // not runnable at its own opset here: nothing to compare against
      }
      counts.runnable++;
      const opset = Number(
        readModel(bytes).opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0,
      );
      for (const target of TARGETS.filter((t) => t > opset)) {
        const model = readModel(bytes);
        let rewritten: Record<string, number>;
        try {
          rewritten = upgradeOpset(model, target).rewritten;
        } catch (error) {
          const why = (error as Error).message.replace(/^node [^:]*: /, '').split(' — ')[0]!;
          counts.refused[why] = (counts.refused[why] ?? 0) + 1;
          continue;
        }
        counts.upgrades++;
        if (Object.keys(rewritten).length > 0) counts.rewrittenModels++;
        for (const [op, n] of Object.entries(rewritten))
          counts.rewrittenOps[op] = (counts.rewrittenOps[op] ?? 0) + n;
        const problems = checkModel(model);
        if (problems.length > 0) {
          counts.failures.push(`${name}@${target}: checker: ${problems[0]}`);
          continue;
        }
        try {
          const session = await createSession(writeModel(model));
          const actual = await session.run(feeds);
          await session.release();
          const same = Object.keys(expected).every((k) => actual[k] && close(actual[k], expected[k]!));
          if (!same) {
            counts.failures.push(`${name}@${target}: outputs differ (rewrote ${JSON.stringify(rewritten)})`);
            continue;
          }
          counts.sameOutputs++;
          if (target === 13 && Object.keys(rewritten).length > 0) {
            await writeFile(join(checkDir, `${name.replaceAll('/', '__')}.onnx`), writeModel(model));
            counts.onnxChecked++;
          }
        } catch (error) {
          const message = (error as Error).message;
          // onnxruntime has no kernel for this operator at the target opset: the upgrade is sound,
          // the runtime is behind; convert reports this to the user the same way.
          const missing = /Could not find an implementation for (\w+)\((\d+)\)/.exec(message);
          if (missing) {
            const key = `onnxruntime has no ${missing[1]}-${missing[2]} kernel`;
            counts.unsupportedByRuntime[key] = (counts.unsupportedByRuntime[key] ?? 0) + 1;
            continue;
          }
          counts.failures.push(`${name}@${target}: ${message.slice(0, 160)}`);
        }
      }
    }
    const rejected = execFileSync(PYTHON, ['-c', ONNX_CHECK, checkDir], { encoding: 'utf8' }).trim();
    if (rejected) counts.failures.push(...rejected.split('\n').map((l) => `onnx checker: ${l}`));
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(counts, null, 2)}\n`);
    console.log(JSON.stringify(counts, null, 2));
    expect(counts.runnable).toBeGreaterThan(500);
    expect(counts.failures).toEqual([]);
    const unsupported = Object.values(counts.unsupportedByRuntime).reduce((a, b) => a + b, 0);
    expect(counts.sameOutputs).toBe(counts.upgrades - unsupported);
    expect(counts.rewrittenModels).toBeGreaterThan(20);
    expect(counts.onnxChecked).toBeGreaterThan(5);
  }, 600_000);
});
