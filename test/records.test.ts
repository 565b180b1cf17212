// Reading stored records back: only well-formed records of our schema count; everything else is undecided.
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../src/index.js';
import { later, readRecord } from '../src/records.js';

const good = { v: 1, purpose: 'analytics', granted: true, at: 1, expires: 100, policy: 'p1', hash: 'h', locale: 'en', method: 'banner' };

describe('readRecord', () => {
  it('accepts a well-formed record', () => expect(readRecord(good, ['analytics'])).toEqual(good));
  it.each([
    ['null', null],
    ['a string', 'granted'],
    ['a newer schema', { ...good, v: 2 }],
    ['no schema', { ...good, v: undefined }],
    ['another purpose', { ...good, purpose: 'marketing' }],
    ['a string granted', { ...good, granted: 'true' }],
    ['a string date', { ...good, at: '2026-11-01' }],
    ['a string expiry', { ...good, expires: '2030-01-01' }],
    ['a missing locale', { ...good, locale: undefined }],
  ])('ignores %s', (_, raw) => expect(readRecord(raw, ['analytics'])).toBeUndefined());
});

describe('later', () => {
  const yes = { ...good, at: 500 } as DecisionRecord;
  const no = { ...good, granted: false, at: 500 } as DecisionRecord;
  it('the one made after is the later word; of two made in the same millisecond (in two tabs), the no', () => {
    expect([later({ ...yes, at: 501 }, no), later(no, { ...yes, at: 501 })]).toEqual([true, false]);
    expect([later(no, yes), later(yes, no)]).toEqual([true, false]);
    expect(later(yes, { ...yes })).toBe(false);
  });
});
