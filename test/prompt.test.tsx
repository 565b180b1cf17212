// The one-purpose prompt behind require(): names the purpose, settles require both ways, closing answers nothing.
import { describe, expect, it } from 'vitest';
import { ConsentDeniedError } from '../src/index.js';
import { mounted, press } from './dialogs.js';
import { purposes, receiptsOf, settle } from './fixtures.js';

describe('purpose prompt (SEP-02, CHO-08)', () => {
  it('shows the whole disclosure, with a yes that names the purpose and a no of the same style', async () => {
    const { consent, get } = await mounted();
    void consent.require('credit-scoring').catch(() => undefined);
    await settle(0);
    const dialog = get('dialog', 'Allow Credit scoring?');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.textContent).toContain('payment history');
    expect(dialog.textContent).toContain('Lumen Credit Bureau');
    expect(dialog.textContent).toContain('2 years');
    // Refusing costs nothing else (PIPL Art. 16; COMPLIANCE SEP-03).
    expect(dialog.textContent).toContain('saying no affects nothing else on the site');
    expect(get('button', 'Allow Credit scoring').className).toBe(get('button', 'Don’t allow').className);
  });

  it('marks a purpose title not in the language shown with its own lang, in its heading and its yes (WCAG 3.1.2)', async () => {
    const english = purposes.map((p) => (p.id == 'credit-scoring' ? { ...p, title: { en: 'Credit scoring' } } : p));
    const { consent, root } = await mounted({ purposes: english }, { locale: 'zh-CN' });
    void consent.require('credit-scoring').catch(() => undefined);
    await settle(0);
    const dialog = root.querySelector('dialog')!;
    // Read from the DOM, not by accessible name: happy-dom computes no inline display, so a span there adds spaces.
    for (const named of [dialog.querySelector('h2')!, dialog.querySelector('[data-action="allow"]')!]) {
      expect(named.textContent).toMatch(/^允许Credit scoring？?$/);
      expect([...named.querySelectorAll('[lang]')].map((el) => [el.getAttribute('lang'), el.textContent])).toEqual([['en', 'Credit scoring']]);
    }
    expect(dialog.lang).toBe('zh-CN');
  });

  it('Allow resolves require and records the yes with method prompt', async () => {
    const { consent, get, query } = await mounted();
    const asked = consent.require('credit-scoring');
    await settle(0);
    get('button', 'Allow Credit scoring').click();
    await expect(asked).resolves.toBeUndefined();
    expect(query('dialog', /Allow/)).toBeNull();
    expect((await receiptsOf(consent))[0]).toMatchObject({ method: 'prompt', action: 'allow', choices: { 'credit-scoring': true } });
  });

  it("Don't allow rejects require and records the no; a later require without ask does not ask again", async () => {
    const { consent, get, query } = await mounted();
    const asked = consent.require('credit-scoring');
    await settle(0);
    get('button', 'Don’t allow').click();
    await expect(asked).rejects.toBeInstanceOf(ConsentDeniedError);
    expect((await receiptsOf(consent))[0]).toMatchObject({ method: 'prompt', action: 'deny', choices: { 'credit-scoring': false } });
    await expect(consent.require('credit-scoring')).rejects.toMatchObject({ dismissed: false });
    await settle(0);
    expect(query('dialog', /Allow/)).toBeNull();
  });

  it('ask: true asks again after a no, and a yes then resolves', async () => {
    const { consent, get } = await mounted();
    await consent.decide({ 'credit-scoring': false });
    const asked = consent.require('credit-scoring', { ask: true });
    await settle(0);
    get('button', 'Allow Credit scoring').click();
    await expect(asked).resolves.toBeUndefined();
  });

  it('Escape rejects require as dismissed, records nothing, and gives focus back to the button that asked', async () => {
    const { consent, get, focused } = await mounted();
    const button = document.body.appendChild(document.createElement('button'));
    button.textContent = 'Check my credit score';
    button.focus();
    const asked = consent.require('credit-scoring', { ask: true });
    await settle(0);
    expect(focused()).toBe(get('heading', 'Allow Credit scoring?'));
    press('Escape', focused()!);
    await expect(asked).rejects.toMatchObject({ code: 'denied', dismissed: true });
    expect(consent.state('credit-scoring')).toBe('undecided');
    expect(await consent.receipts()).toEqual([]);
    expect(document.activeElement).toBe(button);
  });

  it('several require calls for one purpose share one prompt', async () => {
    const { consent, all, get } = await mounted();
    const calls = [consent.require('credit-scoring'), consent.require('credit-scoring'), consent.require('credit-scoring', { ask: true })];
    await settle(0);
    expect(all('dialog').filter((d) => d.tagName == 'DIALOG')).toHaveLength(1);
    get('button', 'Allow Credit scoring').click();
    await expect(Promise.all(calls)).resolves.toHaveLength(3);
  });
});
