// The least a Node.js HTTP server can do per V2 binary infer request — the serve throughput
// bench's floor peer, not part of the product. N processes on one port (node:cluster), each with
// one single-threaded onnxruntime session, as `modelops serve --processes N` lays them out; per
// request: read the body (JSON header, then the float32 rows) into a reused buffer, parse the
// header, one session.run, answer the V2 binary reply. No checks, no batching, no metrics, no
// logs: whatever `modelops serve` spends beyond this is its own; what this spends is the price of
// Node's HTTP stack plus onnxruntime-node on this machine, which no Node.js server goes below.
// Usage: node serve-floor-server.mjs <model.onnx> <processes>
// Prints "floor at http://127.0.0.1:PORT/ pids P1,P2,…" on stderr once every process listens.
import cluster from 'node:cluster';
import { createServer } from 'node:http';

const [model, processes] = [process.argv[2], Number(process.argv[3] ?? 1)];

if (cluster.isPrimary) {
  const workers = Array.from({ length: processes }, () => cluster.fork());
  let listening = 0;
  let port;
  cluster.on('listening', (_worker, address) => {
    port = address.port;
    if (++listening === processes)
      process.stderr.write(
        `floor at http://127.0.0.1:${port}/ pids ${workers.map((w) => w.process.pid).join(',')}\n`,
      );
  });
  let stopping = false;
  cluster.on('exit', (_worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`floor: a worker exited (${signal ?? code})\n`);
    process.exit(1);
  });
  process.on('SIGTERM', () => {
    stopping = true;
    for (const w of workers) w.kill();
    process.exit(0);
  });
} else {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 4, intraOpNumThreads: 1 });
  const [input] = session.inputNames;
  // Tensor buffers by byte size, reused: a request's buffer is free again once its answer is written.
  const free = new Map();
  const server = createServer((req, res) => {
    const jsonLength = Number(req.headers['inference-header-content-length']);
    const total = Number(req.headers['content-length']);
    const head = Buffer.allocUnsafe(jsonLength);
    const rows = free.get(total - jsonLength)?.pop() ?? new Float32Array((total - jsonLength) / 4);
    const tail = Buffer.from(rows.buffer);
    let size = 0;
    req.on('data', (chunk) => {
      let from = 0;
      if (size < jsonLength) {
        from = Math.min(chunk.length, jsonLength - size);
        chunk.copy(head, size, 0, from);
      }
      if (from < chunk.length) chunk.copy(tail, size + from - jsonLength, from);
      size += chunk.length;
    });
    req.on('end', async () => {
      const { inputs } = JSON.parse(head.toString('utf8'));
      const outputs = await session.run({ [input]: new ort.Tensor('float32', rows, inputs[0].shape) });
      const list = free.get(tail.byteLength) ?? [];
      list.push(rows);
      free.set(tail.byteLength, list);
      const parts = [];
      const reply = {
        model_name: 'floor',
        outputs: Object.entries(outputs).map(([name, t]) => {
          parts.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
          return {
            name,
            shape: t.dims,
            datatype: 'FP32',
            parameters: { binary_data_size: t.data.byteLength },
          };
        }),
      };
      const json = Buffer.from(JSON.stringify(reply));
      const body = Buffer.concat([json, ...parts]);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': body.length,
        'inference-header-content-length': json.length,
      });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
}
