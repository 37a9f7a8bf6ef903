import { stat } from 'node:fs/promises';

/** Size of the file at `path` in bytes (follows symlinks). */
export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
