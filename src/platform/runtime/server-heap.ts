import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8 from treating a busy inference server as an idle process. V8's memory reducer shrinks
 * the heap of processes whose JavaScript allocates little per second; a server whose time goes
 * into onnxruntime's native code looks like that under full load. On Node 20 (V8 11.3), with the
 * CLI's ~9 MB heap just above V8's 8 MB threshold for incremental marking, it then ran a full
 * mark-compact every ~75 ms while serving (`--trace-gc`: 35 in 4 s, against 0–1 with the reducer
 * off), which cost 7–14 % of requests/s on a 0.2 ms model (docs/performance.md). Node 24's V8
 * does it rarely (8 in 4 s). A server holds on to its memory anyway, so serve switches the
 * reducer off for its process. V8 reads these flags at each collection decision, so setting them
 * after start takes effect (measured on Node 20 and 24); they change heuristics only, never what
 * is kept.
 */
export function keepHeapUnderLoad(): void {
  setFlagsFromString('--no-memory-reducer');
  setFlagsFromString('--no-memory-reducer-for-small-heaps');
}
