import { describe, it, expect } from 'vitest';
import { computeRegistryState, type RegistryTagInput } from '../../../src/core/registry/events.js';

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const C3 = '3'.repeat(40);
let clock = Date.parse('2026-01-01T00:00:00Z');

function makeTag(name: string, commit: string, overrides: Partial<RegistryTagInput> = {}): RegistryTagInput {
  // All tags share one second, as in a single CI job: ordering must come from counters.
  return { name, annotated: true, commit, date: new Date(clock).toISOString(), ...overrides };
}

describe('computeRegistryState', () => {
  it('folds registrations, stage moves and counters', () => {
    clock += 1000;
    const tags = [
      makeTag('churn@v1.0.0#1', C1),
      makeTag('churn@v1.1.0#2', C2),
      makeTag('churn@v2.0.0#3', C3),
      makeTag('churn#staging#4', C1),
      makeTag('churn#prod#5', C1),
      makeTag('churn#staging#6', C2),
      makeTag('churn#prod!#7', C1),
      makeTag('churn#staging#8', C3),
      makeTag('churn#prod#9', C2),
      makeTag('churn#canary#10', C3),
      makeTag('churn#canary!#11', C3),
      makeTag('churn@v1.0.0!#12', C1),
      makeTag('v1.0.0', C1), // a release tag: not a registry tag
      makeTag('fraud@v0.1.0#1', C1),
    ].reverse(); // input order must not matter
    const state = computeRegistryState(tags);
    const churn = state.models.get('churn')!;
    expect(churn.versions.map((v) => [v.version, v.status, v.commit])).toEqual([
      ['1.0.0', 'deregistered', C1],
      ['1.1.0', 'registered', C2],
      ['2.0.0', 'registered', C3],
    ]);
    expect(churn.stages.map((s) => [s.stage, s.version, s.counter, s.tag.name])).toEqual([
      ['prod', '1.1.0', 9, 'churn#prod#9'],
      ['staging', '2.0.0', 8, 'churn#staging#8'],
    ]);
    expect(churn.history.map((r) => r.event.counter)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(state.nextCounter('churn')).toBe(13);
    expect(state.nextCounter('fraud')).toBe(2);
    expect(state.nextCounter('new-model')).toBe(1);
    expect(state.latestVersion('churn')).toBe('2.0.0');
    expect(state.nextVersion('churn', 'minor')).toBe('2.1.0');
    expect(state.nextVersion('churn', 'patch')).toBe('2.0.1');
    expect(state.nextVersion('new-model', 'major')).toBe('0.0.1');
    expect(state.nextVersion('new-model', 'major', { initial: '1.0.0' })).toBe('1.0.0');
    expect(state.warnings).toEqual([]);
    expect([...state.models.keys()].sort()).toEqual(['churn', 'fraud']);
  });

  it('warns on lightweight registry tags, which still reserve counters and versions', () => {
    const state = computeRegistryState([
      makeTag('churn@v1.0.0#1', C1),
      makeTag('churn#prod#2', C1),
      makeTag('churn@v1.1.0#3', C2, { annotated: false }),
      makeTag('churn#prod#4', C2, { annotated: false }),
      makeTag('release-1', C2, { annotated: false }), // not a registry tag: no warning
    ]);
    expect(state.warnings.map((w) => w.tag)).toEqual(['churn@v1.1.0#3', 'churn#prod#4']);
    expect(state.warnings[0]!.message).toContain('lightweight tag and is ignored by the registry');
    expect(state.warnings[0]!.message).toContain(`git tag -a churn@v1.1.0#3 ${C2}`);
    const churn = state.models.get('churn')!;
    expect(churn.versions.map((v) => v.version)).toEqual(['1.0.0']);
    expect(churn.stages.map((s) => [s.stage, s.version])).toEqual([['prod', '1.0.0']]);
    // Tag names already exist in git, so the next event must not collide with them.
    expect(state.nextCounter('churn')).toBe(5);
    expect(state.nextVersion('churn', 'patch')).toBe('1.1.1');
  });

  it('orders legacy counter-less tags by date before counted ones, and flags ambiguities', () => {
    const state = computeRegistryState([
      makeTag('churn@v1.0.0', C1, { date: '2025-01-01T00:00:00+02:00' }),
      makeTag('churn#prod', C1, { date: '2025-01-02T00:00:00Z' }),
      makeTag('churn#prod!', C1, { date: '2025-01-01T23:00:00+02:00' }), // earlier in UTC: assign wins
      makeTag('churn@deprecated#1', C1),
      makeTag('churn@created#1', C1),
      makeTag('churn#dev#2', C3), // no version at C3
      makeTag('churn@v9.9.9!#3', C3),
    ]);
    const churn = state.models.get('churn')!;
    expect(churn.deprecated).toBe(true);
    expect(churn.created).toBe(true);
    expect(churn.stages.map((s) => [s.stage, s.version])).toEqual([
      ['dev', undefined],
      ['prod', '1.0.0'],
    ]);
    expect(churn.history.slice(0, 3).map((r) => r.tag.name)).toEqual([
      'churn@v1.0.0',
      'churn#prod!',
      'churn#prod',
    ]);
    expect(state.warnings.map((w) => w.message)).toEqual([
      'tags "churn@created#1" and "churn@deprecated#1" share counter 1; their order is ambiguous',
      'tag "churn@v9.9.9!#3" deregisters version 9.9.9, which was never registered',
      'tag "churn#dev#2" assigns a commit with no registered version of churn',
    ]);
  });
});
