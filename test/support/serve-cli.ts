import { spawn } from 'node:child_process';
import { CLI } from './cli-runner.js';

/** Starts `modelops serve … --port 0`, waits for the URL it logs, and stops it with SIGTERM. */
export async function startServe(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0'], {
    cwd: options.cwd,
    env: { ...process.env, GITHUB_ACTIONS: '', CI: '', ...options.env },
  });
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
      if (match) done(match[1]!);
    });
    void exited.then(() => fail(new Error(`serve exited before listening: ${stderr}`)));
  });
  return {
    url,
    pid: child.pid!,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
