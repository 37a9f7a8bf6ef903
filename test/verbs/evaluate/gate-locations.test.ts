import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.js';
import { gateAnnotations, locateGates } from '../../../src/verbs/evaluate/gate-locations.js';
import type { CheckedGate } from '../../../src/verbs/evaluate/gates.js';
import { tempDir } from './helpers.js';

const CONFIG = `version: 1
gates:
  - metric: accuracy
    min: 0.5
  - name: auc-floor
    metric: roc_auc
    min: 0.6
models:
  churn:
    gates:
      - metric: accuracy
        min: 0.8
  other:
    gates:
      - metric: f1
        min: 0.1
`;

const result = (gate: string, status: CheckedGate['status'], slice?: string): CheckedGate =>
  ({ gate, status, message: `${gate} message`, ...(slice ? { slice } : {}) }) as CheckedGate;

describe('gate locations in modelops.yaml', () => {
  it("finds global gates by name or metric; a model's own gate shadows the global one of its name", async () => {
    const dir = await tempDir({ 'modelops-ci.yaml': CONFIG });
    const config = parseConfig(CONFIG, 'modelops-ci.yaml');
    const churn = await locateGates(dir, config, 'churn');
    expect(Object.fromEntries(churn)).toEqual({
      accuracy: { file: 'modelops-ci.yaml', line: 11 },
      'auc-floor': { file: 'modelops-ci.yaml', line: 5 },
    });
    expect(CONFIG.split('\n')[10]).toBe('      - metric: accuracy');
    const other = await locateGates(dir, config, 'other');
    expect(other.get('accuracy')).toEqual({ file: 'modelops-ci.yaml', line: 3 });
    expect(other.get('f1')).toEqual({ file: 'modelops-ci.yaml', line: 15 });
  });

  it('annotates failed and warning gates (slices named), never passing ones or unknown gates', async () => {
    const locations = new Map([
      ['accuracy', { file: 'modelops.yaml', line: 3 }],
      ['auc-floor', { file: 'modelops.yaml', line: 5 }],
    ]);
    const annotations = gateAnnotations(
      [
        result('accuracy', 'fail', 'eu'),
        result('auc-floor', 'warn'),
        result('accuracy', 'pass'),
        result('latency', 'fail'),
      ],
      locations,
      'churn',
    );
    expect(annotations).toEqual([
      {
        path: 'modelops.yaml',
        startLine: 3,
        endLine: 3,
        level: 'failure',
        title: 'churn: gate accuracy (slice eu) failed',
        message: 'accuracy message',
      },
      {
        path: 'modelops.yaml',
        startLine: 5,
        endLine: 5,
        level: 'warning',
        title: 'churn: gate auc-floor warns',
        message: 'auc-floor message',
      },
    ]);
  });

  it('a missing config file gives no locations', async () => {
    const dir = await tempDir({});
    const config = parseConfig(CONFIG, 'modelops.yaml');
    expect((await locateGates(dir, config, 'churn')).size).toBe(0);
  });
});
