/**
 * Which imports a pickle may make. Allowlist first: a global not on the allowlist of the container
 * kind is at least "unknown" (medium, fails only with --strict); one that matches the blocklist —
 * on any dotted prefix or any dotted sub-path — is high or critical. The lists are our own,
 * written to cover at least the union of what picklescan, modelscan and fickling flag.
 */
import type { FindingSeverity } from '../types.js';

/** Which allowlist applies: what loader the container feeds. */
export type PickleKind = 'generic' | 'torch' | 'numpy' | 'joblib';

export interface GlobalVerdict {
  kind: 'allowed' | 'unknown' | 'dangerous';
  severity?: FindingSeverity;
  /** The blocklist entry that matched, for the message. */
  matched?: string;
  why?: string;
}

// Module aliases Python resolves on load (fix_imports for protocol 0–2, platform names of os).
const MODULE_ALIASES: Record<string, string> = {
  __builtin__: 'builtins',
  __builtins__: 'builtins',
  posix: 'os',
  nt: 'os',
  _pickle: 'pickle',
  cPickle: 'pickle',
  _operator: 'operator',
  _functools: 'functools',
  httplib: 'http.client',
  urllib2: 'urllib.request',
  copy_reg: 'copyreg',
  _io: 'io',
  _socket: 'socket',
  commands: 'subprocess',
  popen2: 'subprocess',
  _posixsubprocess: 'subprocess',
  _thread: 'threading',
  thread: 'threading',
  _codecs: '_codecs',
  _xxsubinterpreters: '_interpreters',
  SocketServer: 'socketserver',
  xmlrpclib: 'xmlrpc.client',
  cStringIO: 'io',
  StringIO: 'io',
};

const CRITICAL = 'critical' as const;
const HIGH = 'high' as const;

