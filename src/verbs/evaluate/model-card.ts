import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../platform/fs/index.js';

/** What goes into the card's model-index: one result on one dataset. */
export interface CardResult {
  name: string;
  task: string;
  dataset: string;
  metrics: Record<string, number>;
}

/** Hugging Face task types for the model-index `task.type` field. */
const HF_TASK: Record<string, string> = {
  binary: 'tabular-classification',
  multiclass: 'tabular-classification',
  multilabel: 'tabular-classification',
  regression: 'tabular-regression',
};

/**
 * `--update-card`: writes the metrics into the model card's YAML front matter as Hugging Face's
 * `model-index` (`model-index[0].results[0].metrics`: `{ type, value, name }` per metric), keeping
 * every other key, comment and the Markdown body; creates the card when missing. Atomic: a reader
 * sees the old card or the new one. NaN metrics are left out (model-index values are numbers).
 */
export async function updateModelCard(path: string, result: CardResult): Promise<void> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const { frontMatter, body } = splitFrontMatter(text ?? `# ${result.name}\n`);
  const doc = frontMatter.trim() === '' ? new Document({}) : parseDocument(frontMatter);
  if (doc.errors.length > 0) {
    throw new UsageError(`${path}: the YAML front matter does not parse: ${doc.errors[0]!.message}`, {
      fix: 'fix the YAML between the --- lines at the top of the card',
    });
  }
  const metrics = Object.entries(result.metrics)
    .filter(([, value]) => Number.isFinite(value))
    .map(([type, value]) => ({ type, value, name: type.replace(/_/g, ' ') }));
  doc.set('model-index', [
    {
      name: result.name,
      results: [
        {
          task: { type: HF_TASK[result.task] ?? result.task },
          dataset: { name: result.dataset, type: result.dataset },
          metrics,
        },
      ],
    },
  ]);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `---\n${doc.toString({ lineWidth: 0 })}---\n${body}`);
}

/** The YAML between a leading `---` line and the next `---` line, and the rest. */
function splitFrontMatter(text: string): { frontMatter: string; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n?---\r?\n?/.exec(text);
  if (!match) return { frontMatter: '', body: text };
  return { frontMatter: match[1]!, body: text.slice(match[0].length) };
}
