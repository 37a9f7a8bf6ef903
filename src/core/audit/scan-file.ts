/**
 * Scans one file: sniffs what it really is (never trusting the extension), reads it the way its
 * loader would, and turns the findings into a verdict. Nothing in the file is executed.
 */
import { basename } from 'node:path';
import { sniffFormat, SNIFF_BYTES } from '../registry/sniff-format.js';
import { scanPickleStream } from './pickle/scan-pickle.js';
import { runPickle } from './pickle/machine.js';
import { Collector, finding, type ScanContext } from './scan-context.js';
import { scanZip } from './containers/scan-zip.js';
import { scanNumpy } from './containers/scan-numpy.js';
import { scanSafetensors } from './containers/scan-safetensors.js';
import { scanGguf } from './containers/scan-gguf.js';
import { scanOnnx } from './containers/scan-onnx.js';
import { scanHdf5, scanSavedModelPb, scanKerasConfigText } from './containers/scan-keras.js';
import { scanCompressed, scanTar } from './containers/scan-compressed.js';
import { scan7z } from './containers/scan-7z.js';
import { fileSource, memorySource, type ByteSource } from './source.js';
import { DEFAULT_LIMITS, severityRank, type FileReport, type ScanLimits, type Verdict } from './types.js';
import type { PickleKind } from './pickle/globals-policy.js';

export interface ScanFileOptions {
  limits?: Partial<ScanLimits>;
  /** The path shown in reports (as the user wrote it). */
  display?: string;
  /** The file name loaders would see (e.g. for content kept under another name, an LFS object). */
  name?: string;
}

/** Scans the file at `path`. Never throws for hostile or broken content; I/O errors do throw. */
export async function scanFile(path: string, options: ScanFileOptions = {}): Promise<FileReport> {
  const src = await fileSource(path);
  try {
    return await scanSourceReport(src, options.name ?? basename(path), options.display ?? path, options);
  } finally {
    await src.close();
  }
}

/** Scans bytes in memory (tests, members of archives handed over by callers). */
export async function scanBytes(
  bytes: Uint8Array,
  name: string,
  options: ScanFileOptions = {},
): Promise<FileReport> {
  return scanSourceReport(memorySource(bytes), name, options.display ?? name, options);
}

async function scanSourceReport(
  src: ByteSource,
  fileName: string,
  display: string,
  options: ScanFileOptions,
): Promise<FileReport> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const sink = new Collector();
  const ctx: ScanContext = {
    limits,
    deadline: Date.now() + limits.maxMillis,
    sink,
    inflated: { bytes: 0 },
    budget: { nested: limits.maxNestedPickles },
    depth: 0,
  };
  let format = 'unknown';
  try {
    format = await scanSource(src, undefined, ctx, fileName);
  } catch (error) {
    // A reader bug on hostile input must not turn into "clean" or a crash of the whole run.
    sink.unscannable(`internal reader error: ${(error as Error).message}`);
  }
  return {
    path: display,
    format,
    size: src.size,
    verdict: verdictOf(sink),
    findings: sink.findings,
    unscanned: sink.unscanned,
    scanned: sink.members,
  };
}

export function verdictOf(sink: { findings: FileReport['findings']; unscanned: string[] }): Verdict {
  const worst = Math.max(-1, ...sink.findings.map((f) => severityRank(f.severity)));
  if (worst >= severityRank('high')) return 'malicious';
  if (sink.unscanned.length > 0) return 'inconclusive';
  if (worst >= 0) return 'suspicious';
  return 'clean';
}

/**
 * Dispatches on content. `member` is the path inside the enclosing container (undefined for the
 * file itself); returns the format name for the report.
 */
