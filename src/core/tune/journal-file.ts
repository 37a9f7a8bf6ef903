import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import {
  checkSameStudy,
  JournalFold,
  parseJournal,
  serializeRecord,
  type Journal,
  type JournalRecord,
  type StudyHeader,
} from './journal.js';

/** Reads the journal at `path`; a missing file is an empty journal. */
export async function readJournal(path: string): Promise<Journal> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw new UsageError(`cannot read the study journal ${path}: ${error.code ?? error.message}`, {
      fix: 'give --study a readable file path (it is created when missing)',
    });
  });
  return parseJournal(text);
}

/**
 * Appends records as ONE write on a file opened with O_APPEND: the kernel moves every write to the
 * end of the file atomically, so lines of concurrent writers never overwrite each other, and each
 * write carries whole lines. (A torn line after a crash is skipped by the reader.)
 */
export async function appendJournal(path: string, records: readonly JournalRecord[]): Promise<void> {
  if (records.length === 0) return;
  await mkdir(dirname(path), { recursive: true });
  const bytes = Buffer.from(records.map(serializeRecord).join(''), 'utf8');
  const handle = await open(path, 'a');
  try {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Opens the study at `path`: writes the header when the journal is new, refuses (exit 2) a journal
 * of another study, and returns the journal as it stands.
 */
export async function openStudyJournal(path: string, wanted: StudyHeader): Promise<Journal> {
  let journal = await readJournal(path);
  if (!journal.header) {
    if (journal.trials.length === 0 && journal.skipped.length > 0)
      throw new UsageError(
        `the study journal ${path} has no study header (${journal.skipped[0]!.reason} on line ${journal.skipped[0]!.line})`,
        {
          fix: 'give --study a new path; modelops writes the header itself',
        },
      );
    await appendJournal(path, [wanted]);
    // Another writer may have created the study at the same moment: the first header wins.
    journal = await readJournal(path);
  }
  checkSameStudy(journal.header!, wanted, path);
  return journal;
}

/**
 * Follows a journal as it grows: each `read()` folds only the bytes appended since the last one
 * (whole lines; a line still being written waits for the next read). The journal is append-only,
 * so what was read never changes.
 */
export class JournalFollower {
  private readonly fold = new JournalFold();
  private offset = 0;
  private pending = Buffer.alloc(0);

  constructor(private readonly path: string) {}

  async read(): Promise<Journal> {
    const handle = await open(this.path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!handle) return this.fold.journal;
    try {
      const { size } = await handle.stat();
      if (size > this.offset) {
        const fresh = Buffer.alloc(size - this.offset);
        const { bytesRead } = await handle.read(fresh, 0, fresh.length, this.offset);
        this.offset += bytesRead;
        const bytes = Buffer.concat([this.pending, fresh.subarray(0, bytesRead)]);
        const end = bytes.lastIndexOf(0x0a);
        this.pending = bytes.subarray(end + 1);
        if (end >= 0) this.fold.lines(bytes.subarray(0, end).toString('utf8').split('\n'));
      }
    } finally {
      await handle.close();
    }
    return this.fold.journal;
  }
}
