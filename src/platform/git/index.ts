export { execGit, type ExecGitOptions, type ExecGitResult } from './exec-git.js';
export {
  GitCli,
  type Git,
  type GitCliOptions,
  type GitIdentity,
  type LfsFileEntry,
  type RunOptions,
} from './git.js';
export { GitError, formatArgs } from './git-error.js';
export { parseNameStatus, type DiffEntry } from './name-status.js';
export { parsePushPorcelain, type PushTagResult } from './push-result.js';
export { parseTagListing, TAG_FORMAT, type GitTag } from './tag-listing.js';
