/**
 * ONNX: decoded with the project's reader; external data locations must stay inside the model
 * directory (CVE-2022-25882, CVE-2024-27318 class), custom operator domains load native code,
 * and tensor dims must be plausible.
 */
import { allGraphs, allTensors, isExternal, readModel, type ModelProto } from '../../onnx/index.js';
import { finding, type ScanContext } from '../scan-context.js';
import type { ByteSource } from '../source.js';

const STANDARD_DOMAINS = new Set([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'ai.onnx.training',
  'ai.onnx.preview.training',
  'com.microsoft',
  'com.microsoft.nchwc',
  'com.microsoft.experimental',
  'com.ms.internal.nhwc',
]);
const MAX_ELEMENTS = 2n ** 40n;

export async function scanOnnx(src: ByteSource, member: string | undefined, ctx: ScanContext): Promise<void> {
  const where = member ?? 'onnx';
  if (src.size > Math.min(ctx.limits.maxMemberBytes, 2 ** 31 - 1))
    return ctx.sink.unscannable(`${where}: ${src.size} bytes is over the protobuf limit`);
  let model: ModelProto;
  try {
    model = readModel(await src.read(0, src.size), where);
  } catch (error) {
    return ctx.sink.unscannable(
      `${where}: not a readable ONNX model (${(error as Error).message.split('\n')[0]})`,
    );
  }
  const add = (rule: string, severity: 'low' | 'medium' | 'high', message: string) =>
    ctx.sink.add(finding(rule, severity, message, member));
  for (const tensor of allTensors(model, { attributes: true })) {
    if (isExternal(tensor)) {
      const location = tensor.externalData.find((e) => e.key === 'location')?.value ?? '';
      const normalized = location.replaceAll('\\', '/');
      if (
        location.includes('\0') ||
        normalized.startsWith('/') ||
        /^[A-Za-z]:/.test(normalized) ||
        normalized.startsWith('//') ||
        normalized.split('/').includes('..')
      )
        add(
          'ONNX-EXTERNAL-DATA-PATH',
          'high',
          `tensor ${JSON.stringify(tensor.name)} reads external data from ${JSON.stringify(location)}, outside the model directory`,
        );
    }
    let elements = 1n;
    for (const d of tensor.dims) {
      const dim = BigInt(d);
      if (dim < 0n) {
        add(
          'ONNX-IMPLAUSIBLE-DIMS',
          'medium',
          `tensor ${JSON.stringify(tensor.name)} has a negative dim ${dim}`,
        );
        break;
      }
      elements *= dim;
    }
    if (elements > MAX_ELEMENTS)
      add(
        'ONNX-IMPLAUSIBLE-DIMS',
        'medium',
        `tensor ${JSON.stringify(tensor.name)} declares ${elements} elements`,
      );
  }
  const domains = new Set<string>();
  const nodes = [...[...allGraphs(model)].flatMap((g) => g.node), ...model.functions.flatMap((f) => f.node)];
  for (const node of nodes) if (!STANDARD_DOMAINS.has(node.domain)) domains.add(node.domain);
  const local = new Set(model.functions.map((f) => f.domain));
  for (const domain of domains)
    if (!local.has(domain))
      add(
        'ONNX-CUSTOM-DOMAIN',
        'medium',
        `operators from custom domain ${JSON.stringify(domain)} need a native library the runtime loads`,
      );
}
