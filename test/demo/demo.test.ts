import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** `npm run demo` is one of the README's two commands: it must keep working end to end. */
describe('npm run demo', () => {
  it('trains, versions, reads the registry, evaluates with gates and audits', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (done) =>
        execFile(
          process.execPath,
          [join(root, 'dist/demo.js')],
          { cwd: root, timeout: 120_000 },
          (error, out, err) =>
            done({
              code: error ? Number((error as { code?: number }).code ?? 1) : 0,
              stdout: out,
              stderr: err,
            }),
        ),
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/churn: registered and pushed churn@v1\.0\.0 \(v1\.0\.0, initial\)/);
    expect(stdout).toMatch(/churn: registered and pushed churn@v1\.0\.1 \(v1\.0\.0 → v1\.0\.1, patch\)/);
    expect(stdout).toMatch(/--json: tag churn@v1\.1\.0, bump minor, changes: minor: output "logit" added/);
    expect(stdout).toMatch(/churn\s+v1\.1\.0\s+active\s+3/);
    expect(stdout).toMatch(/churn: pass — 400 rows/);
    expect(stdout).toMatch(/### modelops evaluate: churn — ✅ pass/);
    expect(stdout).toMatch(/churn: fail — 400 rows/);
    expect(stdout).toMatch(/suspicious-model\.pkl: MALICIOUS/);
    expect(stdout).toMatch(/xgboost \(binary:logistic, 30 trees, 4 features\)/);
    expect(stdout).toMatch(
      /parity passed on 400 rows of probabilities\[:, 1\]: max abs error \d\.\d+e-[7-9]/,
    );
    expect(stderr).toMatch(/opset 17 → 21/);
    expect(stdout).toMatch(/dev: — → v1\.0\.1; created and pushed churn#dev#1/);
    expect(stdout).toMatch(/local smoke test passed before tagging: ready \+ one infer/);
    expect(stdout).toMatch(/production: — → v1\.0\.1; created and pushed churn#production#3/);
    expect(stderr).toMatch(
      /churn v1\.1\.0 is not in staging, which production requires first \(staging holds v1\.0\.1\)/,
    );
    expect(stdout).toMatch(/production: v1\.0\.1 → v1\.1\.0; created and pushed churn#production#6/);
    expect(stdout).toMatch(/dev=v1\.1\.0, production=v1\.1\.0, staging=v1\.1\.0/);
    expect(stdout).toMatch(/→ HTTP 200 \{"model_name":"churn","model_version":"1\.1\.0","outputs":\[/);
    expect(stdout).toMatch(/churn probability for that customer: 0\.\d{4}/);
    expect(stdout).toMatch(/stopped \(exit 0\)/);
    expect(stdout).toMatch(
      /churn: roll back — production: v1\.1\.0 → v1\.0\.1; created and pushed churn#production#7/,
    );
    expect(stdout).toMatch(
      /production: v1\.0\.1 now\n(.*\n){2}\s+#7 rollback v1\.1\.0 → v1\.0\.1 by .+ \(churn#production#7\) — rollback/,
    );
    expect(stdout).toMatch(/LFS objects in the remote: 3/);
    expect(stdout).toMatch(/study [0-9a-f]{12} \(study\.jsonl\): 8 trials — 8 complete, 0 pruned, 0 failed/);
    expect(stdout).toMatch(/params\.best\.json: \{"learning_rate":[0-9.e-]+,"epochs":\d+,"l2":[0-9.e-]+\}/);
  }, 180_000);
});
