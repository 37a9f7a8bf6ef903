import { describe, expect, it } from 'vitest';
import { computeRegistryState, type RegistryTagInput } from '../../../src/core/registry/events.js';
import { findModel, parseVersionRef, resolveVersionRef } from '../../../src/core/registry/version-ref.js';

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const tag = (name: string, commit: string, date = '2026-01-01T00:00:00Z'): RegistryTagInput => ({
  name,
  annotated: true,
  commit,
  date,
});

describe('parseVersionRef', () => {
  it('reads NAME, NAME@vX.Y.Z (v optional), NAME#stage and monorepo names', () => {
    expect(parseVersionRef('churn')).toEqual({ model: 'churn', kind: 'latest' });
    expect(parseVersionRef('churn@v1.2.0')).toEqual({ model: 'churn', kind: 'version', version: '1.2.0' });
    expect(parseVersionRef('churn@1.2.0-rc.1')).toEqual({
      model: 'churn',
      kind: 'version',
      version: '1.2.0-rc.1',
    });
    expect(parseVersionRef('churn#prod')).toEqual({ model: 'churn', kind: 'stage', stage: 'prod' });
    expect(parseVersionRef('models/nlp=churn#prod')).toMatchObject({ model: 'models/nlp=churn' });
  });

  it('refuses what is not a reference, naming the value', () => {
    expect(() => parseVersionRef('churn@v1')).toThrow(/'churn@v1' does not name a version/);
    expect(() => parseVersionRef('churn#')).toThrow(/invalid stage name ""/);
    expect(() => parseVersionRef('-churn')).toThrow(/invalid model name "-churn"/);
  });
});

describe('resolveVersionRef', () => {
  const state = computeRegistryState([
    tag('churn@v1.0.0', C1),
    tag('churn@v1.1.0', C2),
    tag('churn@v1.1.0!#3', C2),
    // Dates run against counters: the counter decides.
    tag('churn#prod#1', C2, '2026-05-01T00:00:00Z'),
    tag('churn#prod#2', C1, '2026-02-01T00:00:00Z'),
  ]);

  it('latest skips deregistered versions; a stage resolves through its highest counter', () => {
    expect(resolveVersionRef(state, parseVersionRef('churn')).version.version).toBe('1.0.0');
    const prod = resolveVersionRef(state, parseVersionRef('churn#prod'));
    expect([prod.version.version, prod.stage?.tag.name]).toEqual(['1.0.0', 'churn#prod#2']);
    expect(resolveVersionRef(state, parseVersionRef('churn@v1.1.0')).version.status).toBe('deregistered');
  });

  it('says what exists when the reference does not', () => {
    expect(() => findModel(state, 'fraud')).toThrow(
      /model 'fraud' is not in the registry — models in the registry: churn/,
    );
    expect(() => findModel(computeRegistryState([]), 'x')).toThrow(/the registry is empty/);
    expect(() => resolveVersionRef(state, parseVersionRef('churn@v2.0.0'))).toThrow(
      /churn has no version v2\.0\.0 — its versions: v1\.0\.0, v1\.1\.0 \(deregistered\)/,
    );
    expect(() => resolveVersionRef(state, parseVersionRef('churn#dev'))).toThrow(
      /churn has nothing in stage 'dev' — its stages: prod=v1\.0\.0/,
    );
  });
});
