// The dialogs' state machine without a DOM: when the banner shows, what each answer records, how require() prompts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsentDeniedError, createConsent, type Consent } from '../src/index.js';
import { createController, type View } from '../widgets/controller.js';
import { config, receiptsOf, settle } from './fixtures.js';

afterEach(() => vi.unstubAllGlobals());

async function setup(overrides = {}) {
  const consent = createConsent(config(overrides));
  const views: View[] = [];
  const c = createController(consent, 'en', (view) => views.push(view));
  consent.attach(c.ui);
  await consent.ready;
  await settle(0);
  return { consent, c, views };
}
/** The method of the newest receipt for each purpose. */
const methods = async (consent: Consent, count = 1) => Object.fromEntries((await receiptsOf(consent, count)).flatMap((r) => Object.keys(r.choices).map((id) => [id, r.method])));

describe('banner', () => {
  it('shows once decisions are loaded, while a purpose it covers is undecided', async () => {
    const { c, consent } = await setup();
    expect(c.view().banner).toBe(true);
    await consent.decide({ analytics: true, marketing: false });
    expect(c.view().banner).toBe(false);
  });

  it('does not show before the stored decisions are read for a returning visitor (no flash)', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true, marketing: true });
    const consent = createConsent(cfg);
    const c = createController(consent, 'en', () => undefined);
    expect(c.view()).toMatchObject({ ready: false, banner: false });
    await consent.ready;
    await settle(0);
    expect(c.view()).toMatchObject({ ready: true, banner: false });
  });

  it('on a first visit, Customize opens the preferences at once, before IndexedDB has answered', () => {
    const consent = createConsent(config());
    const c = createController(consent, 'en', () => undefined);
    c.openPreferences();
    expect(c.view().preferences).toEqual({ analytics: false, marketing: false, 'credit-scoring': false });
  });

  it('shows at once on a first visit, before IndexedDB has answered, and grants nothing meanwhile', async () => {
    const consent = createConsent(config());
    const views: View[] = [];
    const c = createController(consent, 'en', (view) => views.push(view));
    expect(c.view()).toMatchObject({ ready: false, banner: true });
    expect(consent.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
    await consent.ready;
    await settle(0);
    expect(views.every((view) => view.banner)).toBe(true);
  });

  it('Accept all grants every non-necessary purpose but the sensitive one (SEP-01), recorded as banner', async () => {
    const { c, consent } = await setup();
    c.answerBanner(true);
    expect(consent.state()).toEqual({ necessary: 'granted', analytics: 'granted', marketing: 'granted', 'credit-scoring': 'undecided' });
    await settle();
    expect(await methods(consent)).toEqual({ analytics: 'banner', marketing: 'banner' });
    expect(c.view()).toMatchObject({ banner: false, saved: 1 });
  });

  it('Reject all denies every non-necessary purpose, the sensitive one too', async () => {
    const { c, consent } = await setup();
    c.answerBanner(false);
    expect(consent.state()).toEqual({ necessary: 'granted', analytics: 'denied', marketing: 'denied', 'credit-scoring': 'denied' });
  });

  it('closing records nothing, hides it for this page view, and show() brings it back (PRE-05)', async () => {
    const { c, consent } = await setup();
    c.closeBanner();
    expect(c.view().banner).toBe(false);
    await consent.decide({ 'credit-scoring': false });
    expect(c.view().banner).toBe(false);
    expect(consent.state('analytics')).toBe('undecided');
    c.ui.show();
    expect(c.view().banner).toBe(true);
    await settle();
    expect(await methods(consent)).toEqual({ 'credit-scoring': 'api' });
  });

  it('under a Global Privacy Control signal, Accept all leaves sales off (GPC-02)', async () => {
    vi.stubGlobal('navigator', { ...navigator, globalPrivacyControl: true, languages: ['en'] });
    const { c, consent } = await setup();
    expect(consent.state('marketing')).toBe('denied');
    c.answerBanner(true);
    expect(consent.state('marketing')).toBe('denied');
    expect(consent.state('analytics')).toBe('granted');
  });
});

