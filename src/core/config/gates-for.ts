import type { GateConfig, ModelopsConfig } from './types.js';

/**
 * The gates that apply to one model: global gates, each replaced by the model's gate of the same
 * name, then the model's other gates. With `environment`, only gates that apply when deploying
 * to (or evaluating against) that environment.
 */
export function gatesFor(config: ModelopsConfig, modelId: string, environment?: string): GateConfig[] {
  const own = config.models[modelId]?.gates ?? [];
  const ownByName = new Map(own.map((gate) => [gate.name, gate]));
  const globalNames = new Set(config.gates.map((gate) => gate.name));
  const merged = [
    ...config.gates.map((gate) => ownByName.get(gate.name) ?? gate),
    ...own.filter((gate) => !globalNames.has(gate.name)),
  ];
  return environment === undefined
    ? merged
    : merged.filter((gate) => gate.environments === undefined || gate.environments.includes(environment));
}