/** Whole modules (and everything under them) whose import alone is dangerous. */
const BLOCKED_MODULES: Record<string, [FindingSeverity, string]> = {
  os: [CRITICAL, 'process and file system control'],
  subprocess: [CRITICAL, 'runs commands'],
  sys: [CRITICAL, 'interpreter control (sys.modules overrides, exit)'],
  pty: [CRITICAL, 'spawns a shell'],
  runpy: [CRITICAL, 'runs Python code'],
  pkgutil: [CRITICAL, 'resolves any callable by name'],
  importlib: [CRITICAL, 'imports any module'],
  imp: [CRITICAL, 'imports any module'],
  zipimport: [CRITICAL, 'imports code from archives'],
  code: [CRITICAL, 'interactive interpreter runs code'],
  codeop: [CRITICAL, 'compiles code'],
  bdb: [CRITICAL, 'debugger runs code'],
  pdb: [CRITICAL, 'debugger runs code'],
  ipdb: [CRITICAL, 'debugger runs code'],
  cProfile: [CRITICAL, 'profiler runs code'],
  profile: [CRITICAL, 'profiler runs code'],
  trace: [CRITICAL, 'tracer runs code'],
  timeit: [CRITICAL, 'runs code'],
  doctest: [CRITICAL, 'runs code'],
  pydoc: [CRITICAL, 'locates any callable, runs pagers'],
  idlelib: [CRITICAL, 'IDE internals evaluate code'],
  lib2to3: [CRITICAL, 'evaluates grammar code, loads pickles'],
  ensurepip: [CRITICAL, 'runs pip'],
  pip: [CRITICAL, 'installs packages'],
  venv: [CRITICAL, 'runs commands'],
  distutils: [CRITICAL, 'writes files, runs commands'],
  setuptools: [CRITICAL, 'runs commands'],
  multiprocessing: [CRITICAL, 'spawns processes'],
  asyncio: [CRITICAL, 'spawns subprocesses, opens sockets'],
  threading: [HIGH, 'starts threads on any callable'],
  ctypes: [CRITICAL, 'foreign function calls'],
  _ctypes: [CRITICAL, 'foreign function calls'],
  cffi: [CRITICAL, 'foreign function calls'],
  marshal: [CRITICAL, 'loads code objects'],
  pickle: [CRITICAL, 'pickle inside pickle'],
  pickletools: [HIGH, 'pickle tooling'],
  dill: [CRITICAL, 'serializes code'],
  cloudpickle: [CRITICAL, 'serializes code'],
  shelve: [CRITICAL, 'loads pickles'],
  jsonpickle: [CRITICAL, 'loads pickles'],
  webbrowser: [HIGH, 'opens URLs, runs browsers'],
  http: [HIGH, 'network access'],
  urllib: [HIGH, 'network access'],
  urllib3: [HIGH, 'network access'],
  requests: [HIGH, 'network access'],
  aiohttp: [HIGH, 'network access'],
  httpx: [HIGH, 'network access'],
  socket: [CRITICAL, 'network access'],
  socketserver: [HIGH, 'network access'],
  ssl: [HIGH, 'network access'],
  _ssl: [HIGH, 'network access'],
  ftplib: [HIGH, 'network access'],
  smtplib: [HIGH, 'network access'],
  imaplib: [CRITICAL, 'network access; IMAP4_stream runs a command'],
  poplib: [HIGH, 'network access'],
  telnetlib: [HIGH, 'network access'],
  nntplib: [HIGH, 'network access'],
  xmlrpc: [HIGH, 'network access'],
  select: [HIGH, 'low-level I/O'],
  selectors: [HIGH, 'low-level I/O'],
  mmap: [HIGH, 'memory-mapped file access'],
  shutil: [CRITICAL, 'file system changes'],
  tempfile: [HIGH, 'file creation'],
  glob: [HIGH, 'file system listing'],
  zipfile: [HIGH, 'archive extraction'],
  tarfile: [HIGH, 'archive extraction'],
  fcntl: [HIGH, 'low-level I/O'],
  signal: [HIGH, 'process signals'],
  resource: [HIGH, 'process limits'],
  site: [CRITICAL, 'interpreter start-up hooks'],
  sysconfig: [HIGH, 'interpreter configuration'],
  _aix_support: [CRITICAL, 'runs commands'],
  _osx_support: [CRITICAL, 'runs commands'],
  _pyrepl: [CRITICAL, 'REPL internals run commands'],
  test: [CRITICAL, 'CPython test helpers run code'],
  _interpreters: [CRITICAL, 'sub-interpreters run code'],
  _winapi: [CRITICAL, 'Windows process control'],
  msvcrt: [HIGH, 'Windows runtime'],
  winreg: [HIGH, 'Windows registry'],
  _winreg: [HIGH, 'Windows registry'],
  readline: [HIGH, 'terminal control'],
  rlcompleter: [CRITICAL, 'evaluates expressions'],
  inspect: [HIGH, 'introspection gadgets'],
  gc: [HIGH, 'object graph access'],
  weakref: [HIGH, 'object graph gadgets'],
  operator: [CRITICAL, 'attribute and method call gadgets'],
  functools: [CRITICAL, 'call gadgets (partial, reduce)'],
  jinja2: [CRITICAL, 'template code execution'],
  yaml: [HIGH, 'unsafe loaders'],
  ruamel: [HIGH, 'unsafe loaders'],
  picklescan: [HIGH, 'tampers with a scanner'],
  modelscan: [HIGH, 'tampers with a scanner'],
  fickling: [HIGH, 'tampers with a scanner'],
  sqlite3: [HIGH, 'database file access'],
  dbm: [HIGH, 'database file access'],
  'numpy.f2py': [CRITICAL, 'evaluates Fortran expressions'],
  'numpy.testing': [CRITICAL, 'runs code'],
  'numpy.distutils': [CRITICAL, 'runs commands'],
  'numpy.ctypeslib': [CRITICAL, 'loads libraries'],
  'torch.hub': [CRITICAL, 'downloads and runs code'],
  'torch.jit': [CRITICAL, 'compiles and runs code'],
  'torch._dynamo': [CRITICAL, 'guards evaluate code'],
  'torch._inductor': [CRITICAL, 'compiles and runs code'],
  'torch.utils.bottleneck': [CRITICAL, 'runs code under a profiler'],
  'torch.utils.collect_env': [CRITICAL, 'runs commands'],
  'torch.utils.data.datapipes': [CRITICAL, 'decoders load pickles'],
  'torch.utils._config_module': [CRITICAL, 'loads pickles'],
  'torch.utils.cpp_extension': [CRITICAL, 'compiles and loads code'],
  'torch.fx.experimental.symbolic_shapes': [CRITICAL, 'evaluates guard expressions'],
  'torch.package': [CRITICAL, 'imports packaged code'],
  'torch.distributed': [HIGH, 'network access'],
  'torch.testing._internal': [CRITICAL, 'runs code'],
  'torch.serialization.load': [CRITICAL, 'loads another model (pickle inside pickle)'],
  'torch.load': [CRITICAL, 'loads another model (pickle inside pickle)'],
  'torch._C': [HIGH, 'native internals'],
  'torch.ops': [HIGH, 'arbitrary registered operators'],
  'joblib.load': [CRITICAL, 'loads pickles'],
  'joblib.numpy_pickle.load': [CRITICAL, 'loads pickles'],
  'numpy.load': [CRITICAL, 'loads pickles'],
  'numpy.lib.npyio': [HIGH, 'file access'],
  'keras.utils.get_file': [HIGH, 'downloads files'],
  'keras.models.load_model': [CRITICAL, 'loads another model'],
  'keras.config.enable_unsafe_deserialization': [CRITICAL, 'turns off safe mode'],
  'tensorflow.io': [HIGH, 'file access'],
  'tensorflow.keras.utils.get_file': [HIGH, 'downloads files'],
  'logging.config': [CRITICAL, 'logging.config.listen executes received code'],
  'logging.FileHandler': [HIGH, 'creates files'],
  'logging.handlers': [HIGH, 'files and sockets'],
  'types.CodeType': [CRITICAL, 'builds code objects'],
  'types.FunctionType': [CRITICAL, 'builds functions from code objects'],
  'types.MethodType': [HIGH, 'binds callables'],
  'types.ModuleType': [HIGH, 'creates modules'],
  'types.SimpleNamespace': [HIGH, 'attribute gadget'],
  'io.FileIO': [HIGH, 'opens files'],
  'io.open': [HIGH, 'opens files'],
  'io.open_code': [HIGH, 'opens files'],
  'codecs.open': [HIGH, 'opens files'],
  'uuid._get_command_stdout': [CRITICAL, 'runs commands'],
  'uuid._popen': [CRITICAL, 'runs commands'],
  'platform.popen': [CRITICAL, 'runs commands'],
  'platform._syscmd_file': [CRITICAL, 'runs commands'],
  'platform._syscmd_ver': [CRITICAL, 'runs commands'],
  'ast.literal_eval': [HIGH, 'parses code'],
  'builtins.eval': [CRITICAL, 'evaluates code'],
  'builtins.exec': [CRITICAL, 'executes code'],
  'builtins.execfile': [CRITICAL, 'executes a file'],
  'builtins.compile': [CRITICAL, 'compiles code'],
  'builtins.__import__': [CRITICAL, 'imports any module'],
  'builtins.getattr': [CRITICAL, 'reaches any attribute'],
  'builtins.setattr': [CRITICAL, 'overwrites attributes'],
  'builtins.delattr': [CRITICAL, 'deletes attributes'],
  'builtins.globals': [CRITICAL, 'reaches module globals'],
  'builtins.locals': [CRITICAL, 'reaches local variables'],
  'builtins.vars': [CRITICAL, 'reaches object dicts'],
  'builtins.apply': [CRITICAL, 'calls anything'],
  'builtins.open': [HIGH, 'opens files'],
  'builtins.file': [HIGH, 'opens files'],
  'builtins.input': [HIGH, 'reads the terminal'],
  'builtins.raw_input': [HIGH, 'reads the terminal'],
  'builtins.breakpoint': [CRITICAL, 'starts a debugger'],
  'builtins.help': [HIGH, 'runs a pager'],
  'builtins.reload': [CRITICAL, 'reloads modules'],
  'builtins.memoryview': [HIGH, 'raw memory gadget'],
  'builtins.type': [HIGH, 'creates classes'],
  'builtins.object.__subclasses__': [CRITICAL, 'class walk gadget'],
  'builtins.super': [HIGH, 'attribute gadget'],
  'builtins.classmethod': [HIGH, 'descriptor gadget'],
  'builtins.staticmethod': [HIGH, 'descriptor gadget'],
  'builtins.property': [HIGH, 'descriptor gadget'],
  'builtins.map': [HIGH, 'calls a function on every item'],
  'builtins.filter': [HIGH, 'calls a function on every item'],
  'builtins.exit': [HIGH, 'exits the interpreter'],
  'builtins.quit': [HIGH, 'exits the interpreter'],
};