export async function scanSource(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  fileName: string,
  hint: { kind?: PickleKind } = {},
): Promise<string> {
  if (Date.now() > ctx.deadline) {
    ctx.sink.unscannable(`${member ?? 'file'}: time limit of ${ctx.limits.maxMillis} ms reached`);
    return 'unknown';
  }
  const head = await src.read(0, SNIFF_BYTES);
  const format = sniffFormat(head);
  const where = member ?? fileName;
  switch (format) {
    case 'pickle':
      await scanPickleSource(src, member, ctx, hint.kind ?? kindForName(fileName));
      return kindForName(fileName) === 'joblib' ? 'joblib' : 'pickle';
    case 'pytorch-legacy':
      await scanPickleSource(src, member, ctx, 'torch', 5);
      return 'pytorch-legacy';
    case 'pytorch':
    case 'keras':
    case 'npz':
    case 'zip':
      await scanZip(src, member, ctx, format);
      return format;
    case 'numpy':
      await scanNumpy(src, member, ctx);
      return 'numpy';
    case 'safetensors':
      await scanSafetensors(src, member, ctx);
      return 'safetensors';
    case 'gguf':
      await scanGguf(src, member, ctx);
      return 'gguf';
    case 'onnx':
      await scanOnnx(src, member, ctx);
      return 'onnx';
    case 'hdf5':
      await scanHdf5(src, member, ctx);
      return 'hdf5';
    case 'gzip':
    case 'bzip2':
    case 'xz':
    case 'zstd':
      await scanCompressed(src, member, ctx, format, fileName, (inner, name) =>
        scanSource(inner, name, { ...ctx, depth: ctx.depth + 1 }, name, hint),
      );
      return format;
    case 'tar':
      await scanTar(src, member, ctx, (inner, name) =>
        scanSource(inner, name, { ...ctx, depth: ctx.depth + 1 }, name, { kind: 'torch' }),
      );
      return 'tar';
    case 'lfs-pointer':
      ctx.sink.unscannable(
        `${where}: a Git LFS pointer, the model content is not checked out (git lfs pull)`,
      );
      return 'lfs-pointer';
    case 'tflite':
      ctx.sink.unscannable(`${where}: TFLite flatbuffers are not inspected yet`);
      return 'tflite';
    default:
      break;
  }
  if (head.length >= 6 && head[0] === 0x37 && head[1] === 0x7a && head[2] === 0xbc && head[3] === 0xaf) {
    await scan7z(src, member, ctx, (inner, name) =>
      scanSource(inner, name, { ...ctx, depth: ctx.depth + 1 }, name, hint),
    );
    return '7z';
  }
  const base = basename(fileName);
  if (base === 'saved_model.pb' || base === 'keras_metadata.pb' || base === 'fingerprint.pb') {
    await scanSavedModelPb(src, member, ctx, base);
    return 'tf-savedmodel';
  }
  if (/\.json$/i.test(base) && head[0] === 0x7b) {
    await scanKerasConfigText(src, member, ctx);
    return 'json';
  }
  // A zip with data in front (self-extractor, polyglot) does not start with PK: find its end record.
  const tail = await src.read(Math.max(0, src.size - 65_557), 65_557);
  if (Buffer.from(tail).includes(Buffer.from('PK\x05\x06', 'latin1'))) {
    await scanZip(src, member, ctx, 'zip');
    return 'zip';
  }
  // Protocol 0/1 pickles have no header: try the machine on the head and keep it when it looks real.
  if (looksLikePickle(head, ctx)) {
    await scanPickleSource(src, member, ctx, hint.kind ?? kindForName(fileName));
    return 'pickle';
  }
  if (member === undefined)
    ctx.sink.unscannable(`${where}: not a model format audit can read (unknown content)`);
  return 'unknown';
}

function kindForName(name: string): PickleKind {
  if (/\.joblib(\.\w+)?$/i.test(name)) return 'joblib';
  if (/\.(pt|pth|bin|ckpt)$/i.test(name)) return 'torch';
  return 'generic';
}

function looksLikePickle(head: Uint8Array, ctx: ScanContext): boolean {
  const probe = new Collector();
  const result = runPickle(head, 0, {
    kind: 'generic',
    limits: ctx.limits,
    deadline: ctx.deadline,
    report: (f) => probe.add(f),
  });
  if (result.stopped) return true;
  // It ran out of the head, or it imported something before failing: treat it as a pickle.
  const ranOut =
    (result.error ?? '').startsWith('truncated') && head.length >= SNIFF_BYTES && result.opcodes >= 4;
  return (
    ranOut ||
    probe.findings.some((f) => f.rule === 'PICKLE-DANGEROUS-GLOBAL' || f.rule === 'PICKLE-UNKNOWN-GLOBAL')
  );
}

async function scanPickleSource(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  kind: PickleKind,
  maxPickles?: number,
): Promise<void> {
  if (src.size > ctx.limits.maxMemberBytes) {
    ctx.sink.unscannable(
      `${member ?? 'pickle'}: ${src.size} bytes, over the ${ctx.limits.maxMemberBytes}-byte limit`,
    );
    return;
  }
  const bytes = await src.read(0, src.size);
  const embedded: { bytes: Uint8Array; member: string }[] = [];
  const result = scanPickleStream(bytes, {
    kind,
    limits: ctx.limits,
    sink: ctx.sink,
    deadline: ctx.deadline,
    budget: ctx.budget,
    embedded: (inner, _offset, path) => embedded.push({ bytes: inner, member: path }),
    ...(member !== undefined ? { member } : {}),
    ...(maxPickles !== undefined ? { maxPickles } : {}),
  });
  // A zip or compressed stream in a bytes constant is what torch.load would get from
  // torch.storage._load_from_bytes: scan it as a file, within the nesting and nested budgets.
  for (const e of embedded) {
    if (ctx.depth + 1 > ctx.limits.maxNestingDepth || ctx.budget.nested <= 0) {
      ctx.sink.unscannable(
        `${e.member}: an embedded container past the nesting or nested-pickle budget, not scanned`,
      );
      continue;
    }
    ctx.budget.nested--;
    await scanSource(memorySource(e.bytes), e.member, { ...ctx, depth: ctx.depth + 1 }, 'embedded', { kind });
  }
  if (maxPickles !== undefined && result.complete && result.pickles.length < maxPickles)
    ctx.sink.add(
      finding(
        'TORCH-LEGACY-STRUCTURE',
        'low',
        `legacy torch file has ${result.pickles.length} pickle(s) where torch.load reads ${maxPickles}`,
        member,
      ),
    );
}

export { memorySource };
