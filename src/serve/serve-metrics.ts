import { MetricsRegistry, type Counter, type Histogram } from './metrics.js';

/** The server's Prometheus metrics, served at GET /metrics. */
export interface ServeMetrics {
  registry: MetricsRegistry;
  /** Infer requests answered, by model, protocol (http, grpc) and status. */
  requests: Counter;
  /** Receipt to answer of one infer request, by model and protocol. */
  requestDuration: Histogram;
  /** Wait of one request between being queued and its batch starting, by model. */
  queueDuration: Histogram;
  /** One onnxruntime session.run, by model. */
  inferenceDuration: Histogram;
  /** Rows per session.run, by model. */
  batchSize: Histogram;
  /** Requests per session.run, by model: above 1 means requests were coalesced. */
  batchRequests: Histogram;
  sessionRuns: Counter;
  /** Garbage collections of the process, by kind (major, minor, incremental, weakcb). */
  gcDuration: Histogram;
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ROWS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];
const REQUESTS = [1, 2, 4, 8, 16, 32, 64, 128];

export function createServeMetrics(): ServeMetrics {
  const registry = new MetricsRegistry();
  const metrics: ServeMetrics = {
    registry,
    requests: registry.counter(
      'modelops_infer_requests_total',
      'Infer requests answered, by model, protocol (http or grpc) and status (HTTP status code or gRPC status name).',
    ),
    requestDuration: registry.histogram(
      'modelops_infer_request_duration_seconds',
      'Time from receiving an infer request to answering it, by model and protocol.',
      SECONDS,
    ),
    queueDuration: registry.histogram(
      'modelops_queue_duration_seconds',
      'Time an infer request waited in the batching queue before its session.run started, by model.',
      SECONDS,
    ),
    inferenceDuration: registry.histogram(
      'modelops_inference_duration_seconds',
      'Time of one onnxruntime session.run (one batch), by model.',
      SECONDS,
    ),
    batchSize: registry.histogram(
      'modelops_batch_size',
      'Rows (size of the first dimension) per session.run, by model.',
      ROWS,
    ),
    batchRequests: registry.histogram(
      'modelops_batch_requests',
      'Infer requests coalesced into one session.run, by model.',
      REQUESTS,
    ),
    sessionRuns: registry.counter('modelops_session_runs_total', 'onnxruntime session.run calls, by model.'),
    gcDuration: registry.histogram(
      'nodejs_gc_duration_seconds',
      'Garbage collections of the server process (its JavaScript thread), by kind: major, minor, incremental, weakcb.',
      SECONDS,
    ),
  };
  addProcessMetrics(registry);
  return metrics;
}

/**
 * The usual process metrics, under their conventional names, so dashboards find them. Also the
 * whole of what a `--processes` primary adds to its workers' metrics: it accepts every
 * connection and forwards logs, CPU the server spends too.
 */
export function addProcessMetrics(registry: MetricsRegistry): MetricsRegistry {
  registry.sampled(
    'process_cpu_seconds_total',
    'User and system CPU time of the server process (all threads, onnxruntime included; with --processes, every process), in seconds.',
    'counter',
    () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
  );
  registry.sampled(
    'process_resident_memory_bytes',
    'Resident memory of the server process (with --processes, of every process), in bytes.',
    'gauge',
    () => process.memoryUsage.rss(),
  );
  return registry;
}
