// The network guard (GATE-01, SEP-05): what reaches the network layer for a purpose's declared hosts before a yes,
// after one, and after a withdrawal, whichever way the page's code makes the request.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsentDeniedError, createConsent, guardNetwork, type BlockedRequest, type Consent } from '../src/index.js';
import { config, purposes, settle } from './fixtures.js';

const guarded = config({
  purposes: [
    ...purposes.map((p) => (p.id == 'analytics' ? { ...p, hosts: ['stats.example'] } : p)),
    { id: 'lender', title: 'LenderCo offers', description: 'Sends your score to LenderCo for loan offers.', data: ['credit score'], retention: '1 year', sensitive: true, hosts: ['lenderco.example', 'shared.example'] },
    { id: 'bureau', title: 'Bureau check', description: 'Sends your ID to the bureau.', data: ['ID number'], retention: '1 year', sensitive: true, hosts: ['shared.example'] },
  ] as const,
});

let network: string[];
let blocked: BlockedRequest[];
let consent: Consent<(typeof guarded.purposes)[number]['id']>;
let stop: () => void;
const onBlocked = (event: Event) => blocked.push((event as CustomEvent<BlockedRequest>).detail);

beforeEach(async () => {
  network = [];
  blocked = [];
  // What the page's own network layer would be asked to send, under the guard.
  vi.stubGlobal('fetch', vi.fn((input: RequestInfo | URL) => (network.push(input instanceof Request ? input.url : String(input)), Promise.resolve(new Response('ok')))));
  Object.defineProperty(navigator, 'sendBeacon', { configurable: true, writable: true, value: vi.fn((url: string) => (network.push('beacon ' + url), true)) });
  window.addEventListener('consent:blocked', onBlocked);
  consent = createConsent({ ...guarded, storageName: config().storageName });
  await consent.ready;
  stop = guardNetwork(consent);
});
afterEach(() => {
  stop();
  window.removeEventListener('consent:blocked', onBlocked);
  vi.unstubAllGlobals();
});

