import { runCli } from './main.js';

// The bin entry: wire the real process to runCli, then leave with its exit code.
const code = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: Boolean(process.stderr.isTTY),
});
process.exitCode = code;
