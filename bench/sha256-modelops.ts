/**
 * Hashes one file with modelops' sha256File and prints `{ "hex", "ms" }`. Run by
 * sha256.bench.mjs under Node's type stripping, which needs the `.ts` specifier — hence the
 * computed import (tsc only checks the type query).
 */
type Sha256Module = typeof import('../src/platform/fs/sha256-file.js');

const { sha256File }: Sha256Module = await import(
  new URL('../src/platform/fs/sha256-file.ts', import.meta.url).href
);
const path = process.argv[2];
if (!path) throw new Error('usage: sha256-modelops.ts <file>');
const start = performance.now();
const hex = await sha256File(path);
process.stdout.write(JSON.stringify({ hex, ms: performance.now() - start }) + '\n');
