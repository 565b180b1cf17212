// The decisions in force on a page: states, what applying a decision sets off, resets, and the clock that dates
// decisions so that the newer one wins across tabs even when the system clock runs back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDecisions } from '../src/decisions.js';
import { createEmitter } from '../src/events.js';
import { enqueue } from '../src/gate.js';
import type { ConsentEvents, DecisionRecord, Purpose } from '../src/index.js';
import { purposes as fixture } from './fixtures.js';

afterEach(() => vi.restoreAllMocks());

const DAY = 864e5;
const setup = () => {
  const purposes = new Map<string, Purpose>(fixture.map((p) => [p.id, p]));
  const events = createEmitter<ConsentEvents<string>>();
  const changes: (readonly string[])[] = [];
  events.on('change', ({ changed }) => changes.push(changed));
  const decisions = createDecisions(purposes, ['analytics', 'marketing', 'credit-scoring'], events, () => undefined);
  return { ...decisions, changes };
};
const record = (purpose: string, granted: boolean, at = Date.now(), expires = at + DAY): DecisionRecord => ({ v: 1, purpose, granted, at, expires, policy: '1', hash: 'h', locale: 'en', method: 'api' });

describe('createDecisions', () => {
  it('keeps stored records that no longer count until a decision about their purpose or a reset', () => {
    const { apply, forget, keepEarlier, last, revised, tick } = setup();
    const optedOut = { ...record('marketing', false, Date.now() - 1000), optOut: true as const };
    keepEarlier(optedOut, true);
    keepEarlier(record('analytics', true, Date.now() - 1000), false);
    expect([last('marketing'), revised('marketing'), revised('analytics')]).toEqual([optedOut, true, false]);
    const yes = record('marketing', true);
    apply([yes]);
    expect([last('marketing'), revised('marketing')]).toEqual([yes, false]);
    forget(tick());
    expect([last('marketing'), last('analytics')]).toEqual([undefined, undefined]);
  });

  it('counts acts by the person, not records read from storage', () => {
    const { apply, acts, actedSince } = setup();
    apply([record('analytics', false)], false);
    const mark = acts();
    expect(actedSince('analytics', mark)).toBe(false);
    apply([record('analytics', true, Date.now() + 1)]);
    expect([actedSince('analytics', mark), actedSince('marketing', mark)]).toEqual([true, false]);
  });

  it('grants necessary purposes, leaves the others undecided until a decision, and undecided again once it expires', () => {
    const { state, apply } = setup();
    expect([state('necessary'), state('analytics')]).toEqual(['granted', 'undecided']);
    apply([record('analytics', true), record('marketing', false, Date.now() - 2 * DAY)]);
    expect([state('analytics'), state('marketing')]).toEqual(['granted', 'undecided']);
  });

  it('announces each expiry when it comes, while the page stays open, once, also past setTimeout’s 24.8-day limit (GATE-05)', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-01T10:00:00Z') });
    try {
      const { apply, state, changes } = setup();
      const now = Date.now();
      apply([record('analytics', true, now, now + 395 * DAY), record('marketing', false, now, now + 5 * DAY)]);
      changes.length = 0;
      vi.advanceTimersByTime(5 * DAY - 1);
      expect(changes).toEqual([]);
      vi.advanceTimersByTime(1);
      expect([changes, state('marketing'), state('analytics')]).toEqual([[['marketing']], 'undecided', 'granted']);
      vi.advanceTimersByTime(390 * DAY);
      expect([changes, state('analytics')]).toEqual([[['marketing'], ['analytics']], 'undecided']);
      // Nothing left to watch: no timer keeps running.
      expect(vi.getTimerCount()).toBe(0);
      // A new decision is watched from then on.
      apply([record('marketing', true, Date.now(), Date.now() + DAY)]);
      vi.advanceTimersByTime(DAY);
      expect(changes.slice(2)).toEqual([['marketing'], ['marketing']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('announces within 10 minutes an expiry that the wall clock reached before the timer (the clock set forward, a computer woken from sleep)', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-01T10:00:00Z') });
    try {
      const { apply, changes } = setup();
      const now = Date.now();
      apply([record('analytics', true, now, now + 10 * DAY)]);
      changes.length = 0;
      // The wall clock jumps 11 days ahead; timers, which count on the monotonic clock, do not move with it.
      vi.setSystemTime(now + 11 * DAY);
      vi.advanceTimersByTime(600_000);
      // Until announced, the dialogs do not ask again, Consent Mode still says granted and a loaded embed stays.
      expect(changes).toEqual([['analytics']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs held calls on a yes, drops them on a no, and emits change only for purposes whose state changed', () => {
    const { apply, held, changes } = setup();
    const ran: string[] = [];
    enqueue(held, 'analytics', { yes: () => ran.push('analytics') });
    enqueue(held, 'marketing', { yes: () => ran.push('marketing') });
    apply([record('analytics', true), record('marketing', false)]);
    apply([record('analytics', true)]);
    expect(ran).toEqual(['analytics']);
    expect(changes).toEqual([['analytics', 'marketing']]);
  });

  it('a reset made by a held call while a decision takes effect leaves what waits for the purposes it forgot waiting', () => {
    const { apply, forget, held, waiting, state, tick } = setup();
    const settled: string[] = [];
    enqueue(held, 'analytics', { yes: () => forget(tick()) });
    enqueue(waiting, 'marketing', { yes: () => settled.push('yes'), no: () => settled.push('no') });
    apply([record('analytics', true), record('marketing', true)]);
    // The yes to marketing was forgotten before its turn came: a require('marketing') must not resolve on it.
    expect([state('marketing'), settled, waiting.get('marketing')?.size]).toEqual(['undecided', [], 1]);
  });

  it('a no clears the storage the purpose names', () => {
    const { apply } = setup();
    localStorage.setItem('_stats', 'id-1');
    apply([record('analytics', false)]);
    expect(localStorage.getItem('_stats')).toBeNull();
  });

  it('dates decisions by a clock that never runs back, and does not follow a time more than a day ahead', () => {
    const { tick, see } = setup();
    const now = 1_900_000_000_000;
    vi.spyOn(Date, 'now').mockReturnValue(now);
    see(now + 3600e3); // decided an hour ahead, in another tab
    expect(tick()).toBe(now + 3600e3 + 1);
    vi.spyOn(Date, 'now').mockReturnValue(now - 3600e3); // the system clock set back an hour
    expect(tick()).toBe(now + 3600e3 + 2);
    see(now + 3 * DAY); // a bogus date
    expect(tick()).toBe(now + 3600e3 + 3);
    // Set back over a day (or set right after running fast): dates that far ahead would be discarded on the next
    // load as from the future, so decisions are dated by the clock again; records that far ahead count as older.
    vi.spyOn(Date, 'now').mockReturnValue(now - DAY);
    expect(tick()).toBe(now - DAY);
    expect(tick()).toBe(now - DAY + 1);
  });

  it('a decision held here dated over a day ahead (a fast clock since set right) yields to any later one, and a reset forgets it', () => {
    const { apply, forget, newer, state, tick } = setup();
    const fast = record('analytics', true, Date.now() + 2 * DAY, Date.now() + 9 * DAY);
    apply([fast]);
    expect(newer(record('analytics', false, Date.now()))).toBe(true);
    forget(tick());
    expect(state('analytics')).toBe('undecided');
  });

  it('a reset forgets what was decided up to it, keeps what came after, and refuses older stored records', () => {
    const { apply, forget, fresh, state, changes } = setup();
    apply([record('analytics', true, 100, 9e15), record('marketing', true, 300, 9e15)]);
    forget(200);
    expect([state('analytics'), state('marketing')]).toEqual(['undecided', 'granted']);
    expect(changes.at(-1)).toEqual(['analytics']);
    expect(fresh(record('analytics', true, 150))).toBe(false);
    expect(fresh(record('analytics', true, 200))).toBe(false); // made in the millisecond of the reset: forgotten by it
    expect(fresh(record('analytics', true, 250))).toBe(true);
    expect(fresh(record('marketing', false, 400))).toBe(false); // decided here: newer than anything stored
  });

  it('takes a record from another tab only when it is newer; of two made at the same time, the no', () => {
    const { apply, newer } = setup();
    apply([record('analytics', true, 500, 9e15)]);
    expect(newer(record('analytics', false, 400))).toBe(false);
    expect(newer(record('analytics', true, 500))).toBe(false);
    expect(newer(record('analytics', false, 500))).toBe(true);
    expect(newer(record('analytics', true, 600))).toBe(true);
    expect(newer(undefined)).toBe(false);
  });
});
