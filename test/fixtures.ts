// A realistic config for the unit tests, and a fresh database name per test so tests never share IndexedDB.
import { expect, vi } from 'vitest';
import type { Consent, ConsentConfig, Receipt } from '../src/index.js';

let n = 0;
/** A database name no other test uses. */
export const freshName = () => `test-${Date.now()}-${n++}`;

/** The news-site purposes of the compliance fixture, as a literal so ids are inferred. */
export const purposes = [
  { id: 'necessary', title: 'Essential', description: 'Keeps you signed in and remembers these choices.', necessary: true },
  { id: 'analytics', title: { en: 'Analytics', 'zh-CN': '统计分析' }, description: { en: 'Counts page views to improve articles.', 'zh-CN': '统计页面浏览量。' }, data: ['pages visited', 'device type'], retention: '13 months', recipients: [{ name: 'Stats Co', country: 'DE' }], storage: ['_stats'] },
  { id: 'marketing', title: 'Advertising', description: 'Shows ads based on your reading.', data: ['ad clicks'], retention: '6 months', sale: true },
  { id: 'credit-scoring', title: 'Credit scoring', description: 'Sends your payment history to a credit bureau to compute a score.', data: ['payment history'], retention: '2 years', recipients: [{ name: 'Lumen Credit Bureau', country: 'CN' }], sensitive: true },
] as const;

const base = {
  controller: { name: 'Daily Lantern Ltd.', contact: 'privacy@lantern.example' },
  policy: { version: '2026-11', url: 'https://lantern.example/privacy' },
  purposes,
  storageName: '',
} satisfies ConsentConfig;

/** A valid config with its own database; `overrides` replace whole keys. */
export function config<O extends Partial<ConsentConfig> = object>(overrides?: O): Omit<typeof base, keyof O> & O {
  return { ...base, storageName: freshName(), ...overrides } as Omit<typeof base, keyof O> & O;
}

/** Lets pending promise callbacks and IndexedDB events run. */
/**
 * Where `document[name]` is defined, to spy on it as Optin reads it: past own properties (src/dom.ts), and not on
 * `Document.prototype`, which happy-dom's document does not inherit from.
 */
export function documentMember<K extends 'readyState' | 'currentScript'>(name: K): Pick<Document, K> {
  let proto: object = document;
  while (!Object.hasOwn(proto, name)) proto = Object.getPrototypeOf(proto) as object;
  return proto as Pick<Document, K>;
}

export const settle = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The proof log once it holds `count` receipts. Decisions made by a click are stored in the background, each after
 * the one before it, so a test waits for the receipt rather than for a fixed time.
 */
export async function receiptsOf(consent: Consent, count = 1): Promise<Receipt[]> {
  let list: Receipt[] = [];
  await vi.waitFor(async () => {
    list = await consent.receipts();
    expect(list.length).toBeGreaterThanOrEqual(count);
  });
  return list;
}
