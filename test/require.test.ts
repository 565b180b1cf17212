// require(): resolves on a yes only; rejects on a no, an abort or a timeout; asks through the attached dialogs' prompt.
// End to end through createConsent on fake-indexeddb (src/require.ts holds the waiting itself).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsentConfigError, ConsentDeniedError, createConsent } from '../src/index.js';
import { config, settle } from './fixtures.js';

afterEach(() => vi.restoreAllMocks());

describe('require', () => {
  it('settles a granted purpose within a microtask, without I/O', async () => {
    const consent = createConsent(config());
    await consent.decide({ analytics: true });
    let done = false;
    void consent.require('analytics').then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(true);
  });

  it('called before the stored decisions are read, resolves on a stored yes without asking the person again', async () => {
    const options = config();
    await createConsent(options).decide({ 'credit-scoring': true });
    const consent = createConsent(options); // the next page view
    const prompt = vi.fn(() => new Promise<boolean>(() => undefined));
    consent.attach({ show() {}, showPreferences() {}, prompt });
    await expect(consent.require('credit-scoring')).resolves.toBeUndefined();
    expect(prompt).not.toHaveBeenCalled();
  });

  it('a call aborted while the stored decisions were read never opens a prompt', async () => {
    const consent = createConsent(config());
    const prompt = vi.fn(() => new Promise<boolean>(() => undefined));
    consent.attach({ show() {}, showPreferences() {}, prompt });
    const controller = new AbortController();
    const aborted = consent.require('credit-scoring', { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await consent.ready;
    await settle();
    expect(prompt).not.toHaveBeenCalled();
  });

  it('resolves on a later yes and rejects on a later no (GATE-02)', async () => {
    const consent = createConsent(config());
    const yes = consent.require('analytics');
    const no = consent.require('marketing');
    await settle();
    void consent.decide({ analytics: true, marketing: false });
    await expect(yes).resolves.toBeUndefined();
    await expect(no).rejects.toBeInstanceOf(ConsentDeniedError);
    await expect(no).rejects.toMatchObject({ code: 'denied', purpose: 'marketing' });
  });

  it('rejects at once on an earlier no, and waits again with ask: true', async () => {
    const consent = createConsent(config());
    await consent.decide({ analytics: false });
    await expect(consent.require('analytics')).rejects.toBeInstanceOf(ConsentDeniedError);
    const again = consent.require('analytics', { ask: true });
    await settle();
    void consent.decide({ analytics: true });
    await expect(again).resolves.toBeUndefined();
  });

  it('rejects on abort and on timeout, and nothing is granted', async () => {
    const consent = createConsent(config());
    const controller = new AbortController();
    const aborted = consent.require('analytics', { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(consent.require('analytics', { timeoutMs: 10 })).rejects.toMatchObject({ code: 'timeout' });
    await expect(consent.require('analytics', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(consent.has('analytics')).toBe(false);
  });

  it('a second no after ask: true rejects too (the state repeats, the call still gets its answer)', async () => {
    const consent = createConsent(config());
    await consent.decide({ 'credit-scoring': false });
    const asked = consent.require('credit-scoring', { ask: true }).catch((error: unknown) => error);
    await settle(0);
    await consent.decide({ 'credit-scoring': false });
    expect(await asked).toBeInstanceOf(ConsentDeniedError);
  });

  it('rejects when the attached prompt itself fails, instead of waiting for ever', async () => {
    const consent = createConsent(config());
    consent.attach({ show: () => undefined, showPreferences: () => undefined, prompt: () => Promise.reject(new Error('broken dialog')) });
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.code));
    await expect(consent.require('credit-scoring')).rejects.toMatchObject({ code: 'callback' });
    expect(errors).toEqual(['callback']);
    expect(consent.has('credit-scoring')).toBe(false);
  });

  it('tells the dialogs to close a prompt nobody waits for any more (timeout)', async () => {
    const consent = createConsent(config());
    const cancelled: string[] = [];
    consent.attach({ show: () => undefined, showPreferences: () => undefined, prompt: () => new Promise<boolean>(() => undefined), cancel: (id) => cancelled.push(id) });
    const first = consent.require('credit-scoring', { timeoutMs: 10 });
    const second = consent.require('credit-scoring', { timeoutMs: 40 });
    await expect(first).rejects.toMatchObject({ code: 'timeout' });
    expect(cancelled).toEqual([]);
    await expect(second).rejects.toMatchObject({ code: 'timeout' });
    expect(cancelled).toEqual(['credit-scoring']);
  });

  it('lets go of many waiting calls at once without freezing the page: each leaves its queue in constant time', { timeout: 60_000 }, async () => {
    // A page that awaits require() with a timeout or a signal for every event (a scroll, a keystroke) before consent.
    // Each call that stopped waiting used to copy the whole queue of the others: these 30,000 took over 20 s here.
    const consent = createConsent(config());
    await consent.ready;
    const calls = Array.from({ length: 30_000 }, () => new AbortController());
    const settled = calls.map((call) => consent.require('analytics', { signal: call.signal }).catch(() => undefined));
    await settle(0);
    const start = performance.now();
    for (const call of calls) call.abort();
    await Promise.all(settled);
    // Now well under a second.
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('has() with an unknown id is false and reported, never thrown into the page', () => {
    const consent = createConsent(config());
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.message));
    expect(consent.has('analytic' as 'analytics')).toBe(false);
    expect(errors[0]).toMatch(/did you mean "analytics"/);
    expect(consent.has(undefined as never)).toBe(false);
    expect(consent.has(42 as never)).toBe(false);
    expect(() => consent.gate(42 as never, () => undefined)).toThrow(ConsentConfigError);
  });

  it('names the nearest purpose for an unknown id', async () => {
    const consent = createConsent(config());
    const wrong = 'credit-scorng' as 'analytics';
    await expect(consent.require(wrong)).rejects.toBeInstanceOf(ConsentConfigError);
    await expect(consent.require(wrong)).rejects.toThrow(/did you mean "credit-scoring"/);
  });

  it('asks the attached dialogs, and a closed prompt rejects without recording anything', async () => {
    const consent = createConsent(config());
    const prompt = vi.fn(() => Promise.resolve(false));
    consent.attach({ show() {}, showPreferences() {}, prompt });
    await expect(consent.require('credit-scoring')).rejects.toMatchObject({ code: 'denied', dismissed: true });
    expect(prompt).toHaveBeenCalledWith('credit-scoring', { ask: false });
    expect(consent.state('credit-scoring')).toBe('undecided');
    expect(await consent.receipts()).toEqual([]);
  });
});

