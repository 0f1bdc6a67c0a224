import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson';

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text whatever order the keys were built in', () => {
    expect(canonicalJson({ amount: '1.00', outcome: 'approve' })).toBe(canonicalJson({ outcome: 'approve', amount: '1.00' }));
  });

  it('drops undefined members like JSON does, and keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [undefined] })).toBe('{"b":null,"c":[null]}');
  });

  it('escapes strings as JSON and keeps Chinese text as is', () => {
    expect(canonicalJson({ 名称: '门诊 "急诊"\n' })).toBe('{"名称":"门诊 \\"急诊\\"\\n"}');
  });

  it('refuses values that have no faithful JSON form', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/finite/);
    expect(() => canonicalJson({ x: 10n })).toThrow(/bigint/);
  });
});