describe('preferences', () => {
  it('open with every switch off until a yes was given, and save exactly what they show', async () => {
    const { c, consent } = await setup();
    await consent.decide({ marketing: true });
    c.openPreferences();
    expect(c.view().preferences).toEqual({ analytics: false, marketing: true, 'credit-scoring': false });
    c.toggle('analytics');
    c.toggle('marketing');
    c.save();
    expect(consent.state()).toEqual({ necessary: 'granted', analytics: 'granted', marketing: 'denied', 'credit-scoring': 'denied' });
    expect(c.view()).toMatchObject({ preferences: undefined, banner: false });
    await settle();
    expect(await methods(consent)).toEqual({ analytics: 'preferences', marketing: 'preferences', 'credit-scoring': 'preferences' });
  });

  it('a sensitive switch asks in its own prompt, over them; their Accept all never covers a sensitive purpose (SEP-01)', async () => {
    const { c, consent } = await setup();
    c.openPreferences();
    c.save(true);
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'granted', 'credit-scoring': 'undecided' });
    c.openPreferences();
    c.toggle('credit-scoring');
    await settle(0);
    expect(c.view()).toMatchObject({ prompt: 'credit-scoring', preferences: { 'credit-scoring': false } });
    expect(consent.state('credit-scoring')).toBe('undecided');
    c.answerPrompt(true);
    expect(c.view()).toMatchObject({ prompt: undefined, preferences: { 'credit-scoring': true } });
    c.save(true);
    await settle();
    const receipts = await consent.receipts();
    expect(receipts.map((r) => [r.method, Object.keys(r.choices)])).toEqual([
      ['preferences', ['analytics', 'marketing']],
      ['prompt', ['credit-scoring']],
      ['preferences', ['analytics', 'marketing']],
    ]);
    c.openPreferences();
    c.save(false);
    expect(consent.state()).toMatchObject({ analytics: 'denied', marketing: 'denied', 'credit-scoring': 'denied' });
  });

  it('a sensitive purpose switched off (withdrawn) and on again follows the prompt’s yes, and Save keeps it', async () => {
    const { c, consent } = await setup();
    await consent.decide({ 'credit-scoring': true }, { method: 'prompt' });
    c.openPreferences();
    c.toggle('credit-scoring');
    expect(consent.state('credit-scoring')).toBe('denied');
    c.toggle('credit-scoring');
    await settle(0);
    c.answerPrompt(true);
    expect(c.view().preferences).toMatchObject({ 'credit-scoring': true });
    c.save();
    expect(consent.state('credit-scoring')).toBe('granted');
  });

  it('a sensitive switch shows the prompt at once even when the page already waits for that purpose behind them', async () => {
    const { c, consent } = await setup();
    c.openPreferences();
    void consent.require('credit-scoring').catch(() => undefined);
    await settle(0);
    c.toggle('credit-scoring');
    await settle(0);
    expect(c.view().prompt).toBe('credit-scoring');
  });

  it('a prompt the page asks for while they are open waits until they close', async () => {
    const { c, consent } = await setup();
    c.openPreferences();
    void consent.require('credit-scoring').catch(() => undefined);
    await settle(0);
    expect(c.view().prompt).toBeUndefined();
    c.closePreferences();
    expect(c.view().prompt).toBe('credit-scoring');
  });

  it('asked for before the stored decisions are read, open once they are, showing the stored yes', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    const consent = createConsent(cfg);
    const c = createController(consent, 'en', () => undefined);
    c.openPreferences();
    expect(c.view().preferences).toBeUndefined();
    await consent.ready;
    await settle(0);
    expect(c.view().preferences).toMatchObject({ analytics: true, marketing: false });
  });

  it('follow a decision made elsewhere while open, except for switches the person flipped', async () => {
    const { c, consent } = await setup();
    c.openPreferences();
    c.toggle('marketing');
    await consent.decide({ analytics: true, marketing: false });
    expect(c.view().preferences).toMatchObject({ analytics: true, marketing: true });
    c.save();
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'granted' });
  });

  it('switching off a yes withdraws it at once, closing keeps the withdrawal; switching on still waits for Save', async () => {
    const { c, consent } = await setup();
    await consent.decide({ analytics: true });
    c.openPreferences();
    c.toggle('marketing');
    c.toggle('analytics');
    expect(consent.state()).toMatchObject({ analytics: 'denied', marketing: 'undecided' });
    expect(c.view()).toMatchObject({ preferences: { analytics: false, marketing: true }, saved: 1 });
    c.closePreferences();
    expect(consent.state()).toMatchObject({ analytics: 'denied', marketing: 'undecided' });
    await settle();
    expect(await methods(consent)).toEqual({ analytics: 'preferences' });
  });

  it('closing them records nothing and brings the banner back', async () => {
    const { c, consent } = await setup();
    c.openPreferences();
    c.toggle('analytics');
    c.closePreferences();
    expect(consent.state('analytics')).toBe('undecided');
    expect(c.view()).toMatchObject({ banner: true, preferences: undefined });
  });
});