/** Attribute names that only a gadget chain reaches for. */
const DANGEROUS_ATTRIBUTES = new Set([
  '__globals__',
  '__builtins__',
  '__import__',
  '__subclasses__',
  '__code__',
  '__closure__',
  '__getattribute__',
  '__reduce__',
  '__reduce_ex__',
  '__setstate__',
  '__dict__',
  '__class__',
  '__mro__',
  '__bases__',
  '__base__',
  '__init_subclass__',
  '__loader__',
  '__spec__',
  'func_globals',
  'f_globals',
  'gi_frame',
]);

const COMMON_ALLOWED = new Set([
  'builtins.set',
  'builtins.frozenset',
  'builtins.dict',
  'builtins.list',
  'builtins.tuple',
  'builtins.bytearray',
  'builtins.bytes',
  'builtins.complex',
  'builtins.slice',
  'builtins.range',
  'builtins.int',
  'builtins.float',
  'builtins.str',
  'builtins.bool',
  'builtins.object',
  'builtins.len',
  'builtins.NotImplemented',
  'builtins.Ellipsis',
  'collections.OrderedDict',
  'collections.defaultdict',
  'collections.deque',
  'copyreg._reconstructor',
  'copyreg.__newobj__',
  'copyreg.__newobj_ex__',
  'datetime.datetime',
  'datetime.date',
  'datetime.time',
  'datetime.timedelta',
  'datetime.timezone',
  'decimal.Decimal',
  'fractions.Fraction',
  '_codecs.encode',
  'codecs.encode',
  '__future__.annotations',
  'uuid.UUID',
  'pathlib.PosixPath',
  'pathlib.WindowsPath',
  'pathlib.PurePosixPath',
  'pathlib.PureWindowsPath',
  'enum.Enum',
]);

