import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(projectRoot, 'bin/modelops.js');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when --json was passed. */
  json: Record<string, unknown> | undefined;
}

/** Runs the built CLI (`bin/modelops.js` → dist/cli.js) as a user would, in `cwd`. */
export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; node?: string },
): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      options.node ?? process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, GITHUB_ACTIONS: '', CI: '', ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const exitCode = error ? Number((error as { code?: number }).code ?? 1) : 0;
        let json: Record<string, unknown> | undefined;
        if (args.includes('--json')) {
          try {
            json = JSON.parse(stdout) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
        }
        done({ exitCode, stdout, stderr, json });
      },
    );
  });
}
