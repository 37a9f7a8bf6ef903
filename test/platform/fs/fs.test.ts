import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { fileSize } from '../../../src/platform/fs/file-size.js';
import { sha256File } from '../../../src/platform/fs/sha256-file.js';
import { writeFileAtomic } from '../../../src/platform/fs/write-file-atomic.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelops-fs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sha256File', () => {
  it('matches node:crypto, openssl and sha256sum across chunk boundaries', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 17);
    const path = join(dir, 'model.bin');
    await writeFile(path, data);
    const expected = createHash('sha256').update(data).digest('hex');
    const progress: number[] = [];
    expect(await sha256File(path, { onProgress: (done, total) => progress.push(done / total) })).toBe(
      expected,
    );
    expect(progress.length).toBe(3);
    expect(progress.at(-1)).toBe(1);
    expect(await sha256File(path, { chunkSize: 1000 })).toBe(expected);
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-r', path], { encoding: 'utf8' }).split(
      ' ',
    )[0];
    const sha256sum = execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
    expect(openssl).toBe(expected);
    expect(sha256sum).toBe(expected);
  });

  it('hashes an empty file and reports missing files', async () => {
    const path = join(dir, 'empty');
    await writeFile(path, '');
    expect(await sha256File(path)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    await expect(sha256File(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });

  it('stops when onProgress throws', async () => {
    const path = join(dir, 'abort.bin');
    await writeFile(path, randomBytes(3 * 1024));
    await expect(
      sha256File(path, {
        chunkSize: 1024,
        onProgress: () => {
          throw new Error('cancelled');
        },
      }),
    ).rejects.toThrow('cancelled');
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp files', async () => {
    const path = join(dir, 'atomic', 'model.json');
    await mkdir(join(dir, 'atomic'));
    await writeFileAtomic(path, '{"v":1}\n');
    await writeFileAtomic(path, new Uint8Array([123, 125, 10]));
    expect(await readFile(path, 'utf8')).toBe('{}\n');
    expect(await readdir(join(dir, 'atomic'))).toEqual(['model.json']);
    expect(await fileSize(path)).toBe(3);
  });

  it('leaves the old content and no temp file when the write fails', async () => {
    const sub = join(dir, 'failing');
    await mkdir(sub);
    const path = join(sub, 'model.json');
    await writeFileAtomic(path, 'old');
    // A directory where the target file should be makes the rename fail after the temp file exists.
    const blocked = join(sub, 'dir-target');
    await mkdir(join(blocked, 'child'), { recursive: true });
    await expect(writeFileAtomic(blocked, 'new')).rejects.toThrow();
    expect((await readdir(sub)).sort()).toEqual(['dir-target', 'model.json']);
    expect(await readFile(path, 'utf8')).toBe('old');
  });
});
