// The network guard (opt-in): a request to a host a purpose declares fails until that purpose is granted, whoever
// makes it, so code that skips the gate cannot collect either. Covers fetch, XHR, sendBeacon and URLs set by script.
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
 * rejects with `ConsentDeniedError`, an `XMLHttpRequest` fires `error` without sending, `sendBeacon` returns
 * false, and a URL set from script (property or `setAttribute`) on an element that loads it is not set: `src` of
 * img, source, script, iframe, audio, video and embed, `srcset` of img and source, `data` of object, `href` of
 * link. A host several purposes declare needs every one of them. Each refusal is a `consent:blocked` window event
 * (`{ purpose, url }`); nothing is replayed later (hold calls with `gate()` instead). Not covered: elements in the
 * HTML the server sent (block those with `type="text/plain" data-consent`), URLs in CSS, forms, WebSockets and
 * EventSource. Returns the function that puts the originals back.
 * @example
 * // purposes: [{ id: 'analytics', hosts: ['stats.example'], … }]
 * guardNetwork(consent);
 * await fetch('https://api.stats.example/hit'); // rejects until analytics is granted
 */
export function guardNetwork(consent: Consent, win: Win = window): () => void {
  const declared = consent.config.purposes.flatMap((p) => (p.hosts ?? []).map((host) => [host.toLowerCase(), p.id] as const));
  /** The purpose that stops a request to `url`, reported as blocked; undefined when the request may go. */
  const refused = (url: unknown): string | undefined => {
    if (!declared.length) return;
    let host: string;
    try {
      host = new URL(String(url), win.location.href).hostname;
    } catch {
      return; // Not a URL the browser could request either.
    }
    const purpose = declared.find(([h, id]) => (host == h || host.endsWith('.' + h)) && !consent.has(id))?.[1];
    if (purpose) win.dispatchEvent(new CustomEvent<BlockedRequest>('consent:blocked', { detail: { purpose, url: String(url) } }));
    return purpose;
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

  patch(win, 'fetch', (fetch) => (input, init) => {
    const purpose = refused(input instanceof win.Request ? input.url : input);
    return purpose ? Promise.reject(new ConsentDeniedError(purpose)) : fetch.call(win, input, init);
  });
  patch(win.navigator, 'sendBeacon', (beacon) => (url, data) => !refused(url) && beacon.call(win.navigator, url, data));

  const xhr = win.XMLHttpRequest.prototype;
  const urls = new WeakMap<XMLHttpRequest, unknown>();
  patch(xhr, 'open', (open) =>
    function (this: XMLHttpRequest, ...args: unknown[]) {
      urls.set(this, args[1]);
      (open as (...args: unknown[]) => void).apply(this, args);
    },
  );
  patch(xhr, 'send', (send) =>
    function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      if (!refused(urls.get(this))) return send.call(this, body);
      // As a failed network request looks: no response, an `error` and a `loadend`, after send() has returned.
      setTimeout(() => ['error', 'loadend'].forEach((type) => this.dispatchEvent(new ProgressEvent(type))));
    },
  );

  // A URL set from script on an element that loads it: the property and setAttribute. Setting it again once
  // granted loads it. A srcset lists several URLs; one refused URL keeps the whole list off.
  // A URL set from script on an element that loads it: the property and setAttribute. Setting it again once
  // granted loads it. Every URL in the value counts (a srcset lists several), so one refused URL keeps it off.
  const loaders: [{ prototype: Element } | undefined, string][] = [
    [win.HTMLImageElement, 'src srcset'],
    [win.HTMLSourceElement, 'src srcset'],
    [win.HTMLScriptElement, 'src'],
    [win.HTMLIFrameElement, 'src'],
    [win.HTMLMediaElement, 'src'],
    [win.HTMLEmbedElement, 'src'],
    [win.HTMLObjectElement, 'data'],
    [win.HTMLLinkElement, 'href'],
  ];
  const refusedIn = (value: unknown) => String(value).split(/[\s,]+/).some(refused);
  for (const [type, names] of loaders) {
    for (const name of names.split(' ')) {
      const prototype = type?.prototype;
      const property = prototype && Object.getOwnPropertyDescriptor(prototype, name);
      if (!property?.set) continue;
      Object.defineProperty(prototype, name, { ...property, set(this: Element, url: string) { if (!refusedIn(url)) property.set!.call(this, url); } });
      undo.push(() => Object.defineProperty(prototype, name, property));
    }
  }
  patch(win.Element.prototype, 'setAttribute', (setAttribute) =>
    function (this: Element, name: string, value: string) {
      const guarded = loaders.some(([type, names]) => type && this instanceof (type as unknown as typeof Element) && names.split(' ').includes(String(name).toLowerCase()));
      if (!guarded || !refusedIn(value)) setAttribute.call(this, name, value);
    },
  );
  return () => undo.splice(0).forEach((put) => put());
}
