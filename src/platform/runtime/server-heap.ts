import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8 from running full collections back to back in a busy inference server. Two of its
 * heuristics misjudge a process whose time goes into onnxruntime's native code:
 *
 * - The memory reducer shrinks the heap of processes that allocate little JavaScript per second,
 *   which such a server does under full load. On Node 20, with the CLI's ~9 MB heap just above
 *   V8's 8 MB threshold for incremental marking, it ran a mark-compact every ~75 ms while serving.
 * - Every read from a socket is a fresh 64 KiB buffer outside the heap, and a binary request of
 *   64 × 1024 floats is four of them. Young ones go at the next scavenge, but the server allocates
 *   so little JavaScript that scavenges are rare, and the buffers reach V8's limit for all
 *   memory (about 2.5× the ~8 MB live heap) first: a mark-compact every ~200–500 ms instead.
 *
 * Measured with `--trace-gc`, one session, 4 s under wrk (docs/performance.md, "serve
 * throughput"): 0.2 ms model 24–42 mark-compacts → 1; 2.5 ms model 8–19 → 1–2 (Node 20 and 24).
 * So serve turns the reducer off and lets the heap grow to 5× its live size before the next
 * collection (tens of MB at most: the server's live heap is ~8 MB). V8 reads these flags at each
 * collection decision, so setting them after start takes effect (checked on Node 20 and 24);
 * they change when V8 collects, never what it keeps.
 */
export function keepHeapUnderLoad(): void {
  setFlagsFromString('--no-memory-reducer');
  setFlagsFromString('--no-memory-reducer-for-small-heaps');
  setFlagsFromString('--heap-growing-percent=400');
}
