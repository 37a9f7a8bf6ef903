import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { argvInputSource } from '../../src/cli/argv-inputs.js';
import { parseInputs } from '../../src/verbs/parse-inputs.js';
import { VERB_CATALOG } from '../../src/verbs/catalog.js';
import type { VerbDefinition } from '../../src/verbs/types.js';

interface ActionMeta {
  name: string;
  description: string;
  inputs?: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const root = join(import.meta.dirname, '../..');
const read = (file: string) => parse(readFileSync(join(root, file), 'utf8')) as ActionMeta;
const verbDirs = readdirSync(join(root, 'actions'));
// CLI-only verbs (serve) have no action.yml and are no command of the root action.
const verbs: VerbDefinition[] = await Promise.all(
  Object.values(VERB_CATALOG)
    .filter((v) => !v.cliOnly)
    .map((v) => v.load()),
);
const cliOnlyVerbs: VerbDefinition[] = await Promise.all(
  Object.values(VERB_CATALOG)
    .filter((v) => v.cliOnly)
    .map((v) => v.load()),
);

describe('action metadata contract', () => {
  it('every shipped verb has actions/<verb>/action.yml and every action dir is a shipped verb', () => {
    expect(verbDirs.sort()).toEqual(verbs.map((v) => v.name).sort());
  });

  it.each(cliOnlyVerbs.map((v) => [v.name, v] as const))(
    '%s is CLI-only: no action dir, no entry, not a root command; its inputs are still CLI flags',
    (name, verb) => {
      expect(verbDirs).not.toContain(name);
      expect(existsSync(join(root, `src/actions/${name}.ts`))).toBe(false);
      expect(read('action.yml').inputs?.command?.description ?? '').not.toMatch(new RegExp(`\\b${name}\\b`));
      for (const input of verb.inputs) {
        const value =
          input.type === 'number' ? '3' : input.type === 'boolean' ? 'true' : (input.choices?.[0] ?? 'x');
        const { source } = argvInputSource(verb.name, verb.inputs, [`--${input.name}=${value}`]);
        expect(parseInputs(verb.name, verb.inputs, source)[input.name]).toBeDefined();
      }
    },
  );

  it.each(verbDirs)('actions/%s/action.yml runs its own entry on node24', (verb) => {
    const meta = read(`actions/${verb}/action.yml`);
    expect(meta.name).toBe(`modelops ${verb}`);
    expect(meta.description.length).toBeGreaterThan(20);
    expect(meta.runs).toEqual({ using: 'node24', main: `../../dist/actions/${verb}.js` });
    expect(readFileSync(join(root, `src/actions/${verb}.ts`), 'utf8')).toContain(`runAction('${verb}')`);
  });

  it.each(verbs.map((v) => [v.name, v] as const))(
    '%s: action.yml declares exactly the inputs and outputs the code reads',
    (name, verb) => {
      const meta = read(`actions/${name}/action.yml`);
      const declared = Object.entries(meta.inputs ?? {}).map(([input, spec]) => ({
        name: input,
        description: spec.description,
        required: spec.required ?? false,
        default: spec.default,
      }));
      const code = verb.inputs.map((i) => ({
        name: i.name,
        description: i.description,
        required: i.required ?? false,
        default: i.actionDefault ?? i.default,
      }));
      expect(declared).toEqual(code);
      expect(
        Object.entries(meta.outputs ?? {}).map(([o, s]) => ({ name: o, description: s.description })),
      ).toEqual(verb.outputs.map((o) => ({ name: o.name, description: o.description })));
    },
  );

  it('inputs shared by several actions are declared identically everywhere (root action included)', () => {
    const seen = new Map<string, { file: string; spec: unknown }>();
    for (const file of ['action.yml', ...verbDirs.map((v) => `actions/${v}/action.yml`)]) {
      for (const [name, spec] of Object.entries(read(file).inputs ?? {})) {
        const first = seen.get(name);
        if (first) expect({ name, file, spec }).toEqual({ name, file, spec: first.spec });
        else seen.set(name, { file, spec });
      }
    }
    expect(seen.has('command')).toBe(true);
  });

  it('the root action declares command plus every input of every verb, and runs the dispatcher', () => {
    const meta = read('action.yml');
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/actions/main.js' });
    for (const verb of verbs)
      for (const input of verb.inputs) expect(Object.keys(meta.inputs ?? {})).toContain(input.name);
  });

  it.each(verbs.map((v) => [v.name, v] as const))(
    '%s: every input is a CLI flag of the same name',
    (_name, verb) => {
      for (const input of verb.inputs) {
        const value =
          input.type === 'boolean' ? 'true' : input.type === 'number' ? '3' : (input.choices?.[0] ?? 'x');
        const { source } = argvInputSource(verb.name, verb.inputs, [`--${input.name}=${value}`]);
        const parsed = parseInputs(verb.name, verb.inputs, source);
        expect(parsed[input.name]).toEqual(
          input.type === 'boolean'
            ? true
            : input.type === 'number'
              ? 3
              : input.type === 'list'
                ? [value]
                : value,
        );
      }
    },
  );

  it('no code reads action inputs except through the shared parser', () => {
    const offenders: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
      );
    for (const file of walk('src')) {
      const text = readFileSync(join(root, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      if (/core\.getInput\(|getBooleanInput\(|INPUT_/.test(text)) offenders.push(file);
    }
    // env-inputs.ts is the parser's source; main.ts reads the root action's `command`; run-action masks secret inputs.
    expect(offenders.sort()).toEqual([
      'src/actions/env-inputs.ts',
      'src/actions/main.ts',
      'src/actions/run-action.ts',
    ]);
  });
});
