import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ModelopsConfig } from '../../core/config/index.js';
import type { CheckAnnotation } from '../../platform/github/checks.js';
import type { Logger } from '../../platform/logger.js';
import type { CheckedGate } from './gates.js';

/** Where one gate is written: the config file (relative to the repository root) and its line. */
export interface GateLocation {
  file: string;
  line: number;
}

/**
 * The line of each gate in modelops.yaml that applies to the model: the model's own gates under
 * `models.<name>.gates` shadow global `gates` of the same name (as gatesFor does). A gate is
 * named by `name:`, else by its metric. Returns an empty map when the file cannot be read.
 */
export async function locateGates(
  root: string,
  config: ModelopsConfig,
  modelId: string,
): Promise<Map<string, GateLocation>> {
  const file = config.source;
  const located = new Map<string, GateLocation>();
  if (!file) return located;
  const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
  if (text === undefined) return located;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const record = (list: unknown) => {
    if (!isSeq(list)) return;
    for (const item of list.items) {
      if (!isMap(item)) continue;
      const name = item.get('name') ?? item.get('metric');
      const start = (item as Node).range?.[0];
      if (typeof name === 'string' && start !== undefined) {
        located.set(name, { file, line: lineCounter.linePos(start).line });
      }
    }
  };
  record(doc.getIn(['gates'], true));
  record(doc.getIn(['models', modelId, 'gates'], true));
  return located;
}

/** Check-run annotations (and the same lines as ::error / ::warning) for gates that did not pass. */
export function gateAnnotations(
  results: readonly CheckedGate[],
  locations: ReadonlyMap<string, GateLocation>,
  modelName: string,
): CheckAnnotation[] {
  const annotations: CheckAnnotation[] = [];
  for (const result of results) {
    if (result.status === 'pass') continue;
    const at = locations.get(result.gate);
    if (!at) continue;
    annotations.push({
      path: at.file,
      startLine: at.line,
      endLine: at.line,
      level: result.status === 'fail' ? 'failure' : 'warning',
      title: `${modelName}: gate ${result.gate}${result.slice ? ` (slice ${result.slice})` : ''} ${result.status === 'fail' ? 'failed' : 'warns'}`,
      message: result.message,
    });
  }
  return annotations;
}

/** Logs each annotation on its file and line: an ::error or ::warning annotation in Actions. */
export function logAnnotations(logger: Logger, annotations: readonly CheckAnnotation[]): void {
  for (const a of annotations) {
    const location = { file: a.path, line: a.startLine, ...(a.title ? { title: a.title } : {}) };
    if (a.level === 'failure') logger.error(a.message, location);
    else logger.warning(a.message, location);
  }
}
