import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../src/platform/logger.js';
import { argvInputSource } from '../../../src/cli/argv-inputs.js';
import { parseInputs } from '../../../src/verbs/parse-inputs.js';
import { createTuneVerb } from '../../../src/verbs/tune/definition.js';
import { TUNE_INPUTS } from '../../../src/verbs/tune/inputs.js';
import { defaultParts, type TuneParts } from '../../../src/verbs/tune/parts.js';
import type { VerbDeps, VerbOutcome } from '../../../src/verbs/types.js';

/**
 * A training script the trials run: a quadratic bowl with its minimum at x = 0.3, y = 2 (plus 1 when
 * kind is 'b'), printing intermediate values and the final loss as JSON, as a real one would. Its
 * behaviour for the bad-input tests is chosen by MODE in the environment.
 */
export const TRAIN_SCRIPT = `
const params = JSON.parse(process.env.MODELOPS_PARAMS);
const fromFile = JSON.parse(require('fs').readFileSync(process.env.MODELOPS_PARAMS_FILE, 'utf8'));
if (JSON.stringify(fromFile) !== JSON.stringify(params)) throw new Error('params file differs');
const mode = process.env.MODE || 'ok';
const leaked = Object.keys(process.env).filter((k) => /^INPUT_|^ACTIONS_RUNTIME_TOKEN/.test(k));
if (leaked.length) { console.error('the action leaked ' + leaked.join(', ')); process.exit(9); }
const x = params.x ?? 0, y = params.y ?? 0;
const loss = (x - 0.3) ** 2 + (y - 2) ** 2 + (params.kind === 'b' ? 1 : 0);
if (mode === 'silent') { console.log('training done, no metric'); process.exit(0); }
if (mode === 'nan') { console.log('{"loss": NaN}'); process.exit(0); }
if (mode === 'inf') { console.log('{"loss": Infinity, "acc": 1}'); process.exit(0); }
if (mode === 'crash') { console.error('CUDA out of memory'); process.exit(3); }
if (mode === 'fork') {
  const worker = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  require('fs').writeFileSync('worker.pid', String(worker.pid));
  setTimeout(() => {}, 60000);
  return;
}
if (mode === 'sleep') { setTimeout(() => console.log(JSON.stringify({ loss })), 60000); return; }
if (mode === 'file') { require('fs').writeFileSync(process.env.MODELOPS_METRICS_FILE, JSON.stringify({ loss: loss + 100 })); process.exit(0); }
for (let step = 1; step <= 3; step++) console.log(JSON.stringify({ step, loss: loss + (3 - step) }));
console.log('some log line {not json}');
console.log(JSON.stringify({ loss, other: 1 }));
`;

export const SPACE_YAML = `x: {type: float, low: 0, high: 1}
y: {type: int, low: 0, high: 4}
kind: {type: categorical, choices: [a, b]}
`;

export function makeWorkdir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelops-tune-'));
  writeFileSync(join(dir, 'train.cjs'), TRAIN_SCRIPT);
  writeFileSync(join(dir, 'space.yaml'), SPACE_YAML);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The training command as the user would write it (the node path quoted, in case it has spaces). */
export const TRAIN_COMMAND = `"${process.execPath}" train.cjs`;

export function makeDeps(cwd: string, env: Record<string, string> = {}): VerbDeps & { lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    group: (_t, fn) => fn(),
  };
  return {
    lines,
    logger,
    progress: () => ({ tick: () => {}, update: () => {}, done: () => {} }),
    cwd,
    clock: () => new Date(),
    env: { PATH: process.env.PATH, ...env },
  };
}

/** Runs the verb in-process with CLI-style arguments, as `modelops tune …` would. */
export async function tune(
  args: string[],
  deps: VerbDeps,
  parts?: () => Promise<TuneParts>,
): Promise<VerbOutcome> {
  const { source } = argvInputSource('tune', TUNE_INPUTS, args);
  const inputs = parseInputs('tune', TUNE_INPUTS, source);
  return createTuneVerb(parts ?? defaultParts).run(inputs, deps);
}