const NUMPY_ALLOWED = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.ma.core._mareconstruct',
  'numpy.core.numeric._frombuffer',
  'numpy._core.numeric._frombuffer',
  'numpy.random._pickle.__randomstate_ctor',
  'numpy.random._pickle.__generator_ctor',
  'numpy.random._pickle.__bit_generator_ctor',
  'numpy.random.mtrand.RandomState',
  'numpy.random.mtrand._rand',
]);
// numpy scalar type classes (numpy.float32 …) appear as dtype arguments.
const NUMPY_SCALAR =
  /^numpy\.(u?int(8|16|32|64)|float(16|32|64|128)|complex(64|128|256)|bool_?|object_|str_|bytes_|void|longlong|ulonglong|intc|uintc|half|single|double|longdouble|datetime64|timedelta64|dtypes\.\w+DType)$/;

const TORCH_ALLOWED = new Set([
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._utils._rebuild_sparse_tensor',
  'torch._utils._rebuild_sparse_csr_tensor',
  'torch._utils._rebuild_qtensor',
  'torch._utils._rebuild_device_tensor_from_numpy',
  'torch._utils._rebuild_meta_tensor_no_storage',
  'torch._utils._rebuild_wrapper_subclass',
  'torch._utils._rebuild_nested_tensor',
  'torch._utils._rebuild_xla_tensor',
  'torch._utils._rebuild_mps_tensor',
  'torch._tensor._rebuild_from_type',
  'torch._tensor._rebuild_from_type_v2',
  'torch.Size',
  'torch.device',
  'torch.Tensor',
  'torch.nn.parameter.Parameter',
  'torch.nn.parameter.Buffer',
  'torch.storage.UntypedStorage',
  'torch.storage.TypedStorage',
  'torch.storage._load_from_bytes',
  'torch.serialization._get_layout',
  'torch._utils._get_restore_location',
]);
const TORCH_PATTERNS = [
  /^torch\.(cuda\.)?(Float|Double|Half|BFloat16|Long|Int|Short|Char|Byte|Bool|ComplexFloat|ComplexDouble|QUInt8|QInt8|QInt32|QUInt4x2|QUInt2x4|Untyped)Storage$/,
  /^torch\.(float|double|half|bfloat16|float(16|32|64)|int(8|16|32|64)|uint(8|16|32|64)|bool|complex(32|64|128)|cfloat|cdouble|long|int|short|qint8|quint8|qint32|float8_\w+|strided|sparse_coo|sparse_csr|per_tensor_affine|per_channel_affine|contiguous_format|channels_last|channels_last_3d|preserve_format)$/,
  // Whole modules pickled by torch.save(model): the stock layers and containers.
  /^torch\.nn\.modules\.[a-z_]+(\.[a-z_]+)?\.[A-Z][A-Za-z0-9_]*$/,
  /^torch\.jit\._pickle\.(build_\w+|restore_type_tag)$/,
];

