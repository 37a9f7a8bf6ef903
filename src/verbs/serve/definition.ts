import { startV2Server } from '../../serve/v2-server.js';
import { loadServedModel } from '../../serve/load-served-model.js';
import { createSession } from '../../platform/runtime/index.js';
import type { VerbDefinition } from '../types.js';
import { SERVE_INPUTS, SERVE_OUTPUTS } from './inputs.js';
import { resolveModelToServe } from './resolve-model.js';

export const serveVerb: VerbDefinition = {
  name: 'serve',
  description:
    'serve a model over the KServe V2 / Open Inference Protocol (HTTP) on onnxruntime until SIGTERM or Ctrl-C',
  inputs: SERVE_INPUTS,
  outputs: SERVE_OUTPUTS,
  examples: [
    'modelops serve --model models/churn/model.onnx --port 8080',
    'modelops serve --model churn@v1.2.0 --port 0            # a registered version; 0 picks a free port',
    'curl -s localhost:8080/v2/models/churn/infer -d \'{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}\'',
  ],
  async run(inputs, deps) {
    const model = await resolveModelToServe(
      inputs.model as string | undefined,
      {
        name: inputs.name as string | undefined,
        remote: String(inputs.remote),
        config: String(inputs.config),
      },
      deps,
    );
    const served = await loadServedModel({ ...model, createSession });
    const server = await startV2Server({
      models: [served],
      host: String(inputs.host),
      port: Number(inputs.port),
      maxBodyBytes: Number(inputs['max-body-bytes']),
      logger: deps.logger,
    }).catch(async (error: unknown) => {
      await served.runtime.release();
      throw error;
    });
    const version = model.version ? ` v${model.version}` : '';
    deps.logger.info(
      `serving ${model.name}${version} at ${server.url}/v2/models/${encodeURIComponent(model.name)}`,
    );
    await new Promise<void>((done) => {
      if (!deps.signal || deps.signal.aborted) return done();
      deps.signal.addEventListener('abort', () => done(), { once: true });
    });
    await server.close();
    deps.logger.info(`stopped serving ${model.name}${version}`);
    return {
      exitCode: 0,
      result: { name: model.name, version: model.version ?? null, url: server.url, stopped: true },
      outputs: { url: server.url },
      text: '',
    };
  },
};
