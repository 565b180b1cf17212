// nearest() and didYouMean(): the "did you mean …?" behind config and purpose-id errors.
import { describe, expect, it } from 'vitest';
import { didYouMean, nearest } from '../src/nearest.js';

const ROOT = ['controller', 'policy', 'purposes', 'locale', 'texts', 'expiresAfterDays', 'storageName'];

describe('nearest', () => {
  it('finds a misspelt name', () => {
    expect(nearest('purpose', ROOT)).toBe('purposes');
    expect(nearest('polcy', ROOT)).toBe('policy');
    expect(nearest('storageNme', ROOT)).toBe('storageName');
  });

  it('ignores case and returns the candidate as written', () => {
    expect(nearest('PURPOSES', ROOT)).toBe('purposes');
    expect(nearest('expiresafterdays', ROOT)).toBe('expiresAfterDays');
  });

  it('allows max(2, a third of the length) edits and no more', () => {
    expect(nearest('ab', ['xy'])).toBe('xy');
    expect(nearest('abc', ['xyz'])).toBeUndefined();
    expect(nearest('expiresAfterDaaaaa', ROOT)).toBe('expiresAfterDays'); // 18 letters: 6 edits allowed, 4 needed
    expect(nearest('expiresXXXXXXXXays', ROOT)).toBeUndefined(); // 8 edits
  });

  it('gives nothing when nothing is close, or there is nothing to pick', () => {
    expect(nearest('colour', ROOT)).toBeUndefined();
    expect(nearest('purposes', [])).toBeUndefined();
  });

  it('picks the closest, and the first of equally close ones', () => {
    expect(nearest('cat', ['dog', 'bat', 'cot'])).toBe('bat');
    expect(nearest('titel', ['title', 'tile'])).toBe('title');
  });
});

describe('didYouMean', () => {
  it('names the nearest candidate, in double quotes unless told otherwise', () => {
    expect(didYouMean('purpose', ROOT, 'remove it')).toBe('did you mean "purposes"?');
    expect(didYouMean('purpose', ROOT, 'remove it', '`')).toBe('did you mean `purposes`?');
  });

  it('gives the other fix when nothing is close', () => {
    expect(didYouMean('colour', ROOT, 'remove it')).toBe('remove it');
  });
});
