// The network guard (opt-in): a request to a host a purpose declares fails until that purpose is granted, whoever
// makes it, so code that skips the gate cannot collect either. Covers fetch, fetchLater, XHR, sendBeacon and URLs set
// by script.
import { member } from './dom.js';
import { ConsentDeniedError } from './errors.js';
import type { Consent } from './types.js';

/** What `consent:blocked` carries: the purpose that is not granted and the request's URL. */
export interface BlockedRequest {
  readonly purpose: string;
  readonly url: string;
}

type Win = Window & typeof globalThis;

/**
 * Makes requests to each purpose's `hosts` (and their subdomains) fail while that purpose is not granted: `fetch`
 * rejects with `ConsentDeniedError`, an `XMLHttpRequest` fails as a network error does, `sendBeacon` returns
 * false, `fetchLater` (Chromium) sends nothing and its result stays `activated: false`, and a URL set from script
 * (property, `setAttribute` or `setAttributeNS`) on an element that loads it is not set: `src` of img, source,
 * script, iframe, audio, video, track, input and embed, `poster` of video, `srcset` of img and source, `data` of
 * object, `href` of link. A host several purposes declare needs every one of them.
 * Until the stored decisions are known (`consent.ready`), such a request waits for them rather than fail, so a
 * returning visitor's yes is honoured. Each refusal is a `consent:blocked` window event (`{ purpose, url }`);
 * nothing is replayed later (hold calls with `gate()` instead). Not covered: HTML parsed from text (the server's
 * page, `innerHTML`, `insertAdjacentHTML`, `document.write`: block those with `type="text/plain" data-consent`),
 * URLs in CSS, forms, WebSockets, EventSource, `new Audio(url)`, attribute nodes, SVG, and the own `fetch` of a
 * same-origin frame. Returns the function that puts the originals back. Without a window (rendered on a server) it
 * does nothing: it guards a person's browser, not the server.
 * @example
 * // purposes: [{ id: 'analytics', hosts: ['stats.example'], … }]
 * guardNetwork(consent);
 * await fetch('https://api.stats.example/hit'); // rejects until analytics is granted
 */
