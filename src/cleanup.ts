// Withdrawal stops what the purpose left on this device too (GDPR Art. 7(3), PIPL Arts. 15 and 47): its cookies
// and localStorage keys go when its yes does.

/** Deletes the cookies and localStorage keys named in `names`, on this host and its parent domains. */
export function clearStorage(names: readonly string[] = []) {
  const page = globalThis.location;
  // A cookie is one per name, domain and path: expire the name on the host and each parent domain (trackers often
  // set `domain=site.example` from www.site.example), and on every path of this page (a cookie set without a path
  // gets the page's directory; a tag may scope one to a section). The browser ignores what it would not accept.
  const host = page?.hostname.split('.') ?? [];
  const domains = ['', ...host.map((_, i) => '; domain=' + host.slice(i).join('.'))];
  const paths = ['', '; path=/'];
  let path = '';
  for (const part of page?.pathname.split('/').filter(Boolean) ?? []) paths.push('; path=' + (path += '/' + part), '; path=' + path + '/');
  // `__Secure-` and `__Host-` cookies can only be written, so expired, with `secure`. A max-age of zero or less
  // expires a cookie at once (RFC 6265 5.2.2); -1 rather than 0, which happy-dom keeps for the current millisecond.
  const secure = page?.protocol == 'https:' ? '; secure' : '';
  for (const key of names) {
    try {
      globalThis.localStorage?.removeItem(key);
      // Through the document's own setter: markup named "cookie" (src/dom.ts) would take the write, and throw.
      const cookies = Object.getPrototypeOf(document) as object;
      for (const domain of domains) for (const at of paths) Reflect.set(cookies, 'cookie', `${key}=; max-age=-1${at}${domain}${secure}`, document);
    } catch {
      // Storage access throws in sandboxed frames, and `document` is missing outside a page (Node): then there is
      // nothing of ours to clear.
    }
  }
}
