/** Every rule audit reports, with the CWE it maps to; SARIF and docs/actions/audit.md list these. */
import type { FindingSeverity } from './types.js';

export interface RuleInfo {
  id: string;
  title: string;
  severity: FindingSeverity;
  cwe?: number;
}

export const RULES: readonly RuleInfo[] = [
  {
    id: 'PICKLE-DANGEROUS-GLOBAL',
    title: 'Pickle imports a blocklisted callable (code execution, network, files)',
    severity: 'critical',
    cwe: 502,
  },
  {
    id: 'PICKLE-UNKNOWN-GLOBAL',
    title: 'Pickle imports a global outside the allowlist of its container kind',
    severity: 'medium',
    cwe: 502,
  },
  {
    id: 'PICKLE-DYNAMIC-GLOBAL',
    title: 'STACK_GLOBAL with operands computed at load time',
    severity: 'critical',
    cwe: 502,
  },
  {
    id: 'PICKLE-GLOBAL-MUTATION',
    title: 'BUILD/SETITEM/APPEND changes an imported module or class',
    severity: 'high',
    cwe: 502,
  },
  {
    id: 'PICKLE-CALL-RESULT',
    title: 'A call on the result of another call (gadget chain)',
    severity: 'medium',
    cwe: 502,
  },
  {
    id: 'PICKLE-NESTED',
    title: 'A byte/str constant is itself a pickle with findings',
    severity: 'high',
    cwe: 502,
  },
  {
    id: 'PICKLE-FRAME-VIOLATION',
    title: 'An opcode crosses a FRAME boundary or a FRAME opens inside a FRAME',
    severity: 'high',
    cwe: 436,
  },
  {
    id: 'PICKLE-EXTENSION-REGISTRY',
    title: 'EXT1/EXT2/EXT4 import through the copyreg extension registry',
    severity: 'high',
    cwe: 502,
  },
  {
    id: 'PICKLE-EXPANSION',
    title: 'Containers that expand exponentially (billion laughs)',
    severity: 'high',
    cwe: 776,
  },
  {
    id: 'PICKLE-MALFORMED',
    title: 'Opcodes a real unpickler rejects or that crash naive scanners',
    severity: 'medium',
    cwe: 20,
  },
  {
    id: 'PICKLE-TRAILING-DATA',
    title: 'Bytes after the last pickle that are not a pickle',
    severity: 'low',
    cwe: 20,
  },
  { id: 'PICKLE-OUT-OF-BAND', title: 'NEXT_BUFFER reads out-of-band buffers', severity: 'low' },
  {
    id: 'TORCH-LEGACY-STRUCTURE',
    title: 'Legacy torch file with fewer pickles than torch.load reads',
    severity: 'low',
    cwe: 20,
  },
  {
    id: 'ZIP-PATH-TRAVERSAL',
    title: 'Member name escapes the extraction directory (zip slip)',
    severity: 'high',
    cwe: 22,
  },
  { id: 'ZIP-SYMLINK', title: 'Member is a symbolic link', severity: 'high', cwe: 59 },
  {
    id: 'ZIP-HEADER-MISMATCH',
    title: 'Local header and central directory disagree',
    severity: 'high',
    cwe: 436,
  },
  {
    id: 'ZIP-HIDDEN-ENTRY',
    title: 'Local header not listed in the central directory',
    severity: 'high',
    cwe: 436,
  },
  {
    id: 'ZIP-FLAG-ANOMALY',
    title: 'Encryption/patch flags set on readable data',
    severity: 'medium',
    cwe: 436,
  },
  { id: 'ZIP-CRC-MISMATCH', title: 'CRC-32 does not match the member data', severity: 'medium', cwe: 354 },
  { id: 'ZIP-DUPLICATE-NAME', title: 'Several members share one name', severity: 'medium', cwe: 436 },
  {
    id: 'ZIP-BOMB',
    title: 'Compression ratio or total size of a decompression bomb',
    severity: 'high',
    cwe: 409,
  },
  {
    id: 'ZIP-PREPENDED-DATA',
    title: 'Data before the first zip entry (polyglot)',
    severity: 'medium',
    cwe: 434,
  },
  { id: 'ZIP-APPENDED-DATA', title: 'Data after the end of the zip', severity: 'low', cwe: 434 },
  {
    id: 'COMPRESSION-BOMB',
    title: 'gzip, bzip2, xz or zstd stream beyond the decompression caps',
    severity: 'high',
    cwe: 409,
  },
  {
    id: 'TAR-PATH-TRAVERSAL',
    title: 'Tar member escapes the extraction directory',
    severity: 'high',
    cwe: 22,
  },
  { id: 'TAR-LINK', title: 'Tar member is a link', severity: 'high', cwe: 59 },
  { id: 'NUMPY-TRUNCATED', title: '.npy shape × dtype larger than the data', severity: 'medium', cwe: 20 },
  {
    id: 'SAFETENSORS-HEADER',
    title: 'safetensors header malformed or oversized',
    severity: 'medium',
    cwe: 20,
  },
  {
    id: 'SAFETENSORS-BOUNDS',
    title: 'safetensors data_offsets out of bounds or inconsistent with shape × dtype',
    severity: 'medium',
    cwe: 20,
  },
  { id: 'SAFETENSORS-OVERLAP', title: 'safetensors tensors overlap', severity: 'medium', cwe: 20 },
  { id: 'SAFETENSORS-HOLE', title: 'safetensors bytes no tensor references', severity: 'low', cwe: 20 },
  {
    id: 'LFS-INTEGRITY',
    title: 'Git LFS content does not match the sha256 of its pointer',
    severity: 'critical',
    cwe: 354,
  },
  {
    id: 'SAFETENSORS-DUPLICATE-KEY',
    title: 'safetensors header names a tensor (or __metadata__) twice',
    severity: 'medium',
    cwe: 436,
  },
  {
    id: 'GGUF-STRUCTURE',
    title: 'GGUF counts, lengths, dims or alignment inconsistent with the file',
    severity: 'medium',
    cwe: 20,
  },
  {
    id: 'GGUF-CHAT-TEMPLATE',
    title: 'GGUF chat template with Jinja sandbox-escape markers',
    severity: 'critical',
    cwe: 1336,
  },
  {
    id: 'ONNX-EXTERNAL-DATA-PATH',
    title: 'ONNX external data outside the model directory',
    severity: 'high',
    cwe: 22,
  },
  {
    id: 'ONNX-CUSTOM-DOMAIN',
    title: 'ONNX operators from a custom domain (native code)',
    severity: 'medium',
    cwe: 829,
  },
  {
    id: 'ONNX-IMPLAUSIBLE-DIMS',
    title: 'ONNX tensor with negative or huge dims',
    severity: 'medium',
    cwe: 789,
  },
  { id: 'KERAS-LAMBDA', title: 'Keras Lambda layer (Python code in the model)', severity: 'high', cwe: 94 },
  {
    id: 'KERAS-FOREIGN-MODULE',
    title: 'Keras config names a module outside Keras/TensorFlow',
    severity: 'medium',
    cwe: 94,
  },
  {
    id: 'KERAS-DANGEROUS-FUNCTION',
    title: 'Keras config calls an unsafe Keras API',
    severity: 'critical',
    cwe: 94,
  },
  {
    id: 'TF-DANGEROUS-OP',
    title: 'SavedModel graph reads/writes files or calls Python',
    severity: 'high',
    cwe: 94,
  },
];

export function ruleInfo(id: string): RuleInfo {
  return RULES.find((r) => r.id === id) ?? { id, title: id, severity: 'medium' };
}
