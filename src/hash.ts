// SHA-256 of what a person was shown and of each receipt, so a record proves which text a decision was about.
// Pages served over plain http have no crypto.subtle; there a weaker hash, labelled as such, keeps Optin working.
import type { Purpose } from './types.js';
import { localize } from './text.js';

/** Hex SHA-256 of `text`; a `weak:`-prefixed FNV-1a hash where crypto.subtle is missing (insecure contexts). */
export async function sha256(text: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x1000193);
    return 'weak:' + (h >>> 0).toString(16);
  }
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The disclosure of a purpose as shown in `locale`: everything a person reads before deciding about it, and what
 * the purpose is (`sensitive`, `sale`): a yes given before a purpose was marked so no longer counts.
 */
export function disclosureText(purpose: Purpose, locale: string, fallback: string): string {
  const t = (value: Parameters<typeof localize>[0]) => localize(value, locale, fallback);
  const kind = (['sensitive', 'sale'] as const).filter((flag) => purpose[flag]);
  // The flags, and a recipient's contact, are appended only when set, so the hash of a purpose without them is what
  // it always was (an upgrade never asks again for what did not change).
  const recipients = (purpose.recipients ?? []).map((r) => [t(r.name), r.country, r.url, ...(r.contact ? [r.contact] : [])]);
  return JSON.stringify([locale, t(purpose.title), t(purpose.description), (purpose.data ?? []).map(t), recipients, t(purpose.retention), ...kind]);
}
