// Locale choice and per-locale texts.
import { describe, expect, it } from 'vitest';
import { localize, pickLocale } from '../src/text.js';

describe('text', () => {
  it('reads a locale, then the fallback, then any', () => {
    const t = { en: 'Hello', 'zh-CN': '你好' };
    expect(localize(t, 'zh-CN')).toBe('你好');
    expect(localize(t, 'fr')).toBe('Hello');
    expect(localize({ de: 'Hallo' }, 'fr')).toBe('Hallo');
    expect(localize('plain', 'zh-CN')).toBe('plain');
  });

  it('reads only a text the site gave: a locale named like an Object.prototype member (toString, constructor) is not one', () => {
    for (const locale of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(localize({ en: 'Hello' }, locale), locale).toBe('Hello');
      expect(localize({ de: 'Hallo' }, 'fr', locale), locale).toBe('Hallo');
    }
  });

  it('matches browser languages exactly or by language', () => {
    expect(pickLocale(['en', 'zh-CN'], ['zh-Hans-CN', 'en'], 'en')).toBe('zh-CN');
    expect(pickLocale(['en', 'zh-CN'], ['fr', 'en-GB'], 'en')).toBe('en');
    expect(pickLocale(['en', 'zh-CN'], ['fr'], 'en')).toBe('en');
    expect(pickLocale(['en', 'zh-CN'], ['zh-cn'])).toBe('zh-CN');
    expect(pickLocale(['en', 'zh-CN'], ['de'], 'de')).toBe('de');
  });

  it('gives a Traditional Chinese reader (zh-TW, zh-HK, zh-Hant) the site’s Traditional texts, not the built-in Simplified ones; without any, Simplified', () => {
    // Under whichever tag the site keeps them, and whichever the page or the browser gives.
    for (const site of ['zh-TW', 'zh-Hant', 'zh-HK']) {
      for (const reader of ['zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant', 'zh-Hant-TW', 'zh-hant-hk']) expect(pickLocale(['en', 'zh-CN', site], [reader]), `${reader} on a site with ${site}`).toBe(site);
    }
    // A Simplified reader still gets Simplified from a site that has both.
    for (const reader of ['zh', 'zh-CN', 'zh-Hans', 'zh-SG', 'zh-Hans-CN']) expect(pickLocale(['en', 'zh-TW', 'zh-CN'], [reader]), reader).toBe('zh-CN');
    // No Traditional texts: Simplified, which such a reader reads, rather than English.
    expect(pickLocale(['en', 'zh-CN'], ['zh-TW', 'en'])).toBe('zh-CN');
    // A server's locale name as the page's <html lang>: zh_CN is Simplified, zh_TW Traditional.
    expect(pickLocale(['en', 'zh-CN'], ['zh_CN', 'en-US'])).toBe('zh-CN');
    expect(pickLocale(['en', 'zh-CN', 'zh-TW'], ['zh_TW'])).toBe('zh-TW');
  });
});
