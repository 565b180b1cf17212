// The built-in strings: English and Simplified Chinese complete and key for key, overridable, filled as text.
import { describe, expect, it, vi } from 'vitest';
import { ConsentConfigError, createConsent } from '../src/index.js';
import { checkTexts, en, fill, LOCALES, shownLocale, textsFor, zhCN } from '../widgets/texts.js';
import { config } from './fixtures.js';

describe('texts (INF-05)', () => {
  it('zh-CN has every English key and nothing else, each translated (no Latin letters outside placeholders)', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(zhCN)) {
      expect(value, key).not.toBe(en[key as keyof typeof en]);
      expect(value.replace(/\{\w+\}/g, ''), key).not.toMatch(/[A-Za-z]/);
    }
  });

  it('says no without shame or pressure in both locales: no "are you sure", "no thanks", "recommended" or "miss out" (WDR-05)', () => {
    // Phrasings that the CNIL, the EDPB (03/2022, deceptive design) and CCPA 7004(a)(2) name as steering the choice.
    const english = /\b(are you sure|no,? thanks|i don.t (care|want)|recommended|best experience|miss out|lose|only \d|limited|hurry|unlock)\b/i;
    const chinese = /确定要|残忍|不用了|推荐|错过|损失|更好的体验|限时|解锁|狠心/;
    for (const [key, value] of Object.entries(en)) expect(value, key).not.toMatch(english);
    for (const [key, value] of Object.entries(zhCN)) expect(value, key).not.toMatch(chinese);
    // The answers themselves are plain: "Reject all" says as much as "Accept all", in as many characters.
    for (const t of [en, zhCN]) expect(t.rejectAll.length).toBe(t.acceptAll.length);
  });

  it('keeps every placeholder of the English text in the Chinese one', () => {
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
  });

  it('lets config.texts override any string of a locale, and falls back to English for a locale not built in', () => {
    const consent = createConsent(config({ texts: { 'zh-CN': { acceptAll: '同意全部' }, fr: { acceptAll: 'Tout accepter' } } }));
    expect(textsFor(consent, 'zh-CN')).toMatchObject({ acceptAll: '同意全部', rejectAll: '全部拒绝' });
    expect(textsFor(consent, 'fr')).toMatchObject({ acceptAll: 'Tout accepter', rejectAll: 'Reject all' });
    expect(Object.keys(LOCALES)).toEqual(['en', 'zh-CN']);
  });

  it('shows a locale that is not built in only when config.texts gives every string of it, else English (WCAG 3.1.2)', () => {
    const partial = createConsent(config({ texts: { fr: { acceptAll: 'Tout accepter' } } }));
    expect(shownLocale(partial, 'fr')).toBe('en');
    expect(shownLocale(partial, 'zh-CN')).toBe('zh-CN');
    const french = Object.fromEntries(Object.keys(en).map((key) => [key, `fr:${key}`]));
    expect(shownLocale(createConsent(config({ texts: { fr: french } })), 'fr')).toBe('fr');
  });

  it('refuses an override of a string the dialogs do not have, and one that drops or misspells a placeholder', () => {
    const refused = (texts: Record<string, Record<string, string>>) => {
      try {
        checkTexts(createConsent(config({ texts })));
      } catch (error) {
        expect(error).toBeInstanceOf(ConsentConfigError);
        return (error as ConsentConfigError).issues;
      }
      return [];
    };
    expect(refused({ en: { acceptAl: 'Allow all', toString: 'x' } })).toEqual([
      { path: 'texts.en.acceptAl', message: 'is not a text of the dialogs (see englishTexts): fix its name or remove it' },
      { path: 'texts.en.toString', message: expect.stringMatching(/^is not a text of the dialogs/) },
    ]);
    // The yes button must still name what it grants, the banner who asks; a misspelt placeholder would show as typed.
    expect(refused({ en: { allow: 'Allow' }, fr: { bannerText: '{controler} demande votre accord pour : {purposes}.' } })).toEqual([
      { path: 'texts.en.allow', message: 'must have the placeholders of the built-in text: {purpose}' },
      { path: 'texts.fr.bannerText', message: 'must have the placeholders of the built-in text: {controller} {purposes}' },
    ]);
    expect(refused({ en: { acceptAll: 'Allow {purpose}' } })[0]?.message).toBe('must have the placeholders of the built-in text: none');
    // Every built-in table passes as an override of itself, and a placeholder may move.
    expect(refused({ en, 'zh-CN': zhCN, fr: { allow: 'Autoriser : {purpose}', blockedContent: 'Afficher ({purpose})' } })).toEqual([]);
    expect(refused({ en: { blockedContent: 'Show' } })[0]?.path).toBe('texts.en.blockedContent');
  });

  // A site that translates the dialogs into a third language but misses a string gets English dialogs: the console
  // must say why and which strings, or the owner sees an ignored table and no reason.
  it('warns once per table about a third locale that lacks strings, naming them; built-in locales may be partial', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const german = Object.fromEntries(Object.keys(en).filter((key) => key != 'save' && key != 'close').map((key) => [key, `de: ${en[key as keyof typeof en]}`]));
      checkTexts(createConsent(config({ texts: { de: german, en: { acceptAll: 'Allow all' }, 'zh-CN': { acceptAll: '全部允许' }, fr: { ...en } } })));
      expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringMatching(/texts\.de lacks close, save: .*English/)]);
    } finally {
      warn.mockRestore();
    }
  });

  it('fills placeholders with the value as given, and leaves unknown ones', () => {
    // Parts for Preact, which renders each string as text.
    expect(fill('{controller} asks; {other}', { controller: '<b>Lantern</b>' })).toEqual(['', '<b>Lantern</b>', ' asks; ', '{other}', '']);
  });
});
