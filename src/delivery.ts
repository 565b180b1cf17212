// Sends the proof log to the site's own endpoint (GDPR 7(1), PIPL 15/47: a withdrawal must reach the back end): every
// receipt, once kept, is posted until the endpoint accepts it, across offline moments, closed tabs and reloads.
import { ConsentError } from './errors.js';
import type { Consent, Receipt } from './types.js';

/** How `deliverReceipts` waits before trying again. */
export interface DeliveryOptions {
  /** First wait before a failed post is tried again, in ms (default 5000); it doubles up to 5 minutes. */
  readonly retryMs?: number;
}

// Receipts per request up to this many characters of JSON: a keepalive request may carry 64 KiB, and a character
// is at most 3 bytes in the UTF-8 sent. A single larger receipt goes alone, without keepalive.
const BATCH_CHARS = 21_000;
const KEEPALIVE_BYTES = 65_536;
const MAX_WAIT = 300_000;

/**
 * Posts every receipt, oldest first, as `{ "receipts": [ … ] }` (JSON) to `config.receipts.endpoint` (nothing
 * when the config has none), with the page's own cookies: after each decision, at start-up and when the browser
 * is back online. A receipt counts as delivered once the endpoint itself answers 2xx (a redirect is a refusal); until then it is tried again, so none is lost, and one may
 * arrive twice: the endpoint keeps one per visitor (its own session or account) and `seq` and `at`. Receipts
 * hold no identifier of their own: the site links them to a visitor through its own session cookie. Returns the
 * function that stops delivery. The script tag calls it for you.
 * @example
 * const consent = createConsent({ ...config, receipts: { endpoint: '/consent-receipts' } });
 * deliverReceipts(consent);
 */
export function deliverReceipts(consent: Consent, { retryMs = 5000 }: DeliveryOptions = {}): () => void {
  const endpoint = consent.config.receipts?.endpoint;
  if (!endpoint) return () => undefined;
  // Which receipt was delivered last: its seq and time, so a log that was deleted and begun again is sent whole.
  const mark = 'optin:' + (consent.config.storageName ?? 'optin') + ':sent';
  let sent: Pick<Receipt, 'seq' | 'at'> | undefined;
  /** The mark as stored now: another tab may have moved it on. Undefined when it cannot be read. */
  const stored = () => {
    try {
      return (JSON.parse(localStorage.getItem(mark)!) as typeof sent) ?? undefined;
    } catch {
      // No localStorage, or an unreadable mark: at worst receipts are sent again, and the endpoint drops repeats.
    }
  };
  let stopped = false;
  let wait = retryMs;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const post = async (): Promise<void> => {
    const marks = [sent, stored()];
    // Read from the later mark on: the whole log, read again for every decision and every request of a backlog, took
    // ever longer as it grew. The whole log when neither mark is found there (a log begun again, a gap).
    const since = Math.max(...marks.map((m) => m?.seq || 0));
    let list = await consent.receipts(since);
    // Found by seq and time, not position: a log with a gap or one begun again is still sent in order. The later of
    // this tab's mark and the stored one counts (storing ours may have failed; another tab's may be ahead).
    // The last match: of two receipts alike (a corrupt or hand-edited log), the first would post the same ones for ever.
    const position = (last?: typeof sent) => (last ? list.map((r) => r?.seq === last.seq && r?.at === last.at).lastIndexOf(true) : -1);
    const next = () => Math.max(...marks.map(position)) + 1;
    let from = next();
    if (!from && since) {
      list = await consent.receipts();
      from = next();
    }
    // Request after request from what was read. What is kept meanwhile is sent by the delivery its `receipt` queues.
    while (!stopped) {
      const batch: Receipt[] = [];
      let chars = 0;
      for (const receipt of list.slice(from)) {
        chars += JSON.stringify(receipt).length + 1;
        if (batch.length && chars > BATCH_CHARS) break;
        batch.push(receipt);
      }
      if (!batch.length) return;
      from += batch.length;
      const body = JSON.stringify({ receipts: batch });
      // keepalive: a decision made just before the person leaves still gets out.
      // A request that hangs is given up after 30 s, or it would hold every later delivery (and other tabs') behind it.
      // A redirect is not followed: the 200 of the page it leads to (a login page, once the session expired) is not the
      // endpoint keeping the receipts, so it counts as a refusal (an opaque status 0) and the receipts are sent again.
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        keepalive: body.length * 3 <= KEEPALIVE_BYTES,
        credentials: 'same-origin',
        redirect: 'manual',
        signal: AbortSignal.timeout?.(30_000),
      });
      if (!response.ok) throw new Error(`${endpoint} answered HTTP ${response.status || '3xx, a redirect'}`);
      const newest = batch[batch.length - 1]!;
      sent = { seq: newest?.seq, at: newest?.at };
      try {
        localStorage.setItem(mark, JSON.stringify(sent));
      } catch {
        // Kept in memory for this page; after a reload these receipts are sent again.
      }
    }
  };

  // One delivery at a time, in this tab and (through a Web Lock) across tabs; a request made meanwhile runs after it.
  let running: Promise<void> = Promise.resolve();
  const deliver = () => {
    clearTimeout(timer);
    running = running.then(async () => {
      if (stopped) return;
      try {
        await (globalThis.navigator?.locks?.request(mark, post) ?? post());
        wait = retryMs;
      } catch (cause) {
        // Offline or refused: the receipts stay in the log and are tried again later, sooner if the network returns.
        if (!stopped) timer = setTimeout(deliver, wait);
        // In Node (server rendering, scripts), a retry must not keep the process alive for ever.
        (timer as { unref?: () => void } | undefined)?.unref?.();
        wait = Math.min(wait * 2, MAX_WAIT);
        // A network failure is the normal offline case; anything else (404, 500) is a setup the site owner must see.
        if (!(cause instanceof TypeError)) console.warn(new ConsentError('delivery', `Optin could not deliver receipts to ${endpoint}; they are kept and sent again later. Check that it accepts a JSON POST.`, cause));
      }
    });
  };

  const off = consent.on('receipt', deliver);
  globalThis.addEventListener?.('online', deliver);
  void consent.ready.then(deliver);
  return () => {
    stopped = true;
    clearTimeout(timer);
    off();
    globalThis.removeEventListener?.('online', deliver);
  };
}
