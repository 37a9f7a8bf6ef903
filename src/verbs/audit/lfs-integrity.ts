import { open, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { scanFile, verdictOf } from '../../core/audit/scan-file.js';
import type { FileReport } from '../../core/audit/types.js';
import { LFS_POINTER_MAX_BYTES, parseLfsPointer } from '../../core/registry/lfs-pointer.js';
import { GitCli } from '../../platform/git/index.js';
import { sha256File } from '../../platform/fs/index.js';

/**
 * Git LFS integrity: what was scanned must be what the repository commits. A working file that is
 * only a pointer is scanned from the local LFS object store when the object is there (and the
 * object checked against the pointer's oid); checked-out content is hashed against the pointer
 * committed at HEAD. Without the object the file stays inconclusive — never clean.
 */
export class LfsIntegrity {
  private constructor(
    private readonly objectsDir: string,
    /** Absolute path → oid of the pointer committed at HEAD. */
    private readonly committed: ReadonlyMap<string, string>,
  ) {}

  /** Undefined outside a git repository. Without git-lfs only pointer files are checked. */
  static async open(cwd: string): Promise<LfsIntegrity | undefined> {
    const git = new GitCli({ cwd });
    let root: string;
    let common: string;
    try {
      root = (await git.run(['rev-parse', '--show-toplevel'])).trim();
      common = (await git.run(['rev-parse', '--git-common-dir'])).trim();
    } catch {
      return undefined;
    }
    const gitDir = isAbsolute(common) ? common : join(cwd, common);
    // `git lfs ls-files HEAD` reads the pointers from HEAD's tree, whatever the working files hold.
    const entries = await new GitCli({ cwd: root }).lfsLsFiles('HEAD').catch(() => []);
    return new LfsIntegrity(
      join(gitDir, 'lfs', 'objects'),
      new Map(entries.map((e) => [join(root, e.path), e.oid])),
    );
  }

  /** Checks one scanned file; returns the report to keep (the object's scan for a pointer). */
  async check(path: string, report: FileReport): Promise<FileReport> {
    if (report.format === 'lfs-pointer') return this.checkPointer(path, report);
    const oid = this.committed.get(path);
    if (!oid) return report;
    const sha256 = await sha256File(path);
    report.sha256 = sha256;
    report.lfs = { oid, content: 'working-tree' };
    if (sha256 !== oid)
      add(report, 'high', {
        message: `content sha256 ${sha256} differs from the LFS pointer committed at HEAD (oid ${oid}): what was scanned is not the committed model`,
        fix: 'git checkout -- FILE (or git lfs pull) to restore the committed content, or commit the change',
      });
    return report;
  }

  private async checkPointer(path: string, report: FileReport): Promise<FileReport> {
    const pointer = parseLfsPointer(await readHead(path));
    if (!pointer) return report;
    const committed = this.committed.get(path);
    const flagMoved = (r: FileReport): void => {
      if (committed === undefined || committed === pointer.oid) return;
      add(r, 'high', {
        message: `the pointer names oid ${pointer.oid} but HEAD commits oid ${committed}: what was scanned is not the committed model`,
        fix: 'git checkout -- FILE to restore the committed pointer, or commit the change',
      });
    };
    const object = join(this.objectsDir, pointer.oid.slice(0, 2), pointer.oid.slice(2, 4), pointer.oid);
    const info = await stat(object).catch(() => undefined);
    if (!info?.isFile()) {
      flagMoved(report);
      return report;
    }
    // The content is in the local object store (fetched, not checked out): scan that instead.
    const content = await scanFile(object, { display: report.path, name: basename(path) });
    const sha256 = await sha256File(object);
    content.sha256 = sha256;
    content.lfs = { oid: pointer.oid, content: 'lfs-object' };
    content.scanned.unshift(`.git/lfs/objects/…/${pointer.oid}`);
    if (sha256 !== pointer.oid || info.size !== pointer.size)
      add(content, 'critical', {
        message: `the LFS object for oid ${pointer.oid} (size ${pointer.size}) has sha256 ${sha256} and size ${info.size}: the local object store was altered`,
        fix: 'delete the object and fetch it again (git lfs fetch), then git lfs fsck',
      });
    flagMoved(content);
    return content;
  }
}

function add(
  report: FileReport,
  severity: 'high' | 'critical',
  what: { message: string; fix: string },
): void {
  report.findings.push({ rule: 'LFS-INTEGRITY', severity, message: `${what.message} — fix: ${what.fix}` });
  report.verdict = verdictOf(report);
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(LFS_POINTER_MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
