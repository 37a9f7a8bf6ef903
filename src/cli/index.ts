import { runCli } from './main.js';

// SIGTERM and Ctrl-C abort long-running verbs (serve) so they shut down gracefully; a second
// signal, after the handler was removed, ends the process the default way.
const stop = new AbortController();
const onSignal = (): void => {
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  stop.abort();
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

// The bin entry: wire the real process to runCli, then leave with its exit code.
const code = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  signal: stop.signal,
});
process.off('SIGTERM', onSignal);
process.off('SIGINT', onSignal);
process.exitCode = code;
