// A page whose Object.prototype was polluted (a query-string parser, a deep merge of URL data) must not turn that
// into a yes: the core reads a purpose's own fields only.
import { describe, expect, it } from 'vitest';
import { createConsent, type ConsentConfig } from '../src/index.js';
import { config, settle } from './fixtures.js';

describe('a page whose Object.prototype is polluted (a query-string parser, a deep merge)', () => {
  it.each(['necessary', 'sensitive', 'sale', 'optOut', 'gpc', 'ask', 'granted'])('Object.prototype.%s = true turns nothing into a yes', async (key) => {
    // A common site: no sensitive or sale purpose.
    const cfg = config({ purposes: [
      { id: 'analytics', title: 'Analytics', description: 'Counts page views to improve articles.', data: ['pages visited'], retention: '13 months' },
      { id: 'marketing', title: 'Advertising', description: 'Shows ads based on your reading.', data: ['ad clicks'], retention: '6 months' },
    ] }) as ConsentConfig;
    (Object.prototype as Record<string, unknown>)[key] = true;
    try {
      const consent = createConsent(cfg);
      await consent.ready;
      const ran: string[] = [];
      consent.gate('analytics', () => ran.push('analytics'))();
      await settle(10);
      expect(consent.has('analytics')).toBe(false);
      expect(consent.state('marketing')).not.toBe('granted');
      expect(ran).toEqual([]);
    } finally {
      delete (Object.prototype as Record<string, unknown>)[key];
    }
  });
});

describe('Object.prototype polluted after Optin started', () => {
  it('Object.prototype.necessary = true does not turn a no into a yes', async () => {
    const consent = createConsent(config() as ConsentConfig);
    await consent.ready;
    await consent.decide({ analytics: false });
    (Object.prototype as Record<string, unknown>).necessary = true;
    try {
      expect(consent.has('analytics')).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).necessary;
    }
  });
});
