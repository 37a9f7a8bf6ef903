import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { MODELOPS_SCHEMA, parseConfig } from '../../../src/core/config/index.js';

const SCHEMA_FILE = new URL('../../../docs/schema/modelops.schema.json', import.meta.url);
const EXAMPLE_FILE = new URL('../../../docs/examples/modelops.yaml', import.meta.url);
const published = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

/** Every `properties` map anywhere in the schema, with its location. */
function propertyMaps(node: unknown, where = '#'): Array<[string, Record<string, Record<string, unknown>>]> {
  if (!node || typeof node !== 'object') return [];
  const found: Array<[string, Record<string, Record<string, unknown>>]> = [];
  for (const [key, child] of Object.entries(node)) {
    if (key === 'properties' && child && typeof child === 'object')
      found.push([where, child as Record<string, Record<string, unknown>>]);
    found.push(...propertyMaps(child, `${where}/${key}`));
  }
  return found;
}

describe('the published schema', () => {
  test('compiles in ajv strict mode and is a valid draft-07 schema', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(published)).toBe(true);
    expect(() => ajv.compile(published)).not.toThrow();
  });

  test('is the very schema the parser validates with', () => {
    expect(MODELOPS_SCHEMA).toEqual(published);
  });

  test('describes every property, for editors', () => {
    const undocumented = propertyMaps(published)
      .filter(([where]) => !where.includes('/if') && !where.includes('/then'))
      .flatMap(([where, properties]) =>
        Object.entries(properties)
          .filter(([, schema]) => typeof schema.description !== 'string' || schema.description.length < 10)
          .map(([name]) => `${where}/properties/${name}`),
      );
    expect(undocumented).toEqual([]);
  });

  test('uses kebab-case keys only', () => {
    const names = propertyMaps(published).flatMap(([, properties]) => Object.keys(properties));
    expect(names.filter((name) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name))).toEqual([]);
  });
});

describe('docs/examples/modelops.yaml', () => {
  const text = readFileSync(EXAMPLE_FILE, 'utf8');

  test('starts with the yaml-language-server hint pointing at the schema', () => {
    expect(text.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=\S+\/docs\/schema\/modelops\.schema\.json$/,
    );
  });

  test('validates against the schema on its own', () => {
    const validate = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(published);
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('docs/concepts/configuration.md', () => {
  test('its example parses', () => {
    const page = readFileSync(new URL('../../../docs/concepts/configuration.md', import.meta.url), 'utf8');
    const example = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((match) => match[1] ?? '')
      .find((block) => block.includes('version: 1'));
    expect(example).toBeDefined();
    expect(parseConfig(example ?? '').models['vision=resnet']?.dir).toBe('vision');
  });
});
