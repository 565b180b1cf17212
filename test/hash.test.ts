// Disclosure hashing: the exact text shown in a locale, SHA-256, stable across key order.
import { describe, expect, it, vi } from 'vitest';
import { disclosureText, sha256 } from '../src/hash.js';

const purpose = { id: 'analytics', title: { en: 'Analytics', 'zh-CN': '统计分析' }, description: 'Counts visits.', data: ['pages'], retention: '1 year', recipients: [{ name: 'Stats Co', country: 'DE' }] };

describe('hash', () => {
  it('is the standard SHA-256', async () => {
    expect(await sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('falls back to a labelled weak hash where crypto.subtle is missing (plain http)', async () => {
    vi.stubGlobal('crypto', {});
    try {
      expect(await sha256('abc')).toMatch(/^weak:[0-9a-f]+$/);
      expect(await sha256('abc')).not.toBe(await sha256('abd'));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('covers what the purpose is: marking it sensitive or a sale changes the text, leaving it unmarked does not', () => {
    const plain = disclosureText(purpose, 'en', 'en');
    // The text of a purpose without flags is the one earlier releases hashed, so their records still count.
    expect(plain).toBe('["en","Analytics","Counts visits.",["pages"],[["Stats Co","DE",null]],"1 year"]');
    expect(disclosureText({ ...purpose, sensitive: true }, 'en', 'en')).toBe(plain.slice(0, -1) + ',"sensitive"]');
    expect(disclosureText({ ...purpose, sale: true }, 'en', 'en')).not.toBe(plain);
  });

  it('covers the locale and every disclosed field, not the order of keys', () => {
    const en = disclosureText(purpose, 'en', 'en');
    expect(en).toContain('Analytics');
    expect(disclosureText(purpose, 'zh-CN', 'en')).toContain('统计分析');
    expect(disclosureText({ ...purpose, recipients: [{ country: 'DE', name: 'Stats Co' }] }, 'en', 'en')).toBe(en);
    expect(disclosureText({ ...purpose, retention: '2 years' }, 'en', 'en')).not.toBe(en);
    // A recipient's contact counts once given; without one, the text is what earlier releases hashed.
    expect(disclosureText({ ...purpose, recipients: [{ name: 'Stats Co', country: 'DE', contact: 'dpo@stats.example' }] }, 'en', 'en')).toContain('"dpo@stats.example"');
  });

  it('covers a recipient’s name as shown: one per locale hashes as that locale’s, so adding a translation asks no one again', () => {
    const named = (name: string | { [locale: string]: string }) => ({ ...purpose, recipients: [{ name, country: 'DE' }] });
    const both = named({ en: 'Stats Co', 'zh-CN': '统计公司' });
    expect(disclosureText(both, 'en', 'en')).toBe(disclosureText(purpose, 'en', 'en'));
    expect(disclosureText(both, 'zh-CN', 'en')).toContain('"统计公司"');
    expect(disclosureText(both, 'zh-CN', 'en')).not.toContain('Stats Co');
  });
});
