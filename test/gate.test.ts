// gate(): calls before a decision are held (bounded), run once in order on a yes, dropped on a no.
import { describe, expect, it, vi } from 'vitest';
import { createHolds } from '../src/gate.js';
import { createConsent, type ConsentError } from '../src/index.js';
import { config, settle } from './fixtures.js';

describe('gate (GATE-07 as DESIGN.md decides)', () => {
  it('holds calls before a decision and runs them once each, in order, on a yes', async () => {
    const consent = createConsent(config());
    const calls: string[] = [];
    const track = consent.gate('analytics', (page: string) => calls.push(page));
    track('/a');
    track('/b');
    expect(calls).toEqual([]);
    await consent.decide({ analytics: true });
    expect(calls).toEqual(['/a', '/b']);
    track('/c');
    expect(calls).toEqual(['/a', '/b', '/c']);
    await consent.decide({ analytics: true });
    expect(calls).toHaveLength(3);
  });

  it('drops held calls on a no and never sends later ones', async () => {
    const consent = createConsent(config());
    const fn = vi.fn();
    const track = consent.gate('analytics', fn);
    track();
    await consent.decide({ analytics: false });
    track();
    await consent.decide({ analytics: true });
    expect(fn).not.toHaveBeenCalled();
  });

  it('with hold: false drops calls made while undecided', async () => {
    const consent = createConsent(config());
    const fn = vi.fn();
    const track = consent.gate('analytics', fn, { hold: false });
    track();
    await consent.decide({ analytics: true });
    expect(fn).not.toHaveBeenCalled();
    track();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('keeps at most `limit` calls per purpose, drops the oldest and says so', async () => {
    const consent = createConsent(config());
    const errors: ConsentError[] = [];
    consent.on('error', (e) => errors.push(e));
    const calls: number[] = [];
    const track = consent.gate('analytics', (n: number) => calls.push(n), { limit: 3 });
    for (let i = 1; i <= 5; i++) track(i);
    await consent.decide({ analytics: true });
    expect(calls).toEqual([3, 4, 5]);
    expect(errors.map((e) => e.code)).toEqual(['dropped', 'dropped']);
  });

  it('the default bound is 100 per purpose', async () => {
    const consent = createConsent(config());
    let count = 0;
    const track = consent.gate('analytics', () => count++);
    for (let i = 0; i < 150; i++) track();
    await consent.decide({ analytics: true });
    expect(count).toBe(100);
  });

  it('a held call that throws does not stop the others or the decision', async () => {
    const report = vi.fn();
    const holds = createHolds(report);
    const ran: number[] = [];
    holds.hold('a', () => ran.push(1), 10);
    holds.hold('a', () => {
      throw new Error('boom');
    }, 10);
    holds.hold('a', () => ran.push(3), 10);
    holds.release('a');
    expect(ran).toEqual([1, 3]);
    expect(report).toHaveBeenCalledWith(expect.objectContaining({ code: 'callback' }));
    await settle(0);
  });

  it('refuses an unknown purpose at once', () => {
    const consent = createConsent(config());
    expect(() => consent.gate('analytic' as 'analytics', () => undefined)).toThrow(/did you mean "analytics"/);
  });
});
