// Builds every action and the CLI into dist/: one esbuild run with code splitting, so the core is
// one set of shared chunks and each action entry is a thin stub (no copy of the core per action).
// onnxruntime-node stays external (its native addon and libonnxruntime.so are loaded by path, which
// bundlers cannot follow) and is copied beside the bundle as dist/node_modules, linux-x64 only.
import { build } from 'esbuild';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const verbs = readdirSync(join(root, 'actions')).filter((d) =>
  existsSync(join(root, 'actions', d, 'action.yml')),
);
const entryPoints = {
  cli: join(root, 'src/cli/index.ts'),
  demo: join(root, 'src/demo/main.ts'),
  'actions/main': join(root, 'src/actions/main.ts'),
  ...Object.fromEntries(verbs.map((v) => [`actions/${v}`, join(root, `src/actions/${v}.ts`)])),
};

// Build beside dist/ and swap it in at the end, so a test or action reading dist/ never sees half a build.
const staging = `${dist}.staging-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
const started = Date.now();
await build({
  entryPoints,
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['onnxruntime-node'],
  define: { MODELOPS_VERSION: JSON.stringify(pkg.version) },
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __modelopsRequire } from 'node:module'; const require = __modelopsRequire(import.meta.url);",
  },
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

writeFileSync(
  join(staging, 'package.json'),
  JSON.stringify({ type: 'module', private: true }, null, 2) + '\n',
);
copyRuntime(staging);
// The gRPC server loads its API description at run time (src/serve/grpc/grpc-server.ts looks beside dist/).
cpSync(join(root, 'src/serve/grpc/grpc_predict_v2.proto'), join(staging, 'grpc_predict_v2.proto'));
writeFileSync(join(staging, '.build-stamp'), new Date().toISOString() + '\n');
const retired = `${dist}.retired-${process.pid}`;
if (existsSync(dist)) renameSync(dist, retired);
renameSync(staging, dist);
rmSync(retired, { recursive: true, force: true });

const sizes = listFiles(dist).map((f) => ({ f: f.slice(dist.length + 1), size: statSync(f).size }));
const js = sizes.filter((s) => s.f.endsWith('.js') && !s.f.startsWith('node_modules'));
const total = (list) => (list.reduce((a, s) => a + s.size, 0) / 1e6).toFixed(2);
console.error(
  `built ${Object.keys(entryPoints).length} entries in ${Date.now() - started} ms: ` +
    `${total(js)} MB of JS (largest entry stub ${Math.max(...js.filter((s) => !s.f.startsWith('chunks')).map((s) => s.size))} bytes), ` +
    `${total(sizes.filter((s) => s.f.startsWith('node_modules')))} MB onnxruntime`,
);

function copyRuntime(outdir) {
  const modules = join(outdir, 'node_modules');
  const ort = join(root, 'node_modules/onnxruntime-node');
  const common = join(root, 'node_modules/onnxruntime-common');
  mkdirSync(modules, { recursive: true });
  cpSync(join(ort, 'package.json'), join(modules, 'onnxruntime-node/package.json'));
  cpSync(join(ort, 'dist'), join(modules, 'onnxruntime-node/dist'), {
    recursive: true,
    filter: (s) => !s.endsWith('.map'),
  });
  // Runners are linux-x64; other platforms' binaries would triple the size of a release ref.
  cpSync(join(ort, 'bin/napi-v6/linux/x64'), join(modules, 'onnxruntime-node/bin/napi-v6/linux/x64'), {
    recursive: true,
  });
  cpSync(join(common, 'package.json'), join(modules, 'onnxruntime-common/package.json'));
  cpSync(join(common, 'dist'), join(modules, 'onnxruntime-common/dist'), {
    recursive: true,
    filter: (s) => !s.endsWith('.map'),
  });
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}
