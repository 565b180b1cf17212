// Odd arguments from page code: a decision either holds, and holds after a reload, or is refused at once.
import { describe, expect, it } from 'vitest';
import { createConsent } from '../src/index.js';
import { config } from './fixtures.js';

describe('decide() with a locale that is not a string', () => {
  it.each([
    ['null', null],
    ['a number', 7],
  ])('(%s) is refused, or the decision survives a reload; never kept now and lost on reload', async (_, locale) => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.ready;
    const outcome = await consent.decide({ analytics: false }, { locale: locale as unknown as string }).then(
      () => 'kept',
      () => 'refused',
    );
    const reload = createConsent(cfg);
    await reload.ready;
    if (outcome == 'kept') expect(reload.state('analytics')).toBe('denied');
    else expect(consent.state('analytics')).toBe('undecided');
  });
});
