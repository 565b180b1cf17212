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

  it('matches browser languages exactly or by language', () => {
    expect(pickLocale(['en', 'zh-CN'], ['zh-Hans-CN', 'en'], 'en')).toBe('zh-CN');
    expect(pickLocale(['en', 'zh-CN'], ['fr', 'en-GB'], 'en')).toBe('en');
    expect(pickLocale(['en', 'zh-CN'], ['fr'], 'en')).toBe('en');
    expect(pickLocale(['en', 'zh-CN'], ['zh-cn'])).toBe('zh-CN');
    expect(pickLocale(['en', 'zh-CN'], ['de'], 'de')).toBe('de');
  });
});
