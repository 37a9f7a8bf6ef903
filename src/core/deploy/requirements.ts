/**
 * Whether a version may enter an environment: stage order, the branch rule, soak time in the
 * previous environment, and evidence (gates passed, audit clean) for exactly this model file.
 * Pure: every fact arrives as a value, so each rule is tested without git.
 */
import type { EnvironmentConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { ModelState } from '../registry/events.js';
import { branchAllowed } from './branch-rule.js';
import { formatDuration } from './duration-text.js';
import type { AuditEvidence, DeployEvidenceFile, EvaluateEvidence } from './evidence.js';

export interface PromotionFacts {
  environment: EnvironmentConfig;
  model: ModelState;
  /** SemVer without the `v`. */
  version: string;
  /** The version's content hash from its register tag evidence, when it has one. */
  sha256: string | undefined;
  /** Gates `requires.gates: all` stands for (the model's gates that apply to this environment). */
  applicableGates: readonly string[];
  /** The branch the deploy runs from; undefined on a detached HEAD or a tag. */
  branch: string | undefined;
  now: Date;
  evidence: readonly DeployEvidenceFile[];
}

/** What the checks found, recorded in the tag evidence. */
export interface PromotionCheck {
  previous: { environment: string; tag: string; since: string | null } | null;
  soakMs: number | null;
  gates: { required: string[]; passed: Record<string, string>; file: string; digest: string } | null;
  audit: { verdict: string; file: string; digest: string } | null;
  branch: string | null;
}

/** Checks every requirement; the first unmet one is a UsageError naming it and how to meet it. */
export function checkPromotion(facts: PromotionFacts): PromotionCheck {
  const { environment: env, model } = facts;
  const v = `v${facts.version}`;
  const requires = env.requires;
  if (!branchAllowed(facts.branch, requires.branches)) {
    throw new UsageError(
      `${env.name} accepts deploys from ${requires.branches.join(', ')} only; this run is on ${facts.branch ?? 'no branch (detached HEAD or a tag)'}`,
      {
        fix: `run the deploy from one of those branches (requires.branches of ${env.name} in modelops.yaml)`,
      },
    );
  }
  let previous: PromotionCheck['previous'] = null;
  if (requires.previous !== null) {
    const held = model.stages.find((s) => s.stage === requires.previous);
    if (held?.version !== facts.version) {
      const now = held
        ? `${requires.previous} holds ${held.version ? `v${held.version}` : held.commit}`
        : `${requires.previous} holds nothing`;
      throw new UsageError(
        `${model.name} ${v} is not in ${requires.previous}, which ${env.name} requires first (${now})`,
        {
          fix: `promote it there first: modelops deploy --model ${model.name} --version ${v} --to ${requires.previous}`,
        },
      );
    }
    previous = { environment: requires.previous, tag: held.tag.name, since: held.tag.date ?? null };
    if (requires.soakMs !== undefined) {
      const since = held.tag.date ? Date.parse(held.tag.date) : NaN;
      const soaked = Number.isNaN(since) ? 0 : facts.now.getTime() - since;
      if (soaked < requires.soakMs) {
        const ready = Number.isNaN(since) ? undefined : new Date(since + requires.soakMs).toISOString();
        throw new UsageError(
          `${model.name} ${v} has been in ${requires.previous} for ${formatDuration(soaked)}; ${env.name} requires ${formatDuration(requires.soakMs)} (requires.soak)`,
          {
            fix: ready
              ? `promote it after ${ready}`
              : `the tag ${held.tag.name} has no tagger date; re-assign it with modelops deploy`,
          },
        );
      }
    }
  }
  return {
    previous,
    soakMs: requires.soakMs ?? null,
    gates: checkGates(facts, v),
    audit: checkAudit(facts, v),
    branch: facts.branch ?? null,
  };
}

function checkGates(facts: PromotionFacts, v: string): PromotionCheck['gates'] {
  const { gates } = facts.environment.requires;
  if (Array.isArray(gates) && gates.length === 0) return null;
  const required = gates === 'all' ? [...facts.applicableGates] : gates;
  const what =
    gates === 'all'
      ? required.length
        ? `all gates (${required.join(', ')})`
        : 'a passing evaluation'
      : `the gates ${required.join(', ')}`;
  const results = facts.evidence.filter((e): e is EvaluateEvidence => e.kind === 'evaluate');
  if (results.length === 0) {
    throw new UsageError(
      `${facts.environment.name} requires ${what} to have passed for ${facts.model.name} ${v}, and no evaluate result was given`,
      {
        fix: `run modelops evaluate --json > evaluate.json on this version and pass --evidence evaluate.json`,
      },
    );
  }
  const problems: string[] = [];
  for (const result of results) {
    matchModel(facts, v, result.file, result.sha256 ? [result.sha256] : [], result.name);
    problems.length = 0;
    if (result.verdict === 'fail') problems.push(`verdict fail`);
    for (const gate of required) {
      const status = result.gates[gate];
      if (status === undefined) problems.push(`gate ${gate} missing`);
      else if (status !== 'pass' && status !== 'warn') problems.push(`gate ${gate}: ${status}`);
    }
    if (problems.length === 0)
      return {
        required,
        passed: pickGates(result.gates, required),
        file: result.file,
        digest: result.digest,
      };
  }
  throw new UsageError(
    `${facts.environment.name} requires ${what} to have passed for ${facts.model.name} ${v}; ${results.at(-1)!.file} has ${problems.join(', ')}`,
    {
      fix: 'fix the model or the gates in modelops.yaml, evaluate again and pass the new result with --evidence',
    },
  );
}

function pickGates(all: Record<string, string>, required: readonly string[]): Record<string, string> {
  return Object.fromEntries(required.map((g) => [g, all[g]!]));
}

function checkAudit(facts: PromotionFacts, v: string): PromotionCheck['audit'] {
  if (facts.environment.requires.audit !== 'clean') return null;
  const audits = facts.evidence.filter((e): e is AuditEvidence => e.kind === 'audit');
  if (audits.length === 0) {
    throw new UsageError(
      `${facts.environment.name} requires a clean audit of ${facts.model.name} ${v}, and no audit result was given`,
      {
        fix: 'run modelops audit --format json --report-file audit.json on the model and pass --evidence audit.json',
      },
    );
  }
  for (const audit of audits) matchModel(facts, v, audit.file, audit.sha256s);
  const clean = audits.find((a) => a.clean);
  if (!clean) {
    throw new UsageError(
      `${facts.environment.name} requires a clean audit of ${facts.model.name} ${v}; ${audits[0]!.file} says ${audits[0]!.verdict}`,
      {
        fix: 'remove the findings, or allowlist the file by sha256 in modelops.yaml (audit.allowlist) after review',
      },
    );
  }
  return { verdict: clean.verdict, file: clean.file, digest: clean.digest };
}

// Evidence about another file must never carry a promotion, so a content hash, when the result
// has one, must be the version's.
function matchModel(
  facts: PromotionFacts,
  v: string,
  file: string,
  sha256s: readonly string[],
  name?: string,
): void {
  if (name !== undefined && name !== facts.model.name) {
    throw new UsageError(`--evidence ${file} is about model '${name}', not ${facts.model.name}`, {
      fix: `pass the result of evaluating ${facts.model.name} ${v}`,
    });
  }
  if (sha256s.length === 0 || facts.sha256 === undefined) return;
  if (!sha256s.includes(facts.sha256)) {
    throw new UsageError(
      `--evidence ${file} is about sha256 ${sha256s[0]!.slice(0, 12)}…, not ${facts.model.name} ${v} (${facts.sha256.slice(0, 12)}…)`,
      { fix: `check out ${facts.model.name}@${v} and run the evaluation or audit on that file` },
    );
  }
}
