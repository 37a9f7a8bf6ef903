import { createHash } from 'node:crypto';
import { isUsageError, ModelFormatError } from '../../core/errors.js';
import { checkModel, writeModel, type ModelProto } from '../../core/onnx/index.js';
import { oneLine } from '../../core/onnx/model-codec.js';
import { pipelineName, type PassContext, type SelectedPass } from '../../core/optimize/index.js';

/** A candidate after its passes ran: a model to measure, or why there is none. */
export interface BuiltCandidate {
  name: string;
  passes: string[];
  status: 'built' | 'skipped' | 'invalid';
  reason?: string;
  notes: string[];
  model?: ModelProto;
  bytes?: Uint8Array;
  /** Set when every pass is meant to be exact: the largest output difference allowed. */
  exactTolerance?: number;
}

type Step =
  { kind: 'changed'; model: ModelProto; notes: string[] } | { kind: 'skipped' | 'invalid'; reason: string };

/**
 * Runs each pipeline's passes in order on the original. Pipelines sharing a prefix reuse its
 * result; a skipped pass skips the candidate (saying which pass and why), a pass that fails or
 * leaves a malformed model makes it invalid, and a candidate identical to the original or to an
 * earlier one is skipped as a duplicate. UsageErrors other than model-format ones (bad pass
 * options) propagate: they are the user's to fix.
 */
export async function buildCandidates(
  original: ModelProto,
  pipelines: readonly SelectedPass[][],
  context: Omit<PassContext, 'options'>,
): Promise<BuiltCandidate[]> {
  const cache = new Map<string, Step>();
  const seen = new Map<string, string>([[hash(writeModel(original)), 'the original']]);
  const built: BuiltCandidate[] = [];
  for (const pipeline of pipelines) {
    const name = pipelineName(pipeline);
    const passes = pipeline.map((s) => s.pass.name);
    let model = original;
    const notes: string[] = [];
    let failed: BuiltCandidate | undefined;
    for (let i = 0; i < pipeline.length; i++) {
      const { pass, options } = pipeline[i]!;
      const key = pipeline
        .slice(0, i + 1)
        .map((s) => `${s.pass.name}${JSON.stringify(s.options)}`)
        .join('>');
      let step = cache.get(key);
      if (!step) {
        step = await runPass(() => pass.apply(model, { ...context, options }));
        cache.set(key, step);
      }
      // A clean-up with nothing to clean leaves the model as it is; any other skipped pass skips
      // the candidate, so the table says why (and does not show a duplicate of a shorter one).
      if (step.kind === 'skipped' && pass.name === 'dead-code' && pipeline.length > 1) {
        notes.push(`${pass.name}: ${step.reason}`);
        continue;
      }
      if (step.kind !== 'changed') {
        failed = { name, passes, status: step.kind, reason: `${pass.name}: ${step.reason}`, notes };
        break;
      }
      model = step.model;
      notes.push(...step.notes.map((n) => `${pass.name}: ${n}`));
    }
    if (failed) {
      built.push(failed);
      continue;
    }
    const problems = checkModel(model);
    if (problems.length > 0) {
      built.push({ name, passes, status: 'invalid', reason: `malformed: ${problems[0]}`, notes });
      continue;
    }
    const bytes = writeModel(model);
    const digest = hash(bytes);
    const same = seen.get(digest);
    if (same) {
      built.push({ name, passes, status: 'skipped', reason: `same model as ${same}`, notes });
      continue;
    }
    seen.set(digest, name);
    const tolerances = pipeline.map((s) => s.pass.exactTolerance);
    const exact = tolerances.every((t) => t !== undefined)
      ? Math.max(...(tolerances as number[]))
      : undefined;
    built.push({
      name,
      passes,
      status: 'built',
      notes,
      model,
      bytes,
      ...(exact !== undefined ? { exactTolerance: exact } : {}),
    });
  }
  return built;
}

async function runPass(apply: () => Promise<Step> | Step): Promise<Step> {
  try {
    return await apply();
  } catch (error) {
    if (isUsageError(error) && !(error instanceof ModelFormatError)) throw error;
    return { kind: 'invalid', reason: oneLine(error) };
  }
}

function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
