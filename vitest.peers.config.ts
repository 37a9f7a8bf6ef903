import { defineConfig } from 'vitest/config';

// Peers: real Python tools from Debian (scikit-learn, onnx, torch …) and libonnx-testdata.
export default defineConfig({
  test: {
    include: ['test/peers/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
