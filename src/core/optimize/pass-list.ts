import { UsageError } from '../errors.js';
import type { OptimizationPass } from './pass.js';

/** A pass the user asked for, with its options (`prune:sparsity=0.7`). */
export interface SelectedPass {
  pass: OptimizationPass;
  options: Record<string, string | number | boolean>;
}

/** Passes that set the numeric precision: a candidate uses at most one of them. */
export function isPrecisionPass(name: string): boolean {
  return name === 'fp16' || name.startsWith('int8') || name.startsWith('int4');
}

/**
 * Reads `--passes` items: `name` or `name:key=value[:key=value]`. Numbers and true/false are
 * typed; unknown names and malformed options are UsageErrors that list what exists.
 */
export function selectPasses(
  items: readonly string[],
  available: readonly OptimizationPass[],
): SelectedPass[] {
  const byName = new Map(available.map((p) => [p.name, p]));
  const selected: SelectedPass[] = [];
  for (const item of items) {
    const [name = '', ...parts] = item.split(':').map((s) => s.trim());
    const pass = byName.get(name);
    if (!pass) {
      throw new UsageError(`--passes: '${name}' is not a pass`, {
        fix: `use some of ${available.map((p) => p.name).join(', ')}`,
      });
    }
    if (selected.some((s) => s.pass.name === name)) {
      throw new UsageError(`--passes: '${name}' is given twice`, { fix: 'give each pass once' });
    }
    const options: SelectedPass['options'] = {};
    for (const part of parts) {
      const match = /^([a-z][a-z0-9-]*)=(.*)$/i.exec(part);
      if (!match) {
        throw new UsageError(`--passes: option '${part}' of ${name} is not key=value`, {
          fix: `write e.g. ${name}:key=value`,
        });
      }
      const raw = match[2]!;
      options[match[1]!] =
        raw === 'true'
          ? true
          : raw === 'false'
            ? false
            : raw !== '' && Number.isFinite(Number(raw))
              ? Number(raw)
              : raw;
    }
    selected.push({ pass, options });
  }
  return selected;
}

/** Where a pass goes in a pipeline: weights thinned first, then precision, then clean-up and fusion. */
function stage(name: string): number {
  if (name === 'prune') return 0;
  if (isPrecisionPass(name)) return 1;
  if (name === 'dead-code') return 3;
  if (name === 'graph') return 4;
  return 2;
}

/**
 * The candidate pipelines: every non-empty combination of the selected passes with at most one
 * precision pass (int8, int8-static and fp16 exclude each other), in pipeline order. dead-code,
 * when selected, is a clean-up that runs at the end of every pipeline (and alone).
 */
export function planCandidates(selected: readonly SelectedPass[]): SelectedPass[][] {
  const cleanup = selected.filter((s) => s.pass.name === 'dead-code');
  const precision = selected.filter((s) => isPrecisionPass(s.pass.name));
  const others = selected.filter((s) => s.pass.name !== 'dead-code' && !isPrecisionPass(s.pass.name));
  const pipelines: SelectedPass[][] = [];
  const choices: (SelectedPass | undefined)[] = [undefined, ...precision];
  for (let mask = 0; mask < 1 << others.length; mask++) {
    for (const chosen of choices) {
      const passes = [...others.filter((_, i) => mask & (1 << i)), ...(chosen ? [chosen] : [])];
      if (passes.length === 0) continue;
      pipelines.push([...passes, ...cleanup].sort((a, b) => stage(a.pass.name) - stage(b.pass.name)));
    }
  }
  if (cleanup.length > 0) pipelines.unshift(cleanup);
  // Fewest passes first, so the table reads from single passes to combinations.
  return pipelines.sort((a, b) => a.length - b.length);
}

/** A pipeline's name in tables and --json: its passes joined by '+'. */
export function pipelineName(pipeline: readonly SelectedPass[]): string {
  return pipeline.map((s) => s.pass.name).join('+');
}
