import cluster, { type Worker } from 'node:cluster';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../platform/logger.js';
import { mergeMetricsTexts } from '../../serve/merge-metrics.js';
import { MetricsRegistry } from '../../serve/metrics.js';
import { addProcessMetrics } from '../../serve/serve-metrics.js';

/**
 * `modelops serve --processes N`: N server processes share the listening ports (node:cluster),
 * each with its own event loop and a single-threaded session by default. For a fast model the
 * HTTP work is most of the cost, and one process per core runs it without the hand-off of
 * tensors between threads: bench/serve-throughput measured 1.2–1.4× the rows/s of one process on
 * a 0.22 ms model (docs/performance.md). The primary only forks, forwards logs, answers for the
 * whole server's /metrics, and stops the workers on SIGTERM.
 */

/** Set in the environment of the processes the primary forks. */
const WORKER_ENV = 'MODELOPS_SERVE_WORKER';

type Message =
  | { type: 'modelops-serve-ready'; url: string; grpcAddress?: string }
  | { type: 'modelops-serve-metrics-ask'; id: number }
  | { type: 'modelops-serve-metrics-collect'; id: number }
  | { type: 'modelops-serve-metrics'; id: number; text: string }
  | { type: 'modelops-serve-metrics-answer'; id: number; text: string };

/** Whether this process is one of a `--processes` server's workers. */
export function isServeWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_ENV] === '1';
}

/** Where the forked servers listen. */
export interface ProcessesListening {
  url: string;
  grpcAddress?: string;
}

/**
 * Forks the workers (the same command line, with WORKER_ENV set) one at a time, so bad input
 * fails once, with the first worker's one-line error. Resolves once all listen; `stopped`
 * settles after `signal` fires and every worker has exited. A worker that dies while serving is
 * replaced.
 */
export async function startServeProcesses(
  count: number,
  options: { logger: Logger; signal: AbortSignal | undefined },
): Promise<ProcessesListening & { stopped: Promise<void> }> {
  const { logger } = options;
  // silent: the workers' stdout (their own --json result) is dropped, their stderr read here.
  cluster.setupPrimary({ silent: true });
  let stopping = false;
  const workers = new Set<Worker>();
  const answerMetrics = metricsAggregator(workers);

  const fork = (): Promise<{ worker: Worker; ready: ProcessesListening }> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ [WORKER_ENV]: '1' });
      workers.add(worker);
      let stderr = '';
      let listening = false;
      worker.process.stdout?.resume();
      worker.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        if (!listening) return void (stderr += chunk);
        for (const line of chunk.split('\n')) if (line.trim()) logger.info(line);
      });
      worker.on('message', (message: Message) => {
        if (message.type === 'modelops-serve-ready') {
          listening = true;
          for (const line of stderr.split('\n')) if (line.trim()) logger.info(line);
          resolve({ worker, ready: { url: message.url, grpcAddress: message.grpcAddress } });
        } else if (message.type === 'modelops-serve-metrics-ask') answerMetrics(worker, message.id);
      });
      worker.on('exit', (code) => {
        workers.delete(worker);
        if (!listening)
          return reject(
            stopping
              ? new UsageError('stopped before every serve process was listening')
              : workerFailure(stderr, code),
          );
        if (stopping) return;
        logger.warning(`serve process ${worker.process.pid} exited (code ${code}); starting another`);
        fork().catch((error: unknown) => logger.error(`could not replace it: ${(error as Error).message}`));
      });
    });

  const stopAll = async (): Promise<void> => {
    stopping = true;
    const exits = [...workers].map((w) => new Promise<void>((done) => w.once('exit', () => done())));
    for (const w of workers) w.process.kill('SIGTERM');
    await Promise.all(exits);
  };

  // SIGTERM/Ctrl-C while the workers still load stops them too.
  const onAbort = () => void stopAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let first;
  try {
    // One after another: a registered version is read from git by each, and memory grows gently.
    const stoppedEarly = () => new UsageError('stopped before every serve process was listening');
    first = await fork();
    for (let i = 1; i < count; i++) {
      if (stopping) throw stoppedEarly();
      await fork();
    }
    if (stopping) throw stoppedEarly();
  } catch (error) {
    await stopAll();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const stopped = new Promise<void>((done) => {
    if (!options.signal || options.signal.aborted) return done();
    options.signal.addEventListener('abort', () => done(), { once: true });
  }).then(stopAll);
  return { ...first.ready, stopped };
}

/**
 * In a worker: this process's half of the protocol. Tells the primary where it listens, answers
 * its collection requests with `localMetrics()`, and returns the function GET /metrics uses to
 * answer for every process (this one's text alone if the primary does not answer in 2 s).
 */
export function joinServeProcesses(
  ready: ProcessesListening,
  localMetrics: () => string,
): (local: string) => Promise<string> {
  const pending = new Map<number, (text: string) => void>();
  let next = 0;
  process.on('message', (message: Message) => {
    if (message.type === 'modelops-serve-metrics-collect')
      process.send?.({ type: 'modelops-serve-metrics', id: message.id, text: localMetrics() });
    else if (message.type === 'modelops-serve-metrics-answer') pending.get(message.id)?.(message.text);
  });
  process.send?.({ type: 'modelops-serve-ready', ...ready });
  return (local) =>
    new Promise((resolve) => {
      const id = next++;
      const timer = setTimeout(() => finish(local), 2000);
      const finish = (text: string) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(text);
      };
      pending.set(id, finish);
      process.send?.({ type: 'modelops-serve-metrics-ask', id });
    });
}

/** In a worker, once its server has closed: let go of the primary so this process can exit. */
export function leaveServeProcesses(): void {
  if (process.connected) process.disconnect();
}

/**
 * Primary side of GET /metrics: collect every live worker's text, merge them with this
 * process's own CPU and memory, answer the asker.
 */
function metricsAggregator(workers: ReadonlySet<Worker>) {
  const own = addProcessMetrics(new MetricsRegistry());
  let next = 0;
  return (asker: Worker, askId: number): void => {
    const id = next++;
    const live = [...workers].filter((w) => w.isConnected());
    const texts: string[] = [];
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      for (const w of live) w.off('message', collect);
      if (asker.isConnected())
        asker.send({
          type: 'modelops-serve-metrics-answer',
          id: askId,
          text: mergeMetricsTexts([...texts, own.render()]),
        });
    };
    const collect = (message: Message) => {
      if (message.type !== 'modelops-serve-metrics' || message.id !== id) return;
      texts.push(message.text);
      if (texts.length === live.length) answer();
    };
    for (const w of live) {
      w.on('message', collect);
      w.send({ type: 'modelops-serve-metrics-collect', id });
    }
    setTimeout(answer, 1500).unref();
  };
}

/** The error a worker printed before it could listen, as this process's own. */
function workerFailure(stderr: string, code: number | null): Error {
  const line = /modelops serve: error: (.*)/.exec(stderr)?.[1];
  if (line) return new UsageError(line);
  const internal = /modelops serve: internal error \(a bug, please report it\): (.*)/.exec(stderr)?.[1];
  return new Error(internal ?? `a serve process exited with code ${code} before listening: ${stderr.trim()}`);
}
