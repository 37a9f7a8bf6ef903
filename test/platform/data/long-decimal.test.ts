import { describe, expect, it } from 'vitest';
import { parseLongDecimal } from '../../../src/platform/data/long-decimal.js';

/** parseLongDecimal on an unsigned plain decimal, as the CSV scanner calls it. */
function parse(text: string): number | undefined {
  const dot = text.indexOf('.');
  return parseLongDecimal(Buffer.from(text, 'latin1'), 0, text.length, dot - text.length + 1);
}

describe('parseLongDecimal', () => {
  it('rounds 16-19 digit decimals exactly like Number(), or declines', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let declined = 0;
    const wrong: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const y = random() * 10 ** Math.floor(random() * 8 - 3);
      const halfway = (y + y * (1 + 2 ** -52)) / 2;
      for (const text of [y.toPrecision(17), y.toPrecision(19), halfway.toPrecision(19), y.toFixed(18)]) {
        const digits = text.replace('.', '').replace(/^0+/, '').length;
        if (!text.includes('.') || text.includes('e') || digits > 19 || text.length - text.indexOf('.') > 23)
          continue;
        const value = parse(text);
        if (value === undefined) declined++;
        else if (value !== Number(text)) wrong.push(text);
      }
    }
    expect(wrong).toEqual([]);
    expect(declined).toBeLessThan(1000);
  });

  it('declines exact ties and too many digits, leaving them to Number()', () => {
    expect(parse('9007199254740993.5')).toBe(Number('9007199254740993.5'));
    expect(parse('12345678901234567890.1')).toBeUndefined();
    expect(parse('0.30000000000000004441')).toBeUndefined();
  });
});