const JOBLIB_PATTERNS = [
  /^joblib\.numpy_pickle\.(NumpyArrayWrapper|NDArrayWrapper|ZNDArrayWrapper)$/,
  /^sklearn\.[a-z_.0-9]+\.[A-Za-z_][A-Za-z0-9_]*$/,
  /^scipy\.sparse\.[a-z_.]+\.[a-z]{3}_(matrix|array)$/,
  /^xgboost\.(sklearn|core)\.[A-Z]\w*$/,
  /^lightgbm\.(sklearn|basic)\.[A-Z]\w*$/,
];

function isAllowed(qualified: string, kind: PickleKind): boolean {
  if (COMMON_ALLOWED.has(qualified)) return true;
  if (NUMPY_ALLOWED.has(qualified) || NUMPY_SCALAR.test(qualified)) return true;
  if (kind === 'numpy') return false;
  const torch = TORCH_ALLOWED.has(qualified) || TORCH_PATTERNS.some((p) => p.test(qualified));
  if (kind === 'torch') return torch;
  const joblib = JOBLIB_PATTERNS.some((p) => p.test(qualified));
  if (kind === 'joblib') return joblib;
  return torch || joblib;
}

/** The module a pickle names, with Python's load-time aliases applied. */
export function normalizeModule(module: string): string {
  const head = module.split('.')[0]!;
  const alias = MODULE_ALIASES[module] ?? MODULE_ALIASES[head];
  if (alias === undefined) return module;
  return MODULE_ALIASES[module] !== undefined ? alias : alias + module.slice(head.length);
}

/**
 * Classifies `module` + `name` (name may be dotted: `eval.__call__`, `Bdb.run`). Every dotted
 * prefix of the full path is checked, and so is every sub-path that starts inside the name,
 * because `pathlib` + `os.system` resolves to os.system through pathlib's own import of os.
 */
export function classifyGlobal(module: string, name: string, kind: PickleKind): GlobalVerdict {
  const normalized = normalizeModule(module);
  const qualified = name ? `${normalized}.${name}` : normalized;
  const parts = qualified.split('.').slice(0, 32);
  const moduleParts = normalized.split('.').length;
  let worst: GlobalVerdict | undefined;
  const consider = (candidate: string) => {
    const hit = BLOCKED_MODULES[candidate] ?? BLOCKED_MODULES[normalizeModule(candidate)];
    if (!hit) return;
    if (!worst || (hit[0] === 'critical' && worst.severity !== 'critical'))
      worst = { kind: 'dangerous', severity: hit[0], matched: candidate, why: hit[1] };
  };
  for (let end = 1; end <= parts.length; end++) consider(parts.slice(0, end).join('.'));
  for (let start = moduleParts; start < parts.length; start++) {
    for (let end = start + 1; end <= parts.length; end++) consider(parts.slice(start, end).join('.'));
    if (DANGEROUS_ATTRIBUTES.has(parts[start]!)) {
      return { kind: 'dangerous', severity: 'critical', matched: parts[start], why: 'gadget attribute' };
    }
  }
  // Module names with dunder components (numpy.__builtins__) are gadget paths too.
  for (const part of normalized.split('.')) {
    if (DANGEROUS_ATTRIBUTES.has(part))
      return { kind: 'dangerous', severity: 'critical', matched: part, why: 'gadget attribute' };
  }
  if (worst) return worst;
  return isAllowed(qualified, kind) ? { kind: 'allowed' } : { kind: 'unknown' };
}
