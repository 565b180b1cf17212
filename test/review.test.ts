// Review of today's changes: cases found failing in the core (two-pass apply, fast clock set right).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsent } from '../src/index.js';
import { config, freshName, settle } from './fixtures.js';

afterEach(() => vi.restoreAllMocks());

describe('two-pass apply (re-entrancy)', () => {
  it('a held call that repeats the yes to another purpose of the same Accept all does not swallow that purpose’s change', async () => {
    const consent = createConsent(config());
    await consent.ready;
    const changed: string[] = [];
    consent.on('change', (e) => changed.push(...e.changed));
    // The analytics code, held until a yes, turns on advertising too when it runs (the same answer the person gave).
    consent.gate('analytics', () => void consent.decide({ marketing: true }))();
    await consent.decideAll(true);
    await settle(20);
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    // marketing went from undecided to granted: a `change` must say so.
    expect(changed).toContain('marketing');
  });
});

describe('two-pass apply, seen in the dialogs', () => {
  it('the prompt for a purpose granted through such a held call closes once the purpose is granted', async () => {
    const { mounted } = await import('./dialogs.js');
    const { consent, query } = await mounted();
    consent.gate('analytics', () => void consent.decide({ marketing: true }))();
    const asked = consent.require('marketing', { ask: true });
    await settle(20);
    expect(query('dialog', 'Allow Advertising?')).not.toBeNull();
    await consent.decideAll(true);
    await asked;
    await settle(20);
    expect(consent.state('marketing')).toBe('granted');
    // The require() call resolved, yet its prompt still asks about a purpose already granted.
    expect(query('dialog', 'Allow Advertising?')).toBeNull();
  });
});

describe('a clock two days fast, set right while the tabs stay open', () => {
  it('a withdrawal in one tab still reaches the other after a reset made while the clock was fast', async () => {
    const storageName = freshName();
    const [a, b] = [createConsent(config({ storageName })), createConsent(config({ storageName }))];
    await Promise.all([a.ready, b.ready]);
    const right = Date.now();
    const now = vi.spyOn(Date, 'now').mockReturnValue(right + 2 * 864e5); // the system clock runs two days fast
    await a.reset();
    await settle(50);
    now.mockReturnValue(right + 60_000); // set right; a minute later
    await b.decide({ analytics: true }); // a yes in tab B
    await settle(50);
    await a.withdraw('analytics'); // then withdrawn in tab A: the person's latest act
    await settle(50);
    expect(a.state('analytics')).toBe('denied');
    // Tab B ignores every decision of tab A dated before the (fast) reset, though made after it: it keeps collecting.
    expect(b.state('analytics')).toBe('denied');
  });
});