describe('prompt (require)', () => {
  it('asks for an undecided sensitive purpose even while the banner is open, and settles require on the answer', async () => {
    const { c, consent } = await setup();
    const yes = consent.require('credit-scoring');
    const again = consent.require('credit-scoring');
    await settle(0);
    expect(c.view()).toMatchObject({ banner: true, prompt: 'credit-scoring' });
    c.answerPrompt(true);
    await expect(Promise.all([yes, again])).resolves.toEqual([undefined, undefined]);
    expect(c.view().prompt).toBeUndefined();
    await settle();
    expect(await methods(consent)).toEqual({ 'credit-scoring': 'prompt' });
  });

  it("Don't allow rejects require and records the no; later calls reject at once without asking (no nagging)", async () => {
    const { c, consent } = await setup();
    const asked = consent.require('credit-scoring');
    await settle(0);
    c.answerPrompt(false);
    await expect(asked).rejects.toBeInstanceOf(ConsentDeniedError);
    await expect(consent.require('credit-scoring')).rejects.toMatchObject({ code: 'denied', dismissed: false });
    expect(c.view().prompt).toBeUndefined();
  });

  it('ask: true asks again after a no', async () => {
    const { c, consent } = await setup();
    await consent.decide({ 'credit-scoring': false });
    const asked = consent.require('credit-scoring', { ask: true });
    await settle(0);
    expect(c.view().prompt).toBe('credit-scoring');
    c.answerPrompt(true);
    await expect(asked).resolves.toBeUndefined();
  });

  it('closing the prompt rejects require as dismissed and records nothing', async () => {
    const { c, consent } = await setup();
    const asked = consent.require('credit-scoring');
    await settle(0);
    c.closePrompt();
    await expect(asked).rejects.toMatchObject({ code: 'denied', dismissed: true });
    expect(consent.state('credit-scoring')).toBe('undecided');
    expect(await consent.receipts()).toEqual([]);
  });

  it('waits for the banner for a purpose it covers, instead of stacking a prompt on it', async () => {
    const { c, consent } = await setup();
    const analytics = consent.require('analytics');
    const marketing = consent.require('marketing');
    await settle(0);
    expect(c.view().prompt).toBeUndefined();
    c.answerBanner(true);
    await expect(Promise.all([analytics, marketing])).resolves.toEqual([undefined, undefined]);
  });

  it('a closed banner answers nothing: the waiting require rejects as dismissed', async () => {
    const { c, consent } = await setup();
    const analytics = consent.require('analytics');
    await settle(0);
    c.closeBanner();
    await expect(analytics).rejects.toMatchObject({ code: 'denied', dismissed: true });
  });

  it('prompts wait while the preferences are open, one purpose at a time', async () => {
    const { c, consent } = await setup();
    c.closeBanner();
    c.openPreferences();
    const analytics = consent.require('analytics');
    const scoring = consent.require('credit-scoring');
    await settle(0);
    expect(c.view().prompt).toBeUndefined();
    c.closePreferences();
    expect(c.view().prompt).toBe('analytics');
    c.answerPrompt(true);
    await expect(analytics).resolves.toBeUndefined();
    expect(c.view().prompt).toBe('credit-scoring');
    c.answerPrompt(false);
    await expect(scoring).rejects.toBeInstanceOf(ConsentDeniedError);
  });

  it('a prompt closed without an answer is not shown again this page view, unless the person acts (ask: true)', async () => {
    const { c, consent } = await setup();
    const first = consent.require('credit-scoring');
    await settle(0);
    c.closePrompt();
    await expect(first).rejects.toMatchObject({ dismissed: true });
    await expect(consent.require('credit-scoring')).rejects.toMatchObject({ dismissed: true });
    expect(c.view().prompt).toBeUndefined();
    void consent.require('credit-scoring', { ask: true }).catch(() => undefined);
    await settle(0);
    expect(c.view().prompt).toBe('credit-scoring');
  });

  it('a reset while a prompt is open leaves it open and the call waiting for the answer', async () => {
    const { c, consent } = await setup();
    const asked = consent.require('credit-scoring');
    await settle(0);
    await consent.reset();
    expect(c.view().prompt).toBe('credit-scoring');
    c.answerPrompt(true);
    await expect(asked).resolves.toBeUndefined();
  });

  it('closes the prompt when the call that opened it times out', async () => {
    const { c, consent } = await setup();
    const asked = consent.require('credit-scoring', { timeoutMs: 20 });
    await settle(0);
    expect(c.view().prompt).toBe('credit-scoring');
    await expect(asked).rejects.toMatchObject({ code: 'timeout' });
    expect(c.view().prompt).toBeUndefined();
    expect(consent.state('credit-scoring')).toBe('undecided');
  });

  it('a decision made elsewhere (another tab, the API) closes the prompt it answers', async () => {
    const { c, consent } = await setup();
    const asked = consent.require('credit-scoring');
    await settle(0);
    await consent.decide({ 'credit-scoring': true });
    await expect(asked).resolves.toBeUndefined();
    expect(c.view().prompt).toBeUndefined();
  });
});
