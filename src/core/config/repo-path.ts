import { issue, type PathSegment, type Report } from './issue.js';

/**
 * Paths in modelops.yaml name files inside the repository: the registry is the repository, and a
 * path that leaves it (absolute, `..`) would make a run depend on the machine it runs on.
 */
export function checkRepoPath(value: string, path: PathSegment[], report: Report): void {
  if (/^(\/|\\|[A-Za-z]:)/.test(value)) {
    report(
      issue(
        path,
        'must be relative to the repository root',
        value,
        `drop the leading part, e.g. ${example(value)}`,
      ),
    );
  } else if (value.includes('\\')) {
    report(issue(path, "must use '/' between directories", value, `write ${value.replace(/\\/g, '/')}`));
  } else if (value.split('/').includes('..')) {
    report(
      issue(
        path,
        'must stay inside the repository',
        value,
        "remove '..'; paths are relative to the repository root",
      ),
    );
  }
}

function example(value: string): string {
  const parts = value.replace(/\\/g, '/').split('/').filter(Boolean);
  return parts.slice(-3).join('/') || 'models/NAME/model.onnx';
}
