import { describe, it, expect } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  formatTag,
  parseTag,
  splitModelName,
  validateModelName,
  validateStageName,
  type RegistryEvent,
} from '../../../src/core/registry/tag-grammar.js';

describe('parseTag / formatTag', () => {
  const cases: [string, RegistryEvent][] = [
    ['churn@v1.2.3', { kind: 'register', model: 'churn', version: '1.2.3' }],
    ['churn@v1.2.3#4', { kind: 'register', model: 'churn', version: '1.2.3', counter: 4 }],
    ['churn@v1.2.3!', { kind: 'deregister', model: 'churn', version: '1.2.3' }],
    ['churn@v1.2.3!#7', { kind: 'deregister', model: 'churn', version: '1.2.3', counter: 7 }],
    [
      'churn@v2.0.0-rc.1+build.5#3',
      { kind: 'register', model: 'churn', version: '2.0.0-rc.1+build.5', counter: 3 },
    ],
    ['churn@v1.0.0-alpha-1.x-y', { kind: 'register', model: 'churn', version: '1.0.0-alpha-1.x-y' }],
    ['churn#prod#5', { kind: 'assign', model: 'churn', stage: 'prod', counter: 5 }],
    ['churn#prod', { kind: 'assign', model: 'churn', stage: 'prod' }],
    ['churn#prod!#6', { kind: 'unassign', model: 'churn', stage: 'prod', counter: 6 }],
    ['churn#dev-eu_1!', { kind: 'unassign', model: 'churn', stage: 'dev-eu_1' }],
    ['churn@deprecated', { kind: 'deprecate', model: 'churn' }],
    ['churn@deprecated#9', { kind: 'deprecate', model: 'churn', counter: 9 }],
    ['churn@created#1', { kind: 'create', model: 'churn', counter: 1 }],
    ['a@created', { kind: 'create', model: 'a' }],
    ['nlp/sentiment_v2@v0.1.0', { kind: 'register', model: 'nlp/sentiment_v2', version: '0.1.0' }],
    [
      'models/nlp=sentiment@v0.1.0#2',
      { kind: 'register', model: 'models/nlp=sentiment', version: '0.1.0', counter: 2 },
    ],
    [
      'models/nlp=sentiment#staging#3',
      { kind: 'assign', model: 'models/nlp=sentiment', stage: 'staging', counter: 3 },
    ],
    ['Model-9#Prod#0', { kind: 'assign', model: 'Model-9', stage: 'Prod', counter: 0 }],
  ];

  it.each(cases)('round-trips %s', (tag, event) => {
    expect(parseTag(tag)).toEqual(event);
    expect(formatTag(event)).toBe(tag);
  });

  it.each([
    'v1.2.3', // a release tag, not a registry tag
    'churn', // no event
    'churn@1.2.3', // missing v
    'churn@v1.2', // not semver
    'churn@v01.2.3', // leading zero
    'churn@v1.2.3-01', // numeric pre-release with leading zero
    'churn@v1.2.3!!',
    'churn#prod#', // empty counter
    'churn#prod#01', // counter with leading zero would not round-trip
    'churn#prod#-1',
    'churn#prod#1#2',
    '-churn@v1.0.0', // name must start alphanumeric
    'churn-@v1.0.0', // … and end alphanumeric
    'ch urn@v1.0.0',
    'churn#pr od',
    'churn#-prod',
    'churn@latest',
    'churn@deprecated!',
    'a//b@v1.0.0', // git refuses consecutive slashes
    'dir/../x=churn@v1.0.0',
    '=churn@v1.0.0',
    'churn@v1.0.0#99999999999999999999', // beyond safe integers
    '',
  ])('returns null for %j', (tag) => {
    expect(parseTag(tag)).toBeNull();
  });

  it('rejects invalid names when formatting, naming the value and the grammar', () => {
    expect(() => formatTag({ kind: 'register', model: 'bad name', version: '1.0.0' })).toThrow(UsageError);
    expect(() => formatTag({ kind: 'register', model: 'bad name', version: '1.0.0' })).toThrow(
      /invalid model name "bad name" — model names match \[a-zA-Z0-9\]/,
    );
    expect(() => formatTag({ kind: 'assign', model: 'churn', stage: 'prod!' })).toThrow(
      /invalid stage name "prod!"/,
    );
    expect(() => formatTag({ kind: 'register', model: 'churn', version: 'v1.0.0' })).toThrow(
      /invalid version "v1.0.0"/,
    );
    expect(() => formatTag({ kind: 'deprecate', model: 'churn', counter: -1 })).toThrow(
      /invalid tag counter -1/,
    );
  });

  it('validates names on their own; messages are one line', () => {
    expect(() => validateModelName('models/nlp=sentiment')).not.toThrow();
    expect(() => validateModelName('churn.v2')).toThrow(UsageError);
    expect(() => validateStageName('prod')).not.toThrow();
    try {
      validateStageName('a#b');
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('splits monorepo names', () => {
    expect(splitModelName('models/nlp=sentiment')).toEqual({ dirname: 'models/nlp', name: 'sentiment' });
    expect(splitModelName('churn')).toEqual({ name: 'churn' });
  });
});
