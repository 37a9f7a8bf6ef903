export { fileSize } from './file-size.js';
export { sha256File, type HashProgress, type Sha256FileOptions } from './sha256-file.js';
export { writeFileAtomic, type WriteFileAtomicOptions } from './write-file-atomic.js';
export { replaceTree } from './replace-tree.js';
