/**
 * GGUF: header, metadata key/values and tensor infos, each count checked against the file size
 * before anything is allocated; the chat template (a Jinja program run by llama.cpp front-ends
 * such as llama-cpp-python) is checked for sandbox-escape markers (CVE-2024-34359 class).
 */
import { finding, type ScanContext } from '../scan-context.js';
import type { ByteSource } from '../source.js';

class Truncated extends Error {}

// GGUF value types.
const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
// ggml tensor types audit knows the storage of: [elements per block, bytes per block]. Types
// missing here (newer i-quants) are not size-checked rather than guessed.
const GGML_TYPES: Record<number, [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  30: [1, 2], // BF16
};
// Jinja sandbox escapes reach Python objects through dunder attributes and a few globals.
const TEMPLATE_MARKERS =
  /__(class|mro|subclasses|globals|builtins|import|init|base|bases|getattribute|code)__|\bos\.(popen|system)|\bsubprocess\b|\beval\s*\(|\bexec\s*\(|\|\s*attr\s*\(|\blipsum\b|\bcycler\b|\bjoiner\b|request\.application|config\.__/;

export async function scanGguf(src: ByteSource, member: string | undefined, ctx: ScanContext): Promise<void> {
  const where = member ?? 'gguf';
  let window = Math.min(src.size, 16 * 1024 * 1024);
  for (;;) {
    const bytes = await src.read(0, window);
    try {
      parse(bytes, src.size, member, ctx);
      return;
    } catch (error) {
      if (!(error instanceof Truncated)) throw error;
      if (window >= src.size || window >= ctx.limits.maxMemberBytes) {
        ctx.sink.add(finding('GGUF-STRUCTURE', 'medium', 'metadata runs past the end of the file', member));
        ctx.sink.unscannable(`${where}: truncated GGUF header`);
        return;
      }
      window = Math.min(src.size, window * 4, ctx.limits.maxMemberBytes);
    }
  }
}

function parse(b: Uint8Array, fileSize: number, member: string | undefined, ctx: ScanContext) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  const need = (n: number) => {
    if (p + n > b.length) throw new Truncated();
  };
  const u32 = () => (need(4), (p += 4), v.getUint32(p - 4, true));
  const u64 = () => (need(8), (p += 8), v.getBigUint64(p - 8, true));
  const add = (rule: string, severity: 'low' | 'medium' | 'high' | 'critical', message: string) =>
    ctx.sink.add(finding(rule, severity, message, member, p));
  const str = (): string => {
    const n = u64();
    if (n > BigInt(fileSize)) {
      add('GGUF-STRUCTURE', 'medium', `a string claims ${n} bytes, more than the file`);
      throw new Error('string length');
    }
    need(Number(n));
    p += Number(n);
    return Buffer.from(b.subarray(p - Number(n), p)).toString('utf8');
  };
  p = 4;
  const version = u32();
  if (version < 1 || version > 3) {
    add('GGUF-STRUCTURE', 'medium', `unknown GGUF version ${version}`);
    ctx.sink.unscannable(`${member ?? 'gguf'}: GGUF version ${version} not understood`);
    return;
  }
  const nTensors = u64();
  const nKv = u64();
  // Each tensor info takes at least 8+4+8+4+8 bytes, each key/value at least 8+4+1.
  if (nTensors * 32n > BigInt(fileSize) || nKv * 13n > BigInt(fileSize)) {
    add(
      'GGUF-STRUCTURE',
      'medium',
      `counts (${nTensors} tensors, ${nKv} keys) cannot fit in ${fileSize} bytes`,
    );
    ctx.sink.unscannable(`${member ?? 'gguf'}: implausible GGUF counts`);
    return;
  }
  let alignment = 32;
  try {
    for (let i = 0n; i < nKv; i++) {
      const key = str();
      const type = u32();
      const value = readValue(type, 0);
      if (key === 'general.alignment' && typeof value === 'number') {
        alignment = value;
        if (value === 0 || (value & (value - 1)) !== 0)
          add('GGUF-STRUCTURE', 'medium', `general.alignment ${value} is not a power of two`);
      }
      if (key.startsWith('tokenizer.chat_template') && typeof value === 'string') {
        const m = TEMPLATE_MARKERS.exec(value);
        if (m)
          add(
            'GGUF-CHAT-TEMPLATE',
            'critical',
            `${key} contains ${JSON.stringify(m[0])}: a Jinja sandbox escape (server-side template injection)`,
          );
      }
    }
    const tensors: Array<{ name: string; offset: bigint; bytes: bigint }> = [];
    for (let i = 0n; i < nTensors; i++) {
      const name = str();
      const nDims = u32();
      if (nDims > 4)
        add('GGUF-STRUCTURE', 'medium', `tensor ${JSON.stringify(name)} has ${nDims} dims (max 4)`);
      if (nDims > 64) throw new Error('dims');
      let elements = 1n;
      let first = 1n;
      for (let d = 0; d < nDims; d++) {
        const dim = u64();
        if (d === 0) first = dim;
        elements *= dim;
      }
      const type = u32();
      const offset = u64();
      const storage = GGML_TYPES[type];
      if (storage) {
        const [block, bytes] = storage.map(BigInt) as [bigint, bigint];
        if (first % block !== 0n)
          add(
            'GGUF-STRUCTURE',
            'medium',
            `tensor ${JSON.stringify(name)}: first dim ${first} is not a multiple of the ${block}-element blocks of ggml type ${type}`,
          );
        else tensors.push({ name, offset, bytes: (elements / block) * bytes });
      }
      if (elements > 1n << 48n || offset > BigInt(fileSize))
        add('GGUF-STRUCTURE', 'medium', `tensor ${JSON.stringify(name)}: dims or offset beyond the file`);
      if (alignment > 0 && offset % BigInt(alignment) !== 0n)
        add(
          'GGUF-STRUCTURE',
          'low',
          `tensor ${JSON.stringify(name)}: offset ${offset} is not aligned to ${alignment}`,
        );
    }
    // Tensor data starts at the first aligned offset after the tensor infos; offsets are relative to it.
    const align = BigInt(alignment > 0 ? alignment : 32);
    const dataStart = ((BigInt(p) + align - 1n) / align) * align;
    for (const t of tensors)
      if (dataStart + t.offset + t.bytes > BigInt(fileSize))
        add(
          'GGUF-STRUCTURE',
          'medium',
          `tensor ${JSON.stringify(t.name)}: ${t.bytes} bytes at data offset ${t.offset} run past the end of the file (${fileSize} bytes)`,
        );
  } catch (error) {
    if (error instanceof Truncated) throw error;
    ctx.sink.unscannable(
      `${member ?? 'gguf'}: GGUF metadata could not be read (${(error as Error).message})`,
    );
  }

  function readValue(type: number, depth: number): unknown {
    if (type === STRING) return str();
    if (type === ARRAY) {
      const inner = u32();
      const count = u64();
      if (depth > 2) {
        add('GGUF-STRUCTURE', 'medium', 'arrays nested deeper than 2');
        throw new Error('nesting');
      }
      if (count > BigInt(fileSize)) {
        add('GGUF-STRUCTURE', 'medium', `an array claims ${count} items, more than the file has bytes`);
        throw new Error('array count');
      }
      const fixed = SIZES[inner];
      if (fixed !== undefined) {
        need(fixed * Number(count));
        p += fixed * Number(count);
        return undefined;
      }
      for (let i = 0n; i < count; i++) readValue(inner, depth + 1);
      return undefined;
    }
    const size = SIZES[type];
    if (size === undefined) {
      add('GGUF-STRUCTURE', 'medium', `unknown value type ${type}`);
      throw new Error('value type');
    }
    need(size);
    const at = p;
    p += size;
    if (type === 4) return v.getUint32(at, true);
    if (type === 5) return v.getInt32(at, true);
    return undefined;
  }
}
