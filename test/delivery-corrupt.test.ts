// Receipt delivery over a log with hand-edited or corrupt entries: it delivers what it can and then stops posting.
import { createStore, set } from 'idb-keyval';
import { afterEach, expect, it, vi } from 'vitest';
import { createConsent, deliverReceipts } from '../src/index.js';
import { config, settle } from './fixtures.js';

afterEach(() => vi.unstubAllGlobals());

it('two unreadable receipts in the log do not make delivery post the same receipts for ever', async () => {
  let posts = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(() => {
      posts++;
      return Promise.resolve(new Response(null, { status: 204 }));
    }),
  );
  localStorage.clear();
  const cfg = config({ receipts: { endpoint: '/consent-receipts' } });
  const first = createConsent(cfg);
  await first.decide({ analytics: true });
  await first.decide({ marketing: false });
  await first.decide({ analytics: false });
  const raw = createStore(cfg.storageName, 'keyval');
  await set(['r', 0], null, raw);
  await set(['r', 2], {}, raw);
  // The next page view delivers the log.
  const consent = createConsent(cfg);
  const stop = deliverReceipts(consent, { retryMs: 10 });
  try {
    await settle(500);
    expect(posts).toBeLessThanOrEqual(2);
  } finally {
    stop();
  }
});
