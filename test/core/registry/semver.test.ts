import { describe, it, expect } from 'vitest';
import {
  compareSemver,
  formatSemver,
  incrementSemver,
  maxBump,
  parseSemver,
  sortSemver,
} from '../../../src/core/registry/semver.js';

describe('semver', () => {
  it('parses and formats SemVer 2.0', () => {
    expect(parseSemver('1.2.3-rc.1+build.5')).toEqual({
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: ['rc', 1],
      build: ['build', '5'],
    });
    for (const v of [
      '0.0.0',
      '10.20.30',
      '1.0.0-alpha.beta',
      '1.0.0-0A.is.legal',
      '1.0.0+0.build.1-rc.10000aaa-kk-0.1',
    ]) {
      expect(formatSemver(parseSemver(v)!)).toBe(v);
    }
    for (const v of [
      'v1.2.3',
      '1.2',
      '01.1.1',
      '1.2.3-',
      '1.2.3+',
      '1.2.3-01',
      '1.2.3-a..b',
      '99999999999999999999.0.0',
    ]) {
      expect(parseSemver(v)).toBeNull();
    }
  });

  it('orders by precedence (semver.org §11 example)', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    const shuffled = [...ordered].reverse();
    expect(sortSemver(shuffled)).toEqual(ordered);
    expect(sortSemver(['1.10.0', '1.2.0', '1.9.9', '2.0.0', '0.9.0'], 'desc')).toEqual([
      '2.0.0',
      '1.10.0',
      '1.9.9',
      '1.2.0',
      '0.9.0',
    ]);
    expect(compareSemver('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(sortSemver(['1.0.0+b', '1.0.0+a'])).toEqual(['1.0.0+a', '1.0.0+b']);
    expect(compareSemver('2.0.0', '10.0.0')).toBe(-1);
  });

  it('increments, releasing pre-releases of the target', () => {
    expect(incrementSemver('1.2.3', 'patch')).toBe('1.2.4');
    expect(incrementSemver('1.2.3', 'minor')).toBe('1.3.0');
    expect(incrementSemver('1.2.3', 'major')).toBe('2.0.0');
    expect(incrementSemver('1.2.3+build', 'patch')).toBe('1.2.4');
    expect(incrementSemver('1.2.3-rc.1', 'patch')).toBe('1.2.3');
    expect(incrementSemver('1.3.0-rc.1', 'minor')).toBe('1.3.0');
    expect(incrementSemver('1.3.1-rc.1', 'minor')).toBe('1.4.0');
    expect(incrementSemver('2.0.0-rc.1', 'major')).toBe('2.0.0');
    expect(incrementSemver('2.1.0-rc.1', 'major')).toBe('3.0.0');
    expect(() => incrementSemver('x', 'patch')).toThrow(/not a semantic version/);
  });

  it('picks the larger bump', () => {
    expect(maxBump('patch', 'minor')).toBe('minor');
    expect(maxBump('major', 'minor')).toBe('major');
  });
});