describe('guardNetwork', () => {
  it('fetch: a declared host (and its subdomains) fails before a yes, goes after it, and fails again after a withdrawal', async () => {
    await expect(fetch('https://stats.example/hit')).rejects.toThrow(ConsentDeniedError);
    await expect(fetch(new Request('https://eu.stats.example/hit'))).rejects.toMatchObject({ code: 'denied', purpose: 'analytics' });
    await expect(fetch(new URL('https://stats.example/hit'))).rejects.toThrow(ConsentDeniedError);
    expect(network).toEqual([]);
    expect(blocked).toEqual([
      { purpose: 'analytics', url: 'https://stats.example/hit' },
      { purpose: 'analytics', url: 'https://eu.stats.example/hit' },
      { purpose: 'analytics', url: 'https://stats.example/hit' },
    ]);

    await consent.decide({ analytics: true });
    await fetch('https://stats.example/hit');
    expect(network).toEqual(['https://stats.example/hit']);
    await consent.withdraw('analytics');
    await expect(fetch('https://stats.example/again')).rejects.toThrow(ConsentDeniedError);
    expect(network).toHaveLength(1);
  });

  it('leaves alone what no purpose declares: the site itself, other hosts, look-alike hosts', async () => {
    await fetch('/api/articles');
    await fetch('https://cdn.example/lib.js');
    await fetch('https://notstats.example/x');
    await fetch('https://stats.example.evil.test/x');
    expect(network).toHaveLength(4);
    expect(blocked).toEqual([]);
  });

  it('a host two purposes declare needs both: granting one recipient does not open another’s host (SEP-05)', async () => {
    await consent.decide({ lender: true });
    await fetch('https://lenderco.example/offer');
    await expect(fetch('https://shared.example/x')).rejects.toMatchObject({ purpose: 'bureau' });
    await consent.decide({ bureau: true });
    await fetch('https://shared.example/x');
    expect(network).toEqual(['https://lenderco.example/offer', 'https://shared.example/x']);
  });

  it('sendBeacon returns false and sends nothing before a yes', async () => {
    expect(navigator.sendBeacon('https://stats.example/beacon', 'x')).toBe(false);
    await consent.decide({ analytics: true });
    expect(navigator.sendBeacon('https://stats.example/beacon', 'x')).toBe(true);
    expect(network).toEqual(['beacon https://stats.example/beacon']);
  });

  it('XMLHttpRequest: not sent, fails as a network error would (done, then readystatechange, error, loadend), a synchronous one too', async () => {
    stop();
    // Stands for the browser's send, under the guard.
    const send = vi.spyOn(XMLHttpRequest.prototype, 'send').mockImplementation(() => undefined);
    stop = guardNetwork(consent);
    try {
      const request = new XMLHttpRequest();
      const events: string[] = [];
      request.onreadystatechange = () => events.push('readystatechange ' + request.readyState);
      request.onerror = () => events.push('error');
      request.addEventListener('loadend', () => events.push('loadend'));
      request.open('POST', 'https://stats.example/xhr');
      events.length = 0; // open()'s own readystatechange
      request.send('data');
      expect(events).toEqual([]); // never inside send(): the page's code after it still runs first
      await settle();
      expect(events).toEqual(['readystatechange 4', 'error', 'loadend']);
      expect(send).not.toHaveBeenCalled();

      const sync = new XMLHttpRequest();
      sync.open('GET', 'https://stats.example/sync', false);
      sync.send(); // fails the same way, rather than throw into the page's code
      await settle();
      expect(sync.readyState).toBe(4);
      expect(send).not.toHaveBeenCalled();

      await consent.decide({ analytics: true });
      request.open('POST', 'https://stats.example/xhr'); // the same object, used again
      expect(request.readyState).toBe(1);
      request.send('data');
      expect(send).toHaveBeenCalledOnce();
    } finally {
      stop();
      send.mockRestore();
    }
  });

  it('a returning visitor’s granted requests made before the stored decisions load go once they are known; the others fail then', async () => {
    await consent.decide({ analytics: true });
    stop();
    blocked.length = 0;
    const next = createConsent({ ...guarded, storageName: consent.config.storageName! }); // the next page view
    stop = guardNetwork(next); // as the script tag does: before `ready`
    const hit = fetch('https://stats.example/pageview');
    const offer = fetch('https://lenderco.example/offer');
    expect(navigator.sendBeacon('https://stats.example/beacon', 'x')).toBe(true); // queued, as the browser would
    const img = new Image();
    img.src = 'https://stats.example/pixel.gif';
    expect(network).toEqual([]);
    await next.ready;
    await expect(hit).resolves.toBeInstanceOf(Response);
    await expect(offer).rejects.toMatchObject({ code: 'denied', purpose: 'lender' });
    expect(network).toEqual(['https://stats.example/pageview', 'beacon https://stats.example/beacon']);
    expect(img.getAttribute('src')).toBe('https://stats.example/pixel.gif');
    expect(blocked).toEqual([{ purpose: 'lender', url: 'https://lenderco.example/offer' }]);
  });

  it('while the stored decisions load, the page’s last word counts: a newer src wins, a request opened again is not sent', async () => {
    await consent.decide({ analytics: true });
    stop();
    const send = vi.spyOn(XMLHttpRequest.prototype, 'send').mockImplementation(() => undefined);
    const next = createConsent({ ...guarded, storageName: consent.config.storageName! });
    stop = guardNetwork(next);
    try {
      const img = new Image();
      img.src = 'https://stats.example/old.gif'; // waits for the stored yes
      img.src = 'https://cdn.example/new.gif'; // the page changed its mind meanwhile
      const frame = document.createElement('iframe');
      frame.setAttribute('src', 'https://stats.example/ad');
      frame.setAttribute('src', 'about:blank');
      const request = new XMLHttpRequest();
      request.open('GET', 'https://stats.example/a');
      request.send(); // waits
      request.open('GET', 'https://lenderco.example/b'); // a refused host: the waiting send must not go there
      await next.ready;
      await settle();
      expect([img.getAttribute('src'), frame.getAttribute('src')]).toEqual(['https://cdn.example/new.gif', 'about:blank']);
      expect(send).not.toHaveBeenCalled();
    } finally {
      stop();
      send.mockRestore();
    }
  });

  it('a refusal that arrives late does not fail the request the page opened again meanwhile', async () => {
    stop();
    const send = vi.spyOn(XMLHttpRequest.prototype, 'send').mockImplementation(() => undefined);
    const next = createConsent({ ...guarded, storageName: config().storageName }); // nothing stored: all undecided
    stop = guardNetwork(next);
    try {
      const request = new XMLHttpRequest();
      const errors: string[] = [];
      request.addEventListener('error', () => errors.push('error'));
      request.open('GET', 'https://stats.example/a');
      request.send(); // waits for the stored decisions
      request.open('GET', 'https://cdn.example/b');
      request.send(); // undeclared: sent at once
      expect(send).toHaveBeenCalledOnce();
      await next.ready;
      await settle();
      expect(errors).toEqual([]);
      expect(blocked).toEqual([]); // nothing the page still wants was refused
    } finally {
      stop();
      send.mockRestore();
    }
  });

  it('a refused request does not fail the request the page opens again on the same object before the refusal is told', async () => {
    stop();
    const send = vi.spyOn(XMLHttpRequest.prototype, 'send').mockImplementation(() => undefined);
    stop = guardNetwork(consent);
    await settle(); // the guard knows the stored decisions: a refusal is told at once, not once they are read
    try {
      const request = new XMLHttpRequest();
      const errors: string[] = [];
      request.addEventListener('error', () => errors.push('error'));
      request.open('GET', 'https://stats.example/a');
      request.send(); // refused: told after send() returns
      request.open('GET', 'https://cdn.example/b'); // the page reuses the object at once
      request.send();
      expect(send).toHaveBeenCalledOnce();
      await settle();
      expect(errors).toEqual([]); // the request in flight is the page's own, not the refused one
      expect(request.readyState).toBe(1); // what the browser says of it, not a done forced on it
    } finally {
      stop();
      send.mockRestore();
    }
  });

  it('fetchLater (Chromium’s deferred fetch): a declared host is never queued before a yes, and its result never says it was sent', async () => {
    stop();
    const later = vi.fn((input: RequestInfo | URL) => (network.push('later ' + (input instanceof Request ? input.url : String(input))), { activated: false }));
    vi.stubGlobal('fetchLater', later);
    stop = guardNetwork(consent);
    await settle(); // the guard knows the stored decisions
    const fetchLater = (window as unknown as { fetchLater: typeof later }).fetchLater;
    expect(fetchLater('https://stats.example/later').activated).toBe(false);
    expect(fetchLater(new Request('https://stats.example/request')).activated).toBe(false);
    fetchLater('https://cdn.example/other');
    expect(network).toEqual(['later https://cdn.example/other']);
    expect(blocked.map((b) => b.url)).toEqual(['https://stats.example/later', 'https://stats.example/request']);
    await consent.decide({ analytics: true });
    fetchLater('https://stats.example/later');
    expect(network).toEqual(['later https://cdn.example/other', 'later https://stats.example/later']);
  });

  it('no way round by spelling: a trailing dot, a tab or newline in the URL, a comma in a srcset URL, a <base href>, setAttributeNS, SRC', async () => {
    await expect(fetch('https://stats.example./hit')).rejects.toThrow(ConsentDeniedError);
    const img = document.createElement('img');
    img.src = 'https://stats.\nexample/p.gif'; // the browser drops tabs and newlines from a URL
    img.setAttributeNS(null, 'src', 'https://stats.example/p.gif');
    img.setAttribute('SRC', 'https://stats.exa\tmple/p.gif');
    expect(img.getAttribute('src')).toBeNull();
    img.srcset = 'https://cdn.example,@stats.example/p.gif 1x'; // one URL, on stats.example, to the browser
    expect(img.getAttribute('srcset')).toBeNull();
    const base = document.createElement('base');
    base.href = 'https://stats.example/';
    document.head.append(base);
    try {
      await expect(fetch('/collect')).rejects.toThrow(ConsentDeniedError);
    } finally {
      base.remove();
    }
    expect(network).toEqual([]);
    expect(() => img.setAttribute(null as never, 'x')).not.toThrow(); // as odd as the browser allows, never worse
  });

  it('a src set from script on an img, script or iframe is not set before a yes, by property or setAttribute', async () => {
    const img = new Image();
    img.src = 'https://stats.example/pixel.gif';
    const script = document.createElement('script');
    script.setAttribute('src', 'https://stats.example/tag.js');
    const frame = document.createElement('iframe');
    frame.src = 'https://www.stats.example/embed';
    expect([img.getAttribute('src'), script.getAttribute('src'), frame.getAttribute('src')]).toEqual([null, null, null]);
    expect(blocked.map((b) => b.url)).toEqual(['https://stats.example/pixel.gif', 'https://stats.example/tag.js', 'https://www.stats.example/embed']);

    const link = document.createElement('a');
    link.setAttribute('href', 'https://stats.example/'); // not a request: untouched
    img.setAttribute('alt', 'x');
    expect([link.getAttribute('href'), img.alt]).toEqual(['https://stats.example/', 'x']);

    await consent.decide({ analytics: true });
    img.src = 'https://stats.example/pixel.gif';
    script.setAttribute('src', 'https://stats.example/tag.js');
    expect([img.getAttribute('src'), script.getAttribute('src')]).toEqual(['https://stats.example/pixel.gif', 'https://stats.example/tag.js']);
  });

  it('srcset, source, video, embed, object and link: a URL that would load from a declared host is not set before a yes', async () => {
    const img = document.createElement('img');
    img.srcset = 'https://cdn.example/a.png 1x, https://stats.example/b.png 2x';
    const source = document.createElement('source');
    source.setAttribute('SRCSET', 'https://stats.example/c.webp');
    const video = document.createElement('video');
    video.src = 'https://stats.example/ad.mp4';
    video.setAttribute('poster', 'https://stats.example/poster.jpg');
    const embed = document.createElement('embed');
    embed.setAttribute('src', 'https://stats.example/e');
    const object = document.createElement('object');
    object.setAttribute('data', 'https://stats.example/o');
    const sheet = document.createElement('link');
    sheet.rel = 'stylesheet';
    sheet.href = 'https://stats.example/track.css';
    const elements = [img, source, video, embed, object, sheet];
    const names = ['srcset', 'srcset', 'src', 'src', 'data', 'href'];
    expect(elements.map((element, i) => element.getAttribute(names[i]!))).toEqual([null, null, null, null, null, null]);
    expect(video.getAttribute('poster')).toBeNull();
    expect(blocked.map((b) => b.url)).toEqual([
      'https://stats.example/b.png',
      'https://stats.example/c.webp',
      'https://stats.example/ad.mp4',
      'https://stats.example/poster.jpg',
      'https://stats.example/e',
      'https://stats.example/o',
      'https://stats.example/track.css',
    ]);

    // Other hosts and other attributes go through.
    img.srcset = 'https://cdn.example/a.png 1x, https://cdn.example/b.png 2x';
    sheet.setAttribute('title', 'https://stats.example/');
    expect([img.getAttribute('srcset'), sheet.getAttribute('title')]).toEqual(['https://cdn.example/a.png 1x, https://cdn.example/b.png 2x', 'https://stats.example/']);

    await consent.decide({ analytics: true });
    sheet.href = 'https://stats.example/track.css';
    source.setAttribute('srcset', 'https://stats.example/c.webp');
    expect([sheet.getAttribute('href'), source.getAttribute('srcset')]).toEqual(['https://stats.example/track.css', 'https://stats.example/c.webp']);
  });

  it('stops: the originals are back and nothing is guarded', async () => {
    stop();
    await fetch('https://stats.example/hit');
    const img = new Image();
    img.src = 'https://stats.example/pixel.gif';
    expect(network).toEqual(['https://stats.example/hit']);
    expect(img.getAttribute('src')).toBe('https://stats.example/pixel.gif');
    expect(blocked).toEqual([]);
  });
});

describe('server-side rendering', () => {
  it('does nothing without a window: it guards a browser, and leaves the server’s own fetch alone', () => {
    const serverFetch = vi.fn(() => Promise.resolve(new Response('ok')));
    vi.stubGlobal('fetch', serverFetch);
    vi.stubGlobal('window', undefined);
    try {
      guardNetwork(consent)();
      expect(globalThis.fetch).toBe(serverFetch);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