export function guardNetwork(consent: Consent, win: Win | undefined = globalThis.window): () => void {
  if (!win) return () => undefined;
  const declared = consent.config.purposes.flatMap((p) => (p.hosts ?? []).map((host) => [host.toLowerCase(), p.id] as const));
  let known = false;
  void consent.ready.then(() => (known = true));
  /** A purpose declaring the host of `url` that is not granted now, if any. */
  const missing = (url: unknown) => {
    if (!declared.length) return;
    let host: string;
    try {
      // Resolved as the browser will (a <base href> counts); `stats.example.` is `stats.example` to DNS. The base is
      // read past markup named "baseURI" (src/dom.ts): against "[object HTMLImageElement]" no URL would parse, so
      // none would be refused.
      host = new URL(String(url), member(win.document, 'baseURI')).hostname.replace(/\.$/, '');
    } catch {
      return; // Not a URL the browser could request either.
    }
    return declared.find(([h, id]) => (host == h || host.endsWith('.' + h)) && !consent.has(id))?.[1];
  };
  /**
   * Runs `go` when a request to `urls` may leave: now, or, while a declared host's purpose is not granted and the
   * stored decisions are not known yet, once they are (a returning visitor's yes must not fail the request).
   * Otherwise reports the purpose that refuses it as blocked, and runs `refused`. Nothing, once `live` says the
   * page has moved on (set another value, opened the request again).
   */
  const when = (urls: unknown[], go: () => void, refused?: (purpose: string) => void, live = () => true): void => {
    if (!live()) return;
    for (const url of urls) {
      const purpose = missing(url);
      // Late, the page's code is no longer on the stack: what goes wrong then (a request the page has since
      // sent or aborted) must not reach it as an unhandled rejection.
      if (purpose && !known) return void consent.ready.then(() => when(urls, go, refused, live)).catch(() => undefined);
      if (purpose) {
        win.dispatchEvent(new CustomEvent<BlockedRequest>('consent:blocked', { detail: { purpose, url: String(url) } }));
        return refused?.(purpose);
      }
    }
    go();
  };
  const undo: (() => void)[] = [];
  /** Replaces `target[key]` with `make(original)`, and puts the original back on stop while ours is still there. */
  const patch = <T extends object, K extends keyof T>(target: T, key: K, make: (original: T[K]) => T[K]) => {
    const original = target[key];
    if (typeof original != 'function') return;
    const ours = make(original);
    target[key] = ours;
    undo.push(() => target[key] === ours && (target[key] = original));
  };

  const urlOf = (input: RequestInfo | URL) => (input instanceof win.Request ? input.url : input);
  patch(win, 'fetch', (fetch) => (input, init) =>
    new Promise((resolve, reject) => when([urlOf(input)], () => resolve(fetch.call(win, input, init)), (purpose) => reject(new ConsentDeniedError(purpose)))),
  );
  // fetchLater (Chromium): a fetch the browser sends later, when the page goes away at the latest. Refused as a beacon
  // is, in silence: its result never says it was sent. While the stored decisions load, its result follows the real one.
  type Later = (input: RequestInfo | URL, init?: RequestInit) => { readonly activated: boolean };
  patch(win as { fetchLater?: Later }, 'fetchLater', (later) => (input, init) => {
    let result: ReturnType<Later> | undefined;
    when([urlOf(input)], () => (result = later!.call(win, input, init)));
    return result ?? { get activated() { return !!result?.activated; } };
  });
  // While it waits for the stored decisions, a beacon counts as queued, as in the browser's own queue.
  patch(win.navigator, 'sendBeacon', (beacon) => (url, data) => {
    let queued = true;
    when([url], () => (queued = beacon.call(win.navigator, url, data)), () => (queued = false));
    return queued;
  });

  const xhr = win.XMLHttpRequest.prototype;
  // Per request, what open() was last given: a send() still waiting is dropped if the page opens it again.
  const opened = new WeakMap<XMLHttpRequest, { url: unknown }>();
  patch(xhr, 'open', (open) =>
    function (this: XMLHttpRequest, ...args: unknown[]) {
      opened.set(this, { url: args[1] });
      delete (this as { readyState?: number }).readyState; // ours, from a refused send() before
      (open as (...args: unknown[]) => void).apply(this, args);
    },
  );
  patch(xhr, 'send', (send) =>
    function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      // Refused: as a failed network request looks, done with no response, then `error` and `loadend`, after send()
      // returned (a synchronous request too, rather than throw into the page); not if the page has opened the object
      // again meanwhile: the request on it then is another one.
      const now = opened.get(this);
      const live = () => opened.get(this) == now;
      when(
        [now?.url],
        () => send.call(this, body),
        () =>
          setTimeout(() => {
            if (!live()) return;
            Object.defineProperty(this, 'readyState', { value: 4, configurable: true });
            for (const type of ['readystatechange', 'error', 'loadend']) this.dispatchEvent(new ProgressEvent(type));
          }),
        live,
      );
    },
  );

  // A URL set from script on an element that loads it: the property and setAttribute(NS). Setting it again once
  // granted loads it. Every URL in the value counts (a srcset lists several), so one refused URL keeps it off.
  const loaders = (
    [
      [win.HTMLImageElement, 'src srcset'],
      [win.HTMLSourceElement, 'src srcset'],
      [win.HTMLScriptElement, 'src'],
      [win.HTMLIFrameElement, 'src'],
      [win.HTMLMediaElement, 'src'],
      [win.HTMLVideoElement, 'poster'],
      [win.HTMLTrackElement, 'src'],
      [win.HTMLInputElement, 'src'],
      [win.HTMLEmbedElement, 'src'],
      [win.HTMLObjectElement, 'data'],
      [win.HTMLLinkElement, 'href'],
    ] as const
  ).map(([type, names]) => [type as typeof Element | undefined, names.split(' ')] as const);
  // Any value but a srcset is one URL (the browser drops tabs and newlines inside it). A srcset's URLs are its runs
  // without ASCII whitespace, which may hold commas (`https://a.example,@b.example/`); its comma-separated pieces
  // are checked too, which can only refuse more.
  const urlsIn = (name: string, value: unknown) => (name == 'srcset' ? [...String(value).split(/[\t\n\f\r ]+/), ...String(value).split(/[\s,]+/)] : [value]);
  // The last value the page gave each element's attribute: a value still waiting for the stored decisions is
  // dropped when the page sets another meanwhile.
  const latest = new WeakMap<Element, { [name: string]: object }>();
  const write = (element: Element, name: string, value: unknown, set: () => void) => {
    const token = {};
    const last = latest.get(element) ?? {};
    latest.set(element, last);
    last[name] = token;
    when(urlsIn(name, value), set, undefined, () => last[name] == token);
  };
  for (const [type, names] of loaders) {
    for (const name of names) {
      const prototype = type?.prototype;
      const property = prototype && Object.getOwnPropertyDescriptor(prototype, name);
      if (!property?.set) continue;
      Object.defineProperty(prototype, name, { ...property, set(this: Element, url: string) { write(this, name, url, () => property.set!.call(this, url)); } });
      undo.push(() => Object.defineProperty(prototype, name, property));
    }
  }
  // The attribute's name first: most calls set some other attribute, and that answer is quick.
  /** The guarded attribute `name` is on `element`, in lower case; undefined when it loads nothing. */
  const loads = (element: Element, name: unknown) => {
    const lower = String(name).toLowerCase();
    return loaders.some(([type, names]) => names.includes(lower) && type && element instanceof type) ? lower : undefined;
  };
  patch(win.Element.prototype, 'setAttribute', (setAttribute) =>
    function (this: Element, name: string, value: string) {
      const guarded = loads(this, name);
      if (!guarded) return setAttribute.call(this, name, value);
      write(this, guarded, value, () => setAttribute.call(this, name, value));
    },
  );
  patch(win.Element.prototype, 'setAttributeNS', (setAttributeNS) =>
    function (this: Element, namespace: string | null, name: string, value: string) {
      const guarded = !namespace && loads(this, name);
      if (!guarded) return setAttributeNS.call(this, namespace, name, value);
      write(this, guarded, value, () => setAttributeNS.call(this, namespace, name, value));
    },
  );
  return () => undo.splice(0).forEach((put) => put());
}
