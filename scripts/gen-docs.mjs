// Regenerates the inputs/outputs tables in docs/actions/<verb>.md (between markers) from each
// action.yml, so documentation never drifts from the metadata. `--check` fails when a page is stale.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const START = '<!-- action-docs:start (generated from action.yml by `npm run docs`; do not edit) -->';
const END = '<!-- action-docs:end -->';

const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

function tables(meta) {
  const inputs = Object.entries(meta.inputs ?? {}).map(
    ([name, i]) =>
      `| \`${name}\` / \`--${name}\` | ${cell(i.description)} | ${i.required ? 'yes' : 'no'} | ${i.default !== undefined ? `\`${cell(i.default)}\`` : ''} |`,
  );
  const outputs = Object.entries(meta.outputs ?? {}).map(
    ([name, o]) => `| \`${name}\` | ${cell(o.description)} |`,
  );
  return [
    START,
    '',
    '### Inputs (action input / CLI flag)',
    '',
    '| name | description | required | default |',
    '| --- | --- | --- | --- |',
    ...inputs,
    '',
    '### Outputs',
    '',
    '| name | description |',
    '| --- | --- |',
    ...outputs,
    '',
    END,
  ].join('\n');
}

const stale = [];
const actions = [
  ['main', join(root, 'action.yml')],
  ...readdirSync(join(root, 'actions'))
    .filter((d) => existsSync(join(root, 'actions', d, 'action.yml')))
    .map((d) => [d, join(root, 'actions', d, 'action.yml')]),
];
for (const [verb, file] of actions) {
  const meta = parse(readFileSync(file, 'utf8'));
  const page = join(root, 'docs/actions', `${verb === 'main' ? 'root-action' : verb}.md`);
  if (!existsSync(page)) {
    stale.push(`${page} is missing — create it with a title, then run npm run docs`);
    continue;
  }
  const text = readFileSync(page, 'utf8');
  const start = text.indexOf(START.slice(0, 25));
  const end = text.indexOf(END);
  const generated = tables(meta);
  const next =
    start === -1 || end === -1
      ? `${text.trimEnd()}\n\n${generated}\n`
      : text.slice(0, start) + generated + text.slice(end + END.length);
  if (next !== text) {
    if (check) stale.push(`${page} is stale — run npm run docs`);
    else writeFileSync(page, next);
  }
}
if (stale.length > 0) {
  for (const line of stale) console.error(line);
  process.exit(1);
}
console.error(check ? 'docs are up to date' : 'docs regenerated');
