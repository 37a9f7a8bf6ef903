import { buildConfig } from './build-config.js';
import { ConfigFileError } from './config-file-error.js';
import type { Issue } from './issue.js';
import { locateIssue, toProblem, type Located } from './locate.js';
import type { RawConfig } from './raw-types.js';
import { readYaml, type YamlSource } from './read-yaml.js';
import { schemaIssues } from './schema-issues.js';
import { schemaValidator } from './schema.js';
import type { ModelopsConfig } from './types.js';

export interface ParseConfigOptions {
  /**
   * Built-in metric names (from evaluate). When given, metric names in models and gates must be
   * one of these or a custom metric; when omitted, metric names are not checked here.
   */
  builtinMetrics?: readonly string[];
}

/**
 * Parses and validates modelops.yaml text against the published JSON Schema and the rules the
 * schema cannot express (references, bounds, thresholds), and returns the typed config with
 * defaults applied. Every problem is a {@link ConfigFileError}: `file:line:col: what (value) — fix`.
 */
export function parseConfig(
  text: string,
  fileName = 'modelops.yaml',
  options: ParseConfigOptions = {},
): ModelopsConfig {
  const read = readYaml(text);
  if (!read.ok) throw located(fileName, read.source, read.problems);
  const { source, data } = read;
  if (data === null || data === undefined) {
    throw located(fileName, source, [
      { offset: 0, what: 'the file is empty', value: 'no content', fix: 'start it with "version: 1"' },
    ]);
  }

  const validate = schemaValidator();
  if (!validate(data)) throw fromIssues(fileName, source, schemaIssues(validate.errors ?? [], data));

  const issues: Issue[] = [];
  const config = buildConfig(
    data as RawConfig,
    fileName,
    (found) => issues.push(found),
    options.builtinMetrics,
  );
  if (issues.length > 0) throw fromIssues(fileName, source, issues);
  return config;
}

function fromIssues(fileName: string, source: YamlSource, issues: readonly Issue[]): ConfigFileError {
  return located(
    fileName,
    source,
    issues.map((found) => locateIssue(source.doc, found)),
  );
}

/** Problems in file order, so the one-line message names the first thing the user will see. */
function located(fileName: string, source: YamlSource, problems: readonly Located[]): ConfigFileError {
  const unique = new Map<string, Located>();
  for (const problem of [...problems].sort((a, b) => a.offset - b.offset)) {
    unique.set(`${problem.offset} ${problem.what} ${problem.value}`, problem);
  }
  return new ConfigFileError(
    [...unique.values()].map((problem) => toProblem(fileName, source.lineCounter, problem)),
  );
}
