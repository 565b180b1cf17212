// The stored decision record: how one is read back and when it still counts. A record that does not parse,
// or comes from a newer schema than this SDK knows, counts as no decision: never trust what we cannot read.
import type { DecisionMethod, DecisionRecord } from './types.js';

/** Schema version written by this SDK. Older versions are upgraded on read; newer ones are ignored. */
export const SCHEMA = 1;

const METHODS: readonly DecisionMethod[] = ['banner', 'preferences', 'prompt', 'api', 'signal'];

/** The record for `purpose`, or undefined when `raw` is missing, malformed or of an unknown newer schema. */
export function readRecord(raw: unknown, purpose: string): DecisionRecord | undefined {
  if (typeof raw != 'object' || raw == null) return undefined;
  const r = raw as Record<string, unknown>;
  // A future schema may mean something we cannot see (a narrower grant, a new condition): treat it as undecided.
  if (r.v !== SCHEMA) return undefined;
  const ok =
    r.purpose === purpose &&
    typeof r.granted == 'boolean' &&
    [r.at, r.expires].every((n) => typeof n == 'number' && Number.isFinite(n)) &&
    [r.policy, r.hash, r.locale].every((s) => typeof s == 'string') &&
    METHODS.includes(r.method as DecisionMethod);
  return ok ? (r as unknown as DecisionRecord) : undefined;
}

/** Whether a record still holds: same policy version, same disclosure, not expired. */
export function isCurrent(record: DecisionRecord, policy: string, hash: string, now: number): boolean {
  return record.policy === policy && record.hash === hash && record.expires > now;
}
