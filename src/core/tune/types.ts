/**
 * The vocabulary shared by the search space, the samplers and the study journal. It follows
 * optuna's (float/int/categorical distributions, trial states, intermediate values) so a user who
 * knows optuna reads a modelops study without a dictionary.
 */

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export type Distribution =
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: readonly ParamValue[] };

/** The parameter `param` takes one of `equals` (a single value or a list). */
export interface Condition {
  param: string;
  equals: ParamValue | readonly ParamValue[];
}

/**
 * One parameter of the space; `when` makes it conditional on earlier parameters' values.
 * Changed by the search-engine helper: `when` may also be a list of conditions that must all hold
 * (modelops.yaml writes `when: {a: x, b: [1, 2]}`). Read it through `conditionsOf` / `isActive`
 * in space.ts rather than directly.
 */
export type ParamSpec = Distribution & {
  when?: Condition | readonly Condition[];
};

export interface SearchSpace {
  /** Parameters in declaration order (conditions refer only to earlier parameters). */
  readonly params: ReadonlyArray<{ name: string; spec: ParamSpec }>;
}

export type Direction = 'minimize' | 'maximize';
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

export interface Trial {
  readonly number: number;
  readonly params: Params;
  readonly state: TrialState;
  /** The objective; present when complete (and finite — NaN/inf make the trial failed). */
  readonly value?: number;
  /** step → value reported while running, for pruners. */
  readonly intermediate?: Readonly<Record<number, number>>;
  readonly durationMs?: number;
  readonly error?: string;
}

/** What a sampler sees: the study so far (including running trials, for constant-liar). */
export interface StudyView {
  readonly space: SearchSpace;
  readonly direction: Direction;
  readonly trials: readonly Trial[];
}

export interface Sampler {
  readonly name: string;
  /** Suggests `count` new parameter sets; deterministic for a given seed and study. */
  suggest(study: StudyView, count: number): Params[];
}

export interface Pruner {
  readonly name: string;
  /** Whether a running trial should stop after reporting `step`. */
  shouldPrune(study: StudyView, trial: Trial, step: number): boolean;
}
