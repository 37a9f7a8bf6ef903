import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Newest modification time among the files the build reads. */
function newestInput(): number {
  const walk = (dir: string): number =>
    readdirSync(join(root, dir), { withFileTypes: true }).reduce((newest, entry) => {
      const path = `${dir}/${entry.name}`;
      return Math.max(newest, entry.isDirectory() ? walk(path) : statSync(join(root, path)).mtimeMs);
    }, 0);
  return Math.max(
    walk('src'),
    walk('actions'),
    statSync(join(root, 'scripts/build.mjs')).mtimeMs,
    statSync(join(root, 'package.json')).mtimeMs,
  );
}

// The end-to-end tests run the built actions and CLI: build once before any test runs, unless
// dist/ is already newer than every source (several test runs at once then share one build).
export default function setup(): void {
  const stamp = join(root, 'dist/.build-stamp');
  if (existsSync(stamp) && statSync(stamp).mtimeMs > newestInput()) return;
  try {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  } catch {
    // Tests of src/ alone still run; every test of dist/ fails on its own with the stale or
    // missing build, so the failure is not hidden — only not fatal to unrelated tests.
    console.error('modelops: the build failed (see above); tests that run dist/ will fail');
  }
}
