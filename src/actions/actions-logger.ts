import * as core from '@actions/core';
import type { Logger, SourceLocation } from '../platform/logger.js';

function annotation(loc?: SourceLocation): core.AnnotationProperties | undefined {
  if (!loc) return undefined;
  return { file: loc.file, startLine: loc.line, startColumn: loc.column, title: loc.title };
}

/** Logger for the Actions runner: warnings and errors become annotations on the file and line. */
export function createActionsLogger(): Logger {
  return {
    debug: (m) => core.debug(m),
    info: (m) => core.info(m),
    warning: (m, loc) => core.warning(m, annotation(loc)),
    error: (m, loc) => core.error(m, annotation(loc)),
    group: (title, fn) => core.group(title, fn),
  };
}
