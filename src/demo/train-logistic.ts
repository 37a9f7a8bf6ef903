/**
 * Logistic regression by full-batch gradient descent: enough to give the demo a real trained
 * classifier without Python. Deterministic for the same data and settings.
 */
export interface LogisticModel {
  weights: number[];
  bias: number;
}

export function trainLogistic(
  rows: readonly number[][],
  labels: readonly number[],
  options: { epochs: number; learningRate?: number; l2?: number },
): LogisticModel {
  const features = rows[0]?.length ?? 0;
  const weights = new Array<number>(features).fill(0);
  let bias = 0;
  const rate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gradient = new Array<number>(features).fill(0);
    let gradientBias = 0;
    rows.forEach((row, i) => {
      const error = predict({ weights, bias }, row) - labels[i]!;
      row.forEach((x, j) => (gradient[j]! += error * x));
      gradientBias += error;
    });
    for (let j = 0; j < features; j++) weights[j]! -= rate * (gradient[j]! / rows.length + l2 * weights[j]!);
    bias -= (rate * gradientBias) / rows.length;
  }
  return { weights, bias };
}

export function predict(model: LogisticModel, row: readonly number[]): number {
  const logit = row.reduce((sum, x, j) => sum + x * model.weights[j]!, model.bias);
  return 1 / (1 + Math.exp(-logit));
}
