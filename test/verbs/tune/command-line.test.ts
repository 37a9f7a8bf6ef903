import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../../src/verbs/tune/command-line.js';
import { objectiveFrom, parseJsonObject, readMetricLine } from '../../../src/verbs/tune/read-metric.js';

describe('splitCommandLine', () => {
  it.each([
    ['python3 train.py --lr 3', ['python3', 'train.py', '--lr', '3']],
    ['  python3   "my script.py"  ', ['python3', 'my script.py']],
    [`python3 -c 'print("a b")'`, ['python3', '-c', 'print("a b")']],
    [String.raw`echo "a \"quoted\" \$HOME \\ \n"`, ['echo', String.raw`a "quoted" $HOME \ \n`]],
    [String.raw`echo a\ b c\'d`, ['echo', 'a b', "c'd"]],
    [`echo '' ""`, ['echo', '', '']],
    ['echo $HOME; rm -rf / | cat > x', ['echo', '$HOME;', 'rm', '-rf', '/', '|', 'cat', '>', 'x']],
    ['["python3", "train.py", "--name", "a b"]', ['python3', 'train.py', '--name', 'a b']],
  ])('%s', (raw, argv) => {
    expect(splitCommandLine(raw)).toEqual(argv);
  });

  it('an unterminated quote or an empty command is a usage error that shows how to write it', () => {
    expect(() => splitCommandLine(`python3 'train.py`)).toThrow(
      /^--train-command 'python3 'train.py' has an unterminated single quote — close the quote/,
    );
    expect(() => splitCommandLine('   ')).toThrow(/^--train-command is empty/);
    expect(() => splitCommandLine('["python3", 3]')).toThrow(/is not a JSON array of strings/);
  });
});

describe('reading the metric', () => {
  it('takes Python json.dumps output, NaN and Infinity included', () => {
    expect(parseJsonObject('{"loss": NaN, "x": [Infinity, -Infinity], "s": "NaN"}')).toEqual({
      loss: NaN,
      x: [Infinity, -Infinity],
      s: 'NaN',
    });
    expect(parseJsonObject('not json')).toBeUndefined();
    expect(parseJsonObject('[1]')).toBeUndefined();
  });

  it('a line with step is an intermediate value; without, a final one; others are ignored', () => {
    expect(readMetricLine('{"step": 3, "loss": 0.5}', 'loss')).toEqual({ kind: 'step', step: 3, value: 0.5 });
    expect(readMetricLine('{"loss": 0.25, "acc": 0.9}', 'loss')).toEqual({ kind: 'final', value: 0.25 });
    expect(readMetricLine('{"acc": 0.9}', 'loss')).toBeUndefined();
    expect(readMetricLine('epoch 3 loss 0.5', 'loss')).toBeUndefined();
  });

  it('the objective must be a finite number', () => {
    expect(objectiveFrom(0.5, 'loss')).toEqual({ value: 0.5 });
    expect(objectiveFrom('0.5', 'loss')).toEqual({ value: 0.5 });
    expect(objectiveFrom(NaN, 'loss')).toEqual({ error: "metric 'loss' is NaN" });
    expect(objectiveFrom(-Infinity, 'loss')).toEqual({ error: "metric 'loss' is -infinite" });
    expect(objectiveFrom(null, 'loss')).toEqual({ error: "metric 'loss' is not a number (null)" });
  });
});
