import { UsageError } from '../../errors.js';
import { gridValues, isActive, levels, paramsKey } from '../space.js';
import type { Params, Sampler, SearchSpace, StudyView } from '../types.js';

/** Above this many points a grid is a mistake (or a job for random search). */
export const MAX_GRID_POINTS = 1_000_000;

/**
 * Every combination, in declaration order with the last parameter varying fastest; a conditional
 * parameter multiplies only the branches where it is active. Points any trial already holds
 * (whatever its state) are skipped, so a resumed or distributed study continues where it stopped.
 */
export function gridSampler(): Sampler & {
  size(space: SearchSpace): number;
  remaining(study: StudyView): number;
} {
  return {
    name: 'grid',
    size: (space) => enumerateGrid(space).length,
    remaining: (study) => pending(study).length,
    suggest(study: StudyView, count: number): Params[] {
      const left = pending(study);
      if (count > left.length) {
        const total = enumerateGrid(study.space).length;
        throw new UsageError(
          `the grid has ${total} points and ${total - left.length} are taken, so ${count} more cannot be suggested`,
          { fix: `ask for at most ${left.length} trials (--trials), or use --sampler random or tpe` },
        );
      }
      return left.slice(0, count);
    },
  };
}

function pending(study: StudyView): Params[] {
  const taken = new Set(study.trials.map((trial) => paramsKey(study.space, trial.params)));
  return enumerateGrid(study.space).filter((params) => !taken.has(paramsKey(study.space, params)));
}

/** All grid points of a space; a UsageError for a continuous float or a grid over MAX_GRID_POINTS. */
export function enumerateGrid(space: SearchSpace): Params[] {
  for (const { name, spec } of space.params)
    if (levels(spec) === undefined)
      throw new UsageError(`the grid cannot enumerate the continuous float parameter '${name}'`, {
        fix: `add step: to '${name}', or use --sampler random or tpe`,
      });
  let points: Params[] = [{}];
  for (const { spec, name } of space.params) {
    const values = gridValues(spec);
    const next: Params[] = [];
    for (const point of points) {
      if (!isActive(spec, point)) next.push(point);
      else for (const value of values) next.push({ ...point, [name]: value });
      if (next.length > MAX_GRID_POINTS)
        throw new UsageError(`the grid has more than ${MAX_GRID_POINTS.toLocaleString('en-US')} points`, {
          fix: 'use larger steps or fewer choices, or --sampler random or tpe',
        });
    }
    points = next;
  }
  return points;
}
