// Picks the locale to show and reads per-locale texts, so the core hashes exactly what the dialogs display.
// The fallback locale is config.locale when set, else English.
import type { LocalizedText } from './types.js';

/** Locales whose dialog texts ship with Optin. */
export const BUILT_IN_LOCALES: readonly string[] = ['en', 'zh-CN'];

/** The text of `value` in `locale`, else in `fallback`, else the first one given. */
export function localize(value: LocalizedText | undefined, locale: string, fallback = 'en'): string {
  if (value == null || typeof value == 'string') return value ?? '';
  return value[locale] ?? value[fallback] ?? Object.values(value)[0] ?? '';
}

/**
 * The first locale of `wanted` (tags such as the browser's languages) that `available` has, matched ignoring case,
 * else by language (`zh-Hans-CN`, `zh` and `zh-cn` → `zh-CN`); else `fallback`.
 * @example
 * pickLocale(['en', 'zh-CN'], ['fr-FR', 'zh']); // 'zh-CN'
 */
export function pickLocale(available: readonly string[], wanted: readonly string[], fallback = 'en'): string {
  for (const want of wanted) {
    const lower = want.toLowerCase();
    // Exactly, else by language.
    const match = available.find((a) => a.toLowerCase() == lower) ?? available.find((a) => a.split('-')[0]!.toLowerCase() == lower.split('-')[0]);
    if (match) return match;
  }
  return fallback;
}
