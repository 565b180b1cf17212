// The stored decision record and how one is read back. A record that does not parse, or comes from a newer
// schema than this SDK knows, counts as no decision: never trust what we cannot read.
import type { DecisionRecord } from './types.js';

/** Schema version written by this SDK. Older versions are upgraded on read; newer ones are ignored. */
export const SCHEMA = 1;

/** The record in `raw` when it parses and is about one of `ids`; undefined when missing, malformed or newer. */
export function readRecord(raw: unknown, ids: readonly string[]): DecisionRecord | undefined {
  const r = raw as Partial<DecisionRecord> | null | undefined;
  // A future schema may mean something we cannot see (a narrower grant, a new condition): treat it as undecided.
  // The fields checked here decide what the record grants; policy, hash and expiry are compared by createConsent.
  // Its dates are finite numbers: a NaN one (corrupt) would silently count as expired, not be reported as unreadable.
  const ok = r?.v === SCHEMA && ids.includes(r.purpose!) && typeof r.granted == 'boolean' && Number.isFinite(r.at) && Number.isFinite(r.expires) && typeof r.locale == 'string';
  return ok ? (r as DecisionRecord) : undefined;
}

/**
 * A record dated over a day ahead of the clock: the clock was fast when it was written, so its lifetime cannot be
 * told. It counts as no decision (asked again), and any later decision is stored over it.
 */
export const fromTheFuture = (r: Pick<DecisionRecord, 'at'>): boolean => r.at > Date.now() + 864e5;

/**
 * `a` is a later word on its purpose than `b`: made after it, or at the same millisecond (in two tabs) and a no, so
 * that of two such decisions the no holds in every tab.
 */
export const later = (a: DecisionRecord, b: DecisionRecord): boolean => a.at > b.at || (a.at == b.at && !a.granted);
