import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { ModelFormatError, UsageError } from '../../core/errors.js';
import { checkModel, readModel, type ModelProto } from '../../core/onnx/index.js';
import type { VerbDeps } from '../types.js';

/**
 * Splits the exporter input into program and arguments: a JSON array of strings, or words split
 * on whitespace. Never a shell: nothing is interpolated, globbed or expanded.
 */
export function parseExporter(raw: string): string[] {
  const text = raw.trim();
  let argv: unknown;
  if (text.startsWith('[')) {
    try {
      argv = JSON.parse(text);
    } catch {
      argv = undefined;
    }
  } else {
    argv = text.split(/\s+/).filter(Boolean);
  }
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) {
    throw new UsageError(`--exporter '${raw}' is not a command`, {
      fix: 'give the program and its arguments, e.g. --exporter \'["python3", "export.py", "--out", "{output}"]\'',
    });
  }
  return argv as string[];
}

/**
 * Runs the user's exporter (torch.onnx.export, tf2onnx … in their own environment) with `{output}`
 * in its arguments replaced by the output path, then checks what it wrote: an ONNX model whose
 * structure is sound. A failing exporter or a missing or malformed result is the user's to fix
 * (exit 2); the parity step then runs it in onnxruntime.
 */
export async function runExporter(
  argv: string[],
  outputPath: string,
  deps: VerbDeps,
): Promise<{ seconds: number; bytes: Uint8Array; model: ModelProto }> {
  const [program, ...args] = argv.map((a) => a.replaceAll('{output}', outputPath));
  const started = Date.now();
  deps.logger.info(`running exporter: ${[program, ...args].join(' ')}`);
  await new Promise<void>((done, fail) => {
    const child = execFile(
      program!,
      args,
      { cwd: deps.cwd, env: { ...deps.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return done();
        const code = (error as { code?: number | string }).code;
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        fail(
          new UsageError(
            code === 'ENOENT'
              ? `exporter program '${program}' was not found`
              : `exporter failed (exit ${String(code)})${tail ? `: ${tail}` : ''}`,
            { fix: 'run the exporter by hand in this environment and fix it first' },
          ),
        );
      },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of String(chunk).trimEnd().split('\n')) deps.logger.info(`exporter: ${line}`);
    });
  });
  const bytes = await readFile(outputPath).catch(() => {
    throw new UsageError(`the exporter finished but wrote no ${outputPath}`, {
      fix: 'pass {output} where the exporter takes its output path, or make it write --output',
    });
  });
  const model = readModel(bytes, outputPath);
  const problems = checkModel(model);
  if (problems.length > 0) {
    throw new ModelFormatError(`the exported model is malformed: ${problems.slice(0, 3).join('; ')}`, {
      fix: 'export again with an opset onnxruntime supports',
    });
  }
  return { seconds: (Date.now() - started) / 1000, bytes, model };
}
