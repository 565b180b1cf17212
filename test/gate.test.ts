// gate(): calls before a decision are held (bounded), run once in order on a yes, dropped on a no.
import { describe, expect, it, vi } from 'vitest';
import { dequeue, enqueue, settle as settleQueue, type Queues } from '../src/gate.js';
import { createConsent, type ConsentError } from '../src/index.js';
import { config } from './fixtures.js';

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

  it('stops running held calls once one of them withdraws consent', async () => {
    const consent = createConsent(config());
    const calls: string[] = [];
    const track = consent.gate('analytics', (page: string) => {
      calls.push(page);
      if (page == '/opt-out') void consent.withdraw('analytics');
    });
    ['/a', '/opt-out', '/b'].forEach((page) => track(page));
    await consent.decide({ analytics: true });
    expect(calls).toEqual(['/a', '/opt-out']);
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

  it('a waiter that throws does not stop the others; each runs once, in order', () => {
    const report = vi.fn();
    const queues: Queues = new Map();
    const ran: string[] = [];
    enqueue(queues, 'a', { yes: () => ran.push('yes 1'), no: () => ran.push('no 1') });
    enqueue(queues, 'a', { yes: () => { throw new Error('boom'); } });
    const third = { yes: () => ran.push('yes 3') };
    enqueue(queues, 'a', third);
    enqueue(queues, 'a', { yes: () => ran.push('yes 4') });
    dequeue(queues, 'a', third);
    settleQueue(queues, 'a', true, report);
    settleQueue(queues, 'a', true, report);
    expect(ran).toEqual(['yes 1', 'yes 4']);
    expect(report).toHaveBeenCalledWith(expect.objectContaining({ code: 'callback' }));
  });

  it('a no runs only the waiters that asked to hear it, and drops the rest', () => {
    const queues: Queues = new Map();
    const ran: string[] = [];
    enqueue(queues, 'a', { yes: () => ran.push('gated call') });
    enqueue(queues, 'a', { yes: () => ran.push('yes'), no: () => ran.push('rejected') });
    settleQueue(queues, 'a', false, vi.fn());
    settleQueue(queues, 'a', true, vi.fn());
    expect(ran).toEqual(['rejected']);
  });

  it('enqueue drops and returns the oldest beyond the limit', () => {
    const queues: Queues = new Map();
    const first = { yes: vi.fn() };
    expect(enqueue(queues, 'a', first, 1)).toBeUndefined();
    expect(enqueue(queues, 'a', { yes: vi.fn() }, 1)).toBe(first);
  });

  it('refuses an unknown purpose at once', () => {
    const consent = createConsent(config());
    expect(() => consent.gate('analytic' as 'analytics', () => undefined)).toThrow(/did you mean "analytics"/);
  });
});
