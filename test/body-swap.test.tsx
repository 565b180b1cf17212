// A site that swaps the whole <body> on navigation (Turbo, the default of Rails 7; pjax; barba.js): "Privacy
// settings" must stay on the page, so a yes can be withdrawn from every page (WDR-02).
import { expect, it } from 'vitest';
import { mounted } from './dialogs.js';
import { settle } from './fixtures.js';

it('comes back when the page replaces <body> itself, as Turbo does on each visit', async () => {
  const dialogs = await mounted();
  dialogs.get('button', 'Accept all').click();
  const next = document.createElement('body');
  next.append(document.createElement('main'));
  document.documentElement.replaceChild(next, document.body); // Turbo's swap of the rendered page
  await settle(0);
  expect(dialogs.host.isConnected).toBe(true);
  expect(dialogs.get('button', 'Privacy settings')).toBeTruthy();
  // And again on the next visit.
  const third = document.createElement('body');
  document.body.replaceWith(third);
  await settle(0);
  expect(dialogs.host.isConnected).toBe(true);
});
