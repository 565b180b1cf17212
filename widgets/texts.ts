// Every string the dialogs show, in English and Simplified Chinese, and how a site's `config.texts` overrides them.
// Placeholders in braces ({controller}, {purpose}, {purposes}, {country}) are filled with text, never with HTML.
import type { ComponentChild } from 'preact';
import { ConsentConfigError, pickLocale, type ConfigIssue, type Consent } from '../src/index.js';

/** The English table; every locale has the same keys (a test compares them key by key). */
export const en = {
  bannerTitle: 'Your privacy choices',
  bannerText: '{controller} asks for your consent to use your data for: {purposes}. Nothing is collected until you say yes, and you can withdraw your consent at any time under “Privacy settings”.',
  bannerSeparate: 'Asked separately, never part of “Accept all”: {purposes}.',
  contact: 'Contact: ',
  policy: 'Privacy policy',
  acceptAll: 'Accept all',
  rejectAll: 'Reject all',
  customize: 'Customize',
  close: 'Close',
  preferencesTitle: 'Privacy settings',
  preferencesText: 'Choose what {controller} may do with your data. Everything is off until you switch it on, and you can change your choices at any time.',
  save: 'Save choices',
  saved: 'Choices saved',
  withdrawn: 'Consent withdrawn',
  on: 'On',
  off: 'Off',
  alwaysOn: 'Always on',
  necessary: 'Needed for the site to work: no consent is asked and it cannot be switched off.',
  sensitive: 'Separate consent: asked on its own, never part of “Accept all”.',
  revised: 'Changed since your last choice: {purposes}.',
  signal: 'Your browser sent a Global Privacy Control signal and we honour it: this stays off unless you switch it on here.',
  data: 'Data collected',
  recipients: 'Shared with',
  noRecipients: 'No one else: only {controller}',
  abroad: 'cross-border transfer: {country}',
  retention: 'Kept for',
  promptTitle: 'Allow {purpose}?',
  promptText: '{controller} asks for your consent to this purpose alone. Nothing is sent unless you allow it, and saying no affects nothing else on the site. You can withdraw at any time under “Privacy settings”.',
  allow: 'Allow {purpose}',
  deny: 'Don’t allow',
  settings: 'Privacy settings',
  listSeparator: ', ',
};

/** The dialog strings of one locale. */
export type Texts = { readonly [K in keyof typeof en]: string };

/** Simplified Chinese: complete, no English left (PIPL and the 2019 Methods §1(4) want a Chinese version). */
export const zhCN: Texts = {
  bannerTitle: '您的隐私选择',
  bannerText: '{controller}希望征得您的同意，将您的数据用于：{purposes}。在您同意之前不会收集任何数据，您也可以随时在“隐私设置”中撤回同意。',
  bannerSeparate: '以下用途需单独征得您的同意，绝不包含在“全部接受”中：{purposes}。',
  contact: '联系方式：',
  policy: '隐私政策',
  acceptAll: '全部接受',
  rejectAll: '全部拒绝',
  customize: '自定义',
  close: '关闭',
  preferencesTitle: '隐私设置',
  preferencesText: '选择{controller}可以如何使用您的数据。所有选项在您开启之前均为关闭状态，您可以随时更改您的选择。',
  save: '保存选择',
  saved: '已保存您的选择',
  withdrawn: '已撤回同意',
  on: '开',
  off: '关',
  alwaysOn: '始终开启',
  necessary: '网站正常运行所必需：无需征得同意，且无法关闭。',
  sensitive: '单独同意：此项需要您单独同意，绝不包含在“全部接受”中。',
  revised: '自您上次选择后已变更：{purposes}。',
  signal: '您的浏览器发送了“全球隐私控制”信号，我们予以尊重：除非您在此处开启，否则此项保持关闭。',
  data: '收集的数据',
  recipients: '接收方',
  noRecipients: '不提供给他人：仅限{controller}',
  abroad: '跨境传输：{country}',
  retention: '保存期限',
  promptTitle: '允许{purpose}？',
  promptText: '{controller}仅就此项用途征得您的同意。除非您允许，否则不会发送任何数据；不允许不会影响您使用网站的其他服务。您也可以随时在“隐私设置”中撤回。',
  allow: '允许{purpose}',
  deny: '不允许',
  settings: '隐私设置',
  listSeparator: '、',
};

/** Built-in tables by locale. */
export const LOCALES: { readonly [locale: string]: Texts } = { en, 'zh-CN': zhCN };

/**
 * The strings for `locale`: the built-in table (English for a locale Optin does not ship), overridden key by
 * key by `config.texts[locale]`.
 */
export function textsFor(consent: Consent, locale: string): Texts {
  return { ...(LOCALES[locale] ?? en), ...consent.config.texts?.[locale] };
}

/**
 * The locale the dialogs show for `wanted`: a built-in one, or one whose every string `config.texts` gives, matched
 * as `consent.locale` is (`zh`, `zh-cn` → `zh-CN`); else English. A partial table would put English text under
 * another `lang` (WCAG 3.1.2) and record the wrong locale.
 */
export function shownLocale(consent: Consent, wanted: string): string {
  const texts = consent.config.texts ?? {};
  const complete = Object.keys(texts).filter((locale) => Object.keys(en).every((key) => key in texts[locale]!));
  return pickLocale([...Object.keys(LOCALES), ...complete], [wanted]);
}

/** The `{name}` placeholders of a text, sorted, as one string. */
const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort().join(' ');

/**
 * Throws a `ConsentConfigError` when `config.texts` overrides a string the dialogs do not have (a typo is ignored
 * silently otherwise) or changes its placeholders: a yes button without `{purpose}` no longer names what it grants,
 * a banner without `{controller}` no longer says who asks, and a misspelt one shows as written.
 */
export function checkTexts(consent: Consent): void {
  // The blocked embeds' button text lives with blocking, in the core; only its placeholder matters here.
  const known: { readonly [key: string]: string } = { ...en, blockedContent: '{purpose}' };
  const issues: ConfigIssue[] = [];
  for (const [locale, table] of Object.entries(consent.config.texts ?? {})) {
    // A third locale shows only once complete (see shownLocale): the owner learns which strings keep it English.
    const missing = Object.hasOwn(LOCALES, locale) ? [] : Object.keys(en).filter((key) => !(key in table));
    if (missing.length) console.warn(`Optin: texts.${locale} lacks ${missing.join(', ')}: the dialogs show English instead. Add them (see englishTexts).`);
    for (const [key, text] of Object.entries(table)) {
      // Own keys only: `toString` is no text of the dialogs either.
      const wanted = Object.hasOwn(known, key) ? placeholders(known[key]!) : undefined;
      const message = wanted === undefined ? 'is not a text of the dialogs (see englishTexts): fix its name or remove it' : placeholders(text) != wanted && `must have the placeholders of the built-in text: ${wanted || 'none'}`;
      if (message) issues.push({ path: `texts.${locale}.${key}`, message });
    }
  }
  if (issues.length) throw new ConsentConfigError(issues);
}

/**
 * `template` with each `{name}` replaced by `values[name]`, as parts for Preact, which renders strings as text: a
 * value can then be an element, a name in a `<span lang>` of its own.
 */
export function fill(template: string, values: { readonly [name: string]: ComponentChild }): ComponentChild[] {
  // The capture puts each placeholder's name at an odd index, between the parts of the template around it.
  return template.split(/\{(\w+)\}/).map((part, i) => (i % 2 ? (values[part] ?? `{${part}}`) : part));
}
