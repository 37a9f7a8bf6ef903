import type * as Ort from 'onnxruntime-node';

/** The onnxruntime-node module, as the rest of the runtime sees it. */
export type OrtModule = typeof Ort;

let loading: Promise<OrtModule> | undefined;

/**
 * Loads onnxruntime-node on first use. The import is dynamic on purpose: the native addon and its
 * ~46 MB shared library take hundreds of milliseconds to load, and verbs that run no model (tag
 * listing, audit, deploy) must not pay for it. A test asserts no static import creeps back in.
 */
export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-node').then((mod) => {
    // The package is CommonJS; depending on the loader its exports arrive named or under default.
    const named = mod as unknown as Partial<OrtModule> & { default?: OrtModule };
    return (named.InferenceSession ? named : named.default) as OrtModule;
  });
  return loading;
}
