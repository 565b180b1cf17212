// SHA-256 of what a person was shown and of each receipt, so a record proves which text the decision was about.
// Pages served over plain http have no crypto.subtle; there a weaker labelled hash keeps Optin working.
import type { Purpose } from './types.js';
import { localize } from './text.js';

/** Hex SHA-256 of `text`; `weak:`-prefixed 53-bit hash where crypto.subtle is missing (insecure contexts). */
export async function sha256(text: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return 'weak:' + weakHash(text);
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// cyrb53: not cryptographic; it only tells apart texts on pages that cannot have SHA-256.
function weakHash(text: string): string {
  let a = 0xdeadbeef,
    b = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return (4294967296 * (2097151 & b) + (a >>> 0)).toString(16);
}

/** The disclosure of a purpose as shown in `locale`: everything a person reads before deciding about it. */
export function disclosureText(purpose: Purpose, locale: string, fallback: string): string {
  const t = (value: Parameters<typeof localize>[0]) => localize(value, locale, fallback);
  return JSON.stringify([locale, t(purpose.title), t(purpose.description), (purpose.data ?? []).map(t), (purpose.recipients ?? []).map((r) => [r.name, r.country, r.url]), t(purpose.retention)]);
}
