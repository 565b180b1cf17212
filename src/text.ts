// Picks the locale to show and reads per-locale texts, so the core hashes exactly what the dialogs display.
// The fallback locale is config.locale when set, else English.
import type { LocalizedText } from './types.js';

/** Locales whose dialog texts ship with Optin. */
export const BUILT_IN_LOCALES: readonly string[] = ['en', 'zh-CN'];

/**
 * `table[key]` if the table has it as its own: a locale is any string a site or a stored record gives, and one named
 * `toString` or `constructor` would otherwise read a function of Object.prototype as its text.
 */
export const own = <T>(table: { readonly [key: string]: T } | undefined, key: string): T | undefined => (table && Object.hasOwn(table, key) ? table[key] : undefined);

/** The text of `value` in `locale`, else in `fallback`, else the first one given. */
export function localize(value: LocalizedText | undefined, locale: string, fallback = 'en'): string {
  if (value == null || typeof value == 'string') return value ?? '';
  return own(value, locale) ?? own(value, fallback) ?? Object.values(value)[0] ?? '';
}

/**
 * A tag's language in lower case; with `script`, Traditional Chinese (`zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant…`) apart.
 * `_` counts as `-`: pages carry a server's locale name as their `<html lang>` (`zh_CN`, `zh_TW`, `en_US`).
 */
const language = (tag: string, script?: boolean) => tag.split(/[-_]/)[0]!.toLowerCase() + (script ? /^zh[-_](hant|tw|hk|mo)/i.test(tag) : '');

/**
 * The first locale of `wanted` (tags such as the browser's languages) that `available` has, matched ignoring case,
 * else by language (`zh-Hans-CN`, `zh` and `zh-cn` → `zh-CN`); else `fallback`. A Traditional Chinese reader gets
 * the site's Traditional texts under any tag (`zh-HK` → `zh-TW`); without them, Simplified Chinese, which such a
 * reader reads, as many do not read English.
 * @example
 * pickLocale(['en', 'zh-CN'], ['fr-FR', 'zh']); // 'zh-CN'
 */
export function pickLocale(available: readonly string[], wanted: readonly string[], fallback = 'en'): string {
  for (const want of wanted) {
    const lower = want.toLowerCase();
    // Exactly, else by language and script, else by language.
    const match = available.find((a) => a.toLowerCase() == lower) ?? available.find((a) => language(a, true) == language(want, true)) ?? available.find((a) => language(a) == language(want));
    if (match) return match;
  }
  return fallback;
}
