import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { scanFile } from '../../core/audit/scan-file.js';
import { toSarif } from '../../core/audit/sarif.js';
import { severityRank, type FileReport, type FindingSeverity, type Verdict } from '../../core/audit/types.js';
import { loadConfig } from '../../core/config/index.js';
import { sha256File, writeFileAtomic } from '../../platform/fs/index.js';
import { GitCli } from '../../platform/git/index.js';
import type { VerbDefinition } from '../types.js';
import { postPullRequestReport } from '../pr-report.js';
import { changedFiles } from './changed-files.js';
import { findFiles, MODEL_EXTENSIONS } from './find-files.js';
import { LfsIntegrity } from './lfs-integrity.js';
import { AUDIT_INPUTS, AUDIT_OUTPUTS } from './inputs.js';
import { renderAuditSummary, renderAuditText } from './render.js';
import { auditDocsFor } from './docs-link.js';

declare const MODELOPS_VERSION: string;
const VERDICT_ORDER: readonly Verdict[] = ['clean', 'suspicious', 'inconclusive', 'malicious'];

export const auditVerb: VerbDefinition = {
  name: 'audit',
  description:
    'static security scan of model files (pickle, PyTorch, numpy, Keras, ONNX, safetensors, GGUF, archives) — nothing is executed',
  inputs: AUDIT_INPUTS,
  outputs: AUDIT_OUTPUTS,
  examples: [
    'modelops audit models/',
    'modelops audit model.pt --json',
    'modelops audit models/ --format sarif --output audit.sarif',
    'modelops audit suspicious.pkl --strict --fail-level medium',
  ],
  async run(inputs, deps) {
    const configPath = String(inputs.config);
    const config = await loadConfig(configPath, {
      required: configPath !== 'modelops.yaml',
      readFile: (path) => readFile(join(deps.cwd, path), 'utf8'),
    });
    const failLevel = ((inputs['fail-level'] as string | undefined) ??
      config.audit.failLevel) as FindingSeverity;
    const strict = inputs.strict === true || config.audit.strict;
    const given = (inputs.paths as string[] | undefined) ?? [];
    const changed =
      given.length > 0
        ? undefined
        : await changedFiles({
            cwd: deps.cwd,
            base: inputs.base as string | undefined,
            head: String(inputs.head),
            env: deps.env,
            logger: deps.logger,
          });
    const paths = given.length > 0 ? given : [existsSync(join(deps.cwd, 'models')) ? 'models' : '.'];
    const targets = changed?.targets ?? (await findFiles(deps.cwd, paths));
    if (changed)
      deps.logger.info(`${changed.targets.length} file(s) changed in ${changed.base}..${changed.head}`);
    const allow = new Map(config.audit.allowlist.map((a) => [a.sha256, a.reason]));
    const progress = deps.progress('audit', targets.length);
    const reports: FileReport[] = [];
    const absolute = new Map<FileReport, string>();
    const lfs = await LfsIntegrity.open(deps.cwd);
    for (const target of targets) {
      let report = await scanFile(target.path, { display: target.display });
      if (lfs) report = await lfs.check(target.path, report);
      progress.tick(1);
      const keep =
        target.explicit ||
        MODEL_EXTENSIONS.test(target.path) ||
        report.findings.length > 0 ||
        !['unknown', 'json'].includes(report.format);
      if (!keep) continue;
      // Every report names the exact bytes it judged: deploy accepts an audit as evidence only
      // for the model version with that sha256, and the allowlist matches on it.
      const sha256 = report.sha256 ?? (await sha256File(target.path));
      report.sha256 = sha256;
      const reason = allow.get(sha256);
      if (reason !== undefined) report.allowlisted = { sha256, reason };
      reports.push(report);
      absolute.set(report, target.path);
    }
    progress.done();

    // Unknown globals (strictOnly) fail only with --strict; everything else at or above the fail level.
    const failed = reports.some(
      (r) =>
        !r.allowlisted &&
        r.findings.some((f) => (f.strictOnly ? strict : severityRank(f.severity) >= severityRank(failLevel))),
    );
    const inconclusive = reports.some((r) => r.verdict === 'inconclusive' && !r.allowlisted);
    const verdict = reports.reduce<Verdict>(
      (worst, r) => (VERDICT_ORDER.indexOf(r.verdict) > VERDICT_ORDER.indexOf(worst) ? r.verdict : worst),
      'clean',
    );
    for (const r of reports)
      for (const f of r.findings
        .filter((x) => severityRank(x.severity) >= severityRank('medium'))
        .slice(0, 20))
        deps.logger.warning(`${f.rule}: ${f.member ? `${f.member}: ` : ''}${f.message}`, {
          file: r.path,
          title: `modelops audit: ${f.rule}`,
        });

    const docsUrl = auditDocsFor(deps.env);
    const summary = renderAuditSummary(reports, failed, failLevel, changed, docsUrl);
    const comment = await postPullRequestReport(deps, 'audit', summary);
    const version = typeof MODELOPS_VERSION === 'string' ? MODELOPS_VERSION : 'dev';
    const result = {
      verdict,
      failed,
      failLevel,
      strict,
      ...(changed ? { changes: { base: changed.base, head: changed.head } } : {}),
      files: reports,
      ...(comment ? { comment: { id: comment.commentId, action: comment.action } } : {}),
    };
    const format = String(inputs.format);
    const rendered =
      format === 'sarif'
        ? JSON.stringify(await sarifReport(reports, absolute, deps.cwd, version, docsUrl), null, 2)
        : format === 'json'
          ? JSON.stringify(result, null, 2)
          : renderAuditText(reports, failed, failLevel);
    const output = inputs['report-file'] as string | undefined;
    if (output) {
      await writeFileAtomic(join(deps.cwd, output), rendered + '\n');
      deps.logger.info(`audit report written to ${output}`);
    }
    return {
      exitCode: failed ? 1 : inconclusive ? 2 : 0,
      result,
      outputs: {
        verdict,
        failed: String(failed),
        findings: String(reports.reduce((n, r) => n + r.findings.length, 0)),
        'report-file': output ?? '',
      },
      text: output ? renderAuditText(reports, failed, failLevel) : rendered,
      summary: comment?.overflow ?? summary,
    };
  },
};

/** SARIF with artifact URIs relative to the repository root (the working directory outside git). */
async function sarifReport(
  reports: readonly FileReport[],
  absolute: ReadonlyMap<FileReport, string>,
  cwd: string,
  version: string,
  docsUrl: string,
): Promise<Record<string, unknown>> {
  const root = (await new GitCli({ cwd }).run(['rev-parse', '--show-toplevel']).catch(() => cwd)).trim();
  return toSarif(reports, version, {
    docsUrl,
    uriOf: (report) => {
      const path = absolute.get(report);
      return path ? relative(root, path) : report.path;
    },
  });
}
