#!/usr/bin/env node
// The CLI runs from the bundle `npm run build` (run by `npm ci` through `prepare`) writes to dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    "modelops: error: the CLI is not built — run 'npm run build' in the modelops checkout\n",
  );
  process.exit(2);
}
await import(entry.href);
