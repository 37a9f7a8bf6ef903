import { appendFile, stat } from 'node:fs/promises';
import * as core from '@actions/core';
import { truncateMarkdown } from '../../core/report/markdown.js';
import type { SourceLocation } from '../logger.js';

/** GitHub keeps at most this many bytes of one step's job summary (and fails the upload above). */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

const SUMMARY_FOOTER =
  '\n\n---\n_The rest of this summary was cut: GitHub keeps at most 1 MiB per step. See the run log or artifacts for the full report._\n';

/** Severity of a workflow annotation. */
export type AnnotationLevel = 'notice' | 'warning' | 'error';

/** Everything an action writes back to the runner, behind one interface so tests need no mocks. */
export interface ActionsIO {
  /** Sets a step output; objects are written as JSON. */
  setOutput(name: string, value: string | number | boolean | object): void;
  /**
   * Appends Markdown to the step's job summary, cutting it (with a note) so the summary stays
   * under {@link STEP_SUMMARY_MAX_BYTES}. Resolves to true when the text was cut.
   */
  appendSummary(markdown: string): Promise<boolean>;
  /** A notice, warning or error annotation, on a file and line when known. */
  annotate(level: AnnotationLevel, message: string, location?: SourceLocation): void;
  /** Masks a value in all later log output. */
  setSecret(value: string): void;
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Cuts `markdown` so that `alreadyWritten` bytes plus the result fit the step summary cap. */
export function fitSummary(markdown: string, alreadyWritten: number): { text: string; truncated: boolean } {
  const room = STEP_SUMMARY_MAX_BYTES - alreadyWritten;
  if (utf8Bytes(markdown) <= room) return { text: markdown, truncated: false };
  if (room <= utf8Bytes(SUMMARY_FOOTER)) return { text: '', truncated: true };
  return truncateMarkdown(markdown, { max: room, footer: SUMMARY_FOOTER, measure: utf8Bytes });
}

/** Options for {@link createActionsIO}. */
export interface ActionsIOOptions {
  /** Path of the step summary file; defaults to GITHUB_STEP_SUMMARY, as @actions/core does. */
  summaryPath?: string;
}

/** The runner implementation, over @actions/core. */
export function createActionsIO(options: ActionsIOOptions = {}): ActionsIO {
  return {
    setOutput: (name, value) => core.setOutput(name, value),
    async appendSummary(markdown) {
      // The cap covers everything this step wrote, so earlier appends count against it.
      const path = options.summaryPath ?? process.env.GITHUB_STEP_SUMMARY;
      if (!path)
        throw new Error('GITHUB_STEP_SUMMARY is not set: this runner does not support job summaries');
      const written = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      const fitted = fitSummary(`${markdown}\n`, written);
      if (fitted.text) await appendFile(path, fitted.text, 'utf8');
      return fitted.truncated;
    },
    annotate(level, message, location) {
      const properties: core.AnnotationProperties = location
        ? {
            file: location.file,
            startLine: location.line,
            startColumn: location.column,
            title: location.title,
          }
        : {};
      if (level === 'notice') core.notice(message, properties);
      else if (level === 'warning') core.warning(message, properties);
      else core.error(message, properties);
    },
    setSecret: (value) => core.setSecret(value),
  };
}

/** What the in-memory implementation recorded. */
export interface MemoryActionsIO extends ActionsIO {
  outputs: Map<string, string>;
  summary: string;
  annotations: { level: AnnotationLevel; message: string; location?: SourceLocation }[];
  secrets: string[];
}

/** An ActionsIO that keeps everything in memory, with the same size rules, for tests. */
export function createMemoryActionsIO(): MemoryActionsIO {
  const io: MemoryActionsIO = {
    outputs: new Map(),
    summary: '',
    annotations: [],
    secrets: [],
    setOutput: (name, value) => {
      io.outputs.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
    },
    async appendSummary(markdown) {
      const fitted = fitSummary(`${markdown}\n`, utf8Bytes(io.summary));
      io.summary += fitted.text;
      return fitted.truncated;
    },
    annotate: (level, message, location) => {
      io.annotations.push(location ? { level, message, location } : { level, message });
    },
    setSecret: (value) => {
      io.secrets.push(value);
    },
  };
  return io;
}
