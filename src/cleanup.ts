// Withdrawal stops what the purpose left on this device too (GDPR Art. 7(3), PIPL Arts. 15 and 47): its cookies
// and localStorage keys go when its yes does.

/** Deletes the cookies and localStorage keys named in `names`, on this host and its parent domains. */
export function clearStorage(names: readonly string[] = []) {
  // Trackers often set their cookies on the parent domain (`domain=site.example` from www.site.example): expire the
  // name on the host and on each parent; the browser ignores a domain it would not have accepted.
  const host = globalThis.location?.hostname.split('.') ?? [];
  const domains = ['', ...host.map((_, i) => '; domain=' + host.slice(i).join('.'))];
  for (const key of names) {
    try {
      globalThis.localStorage?.removeItem(key);
      for (const domain of domains) if (globalThis.document) document.cookie = `${key}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/${domain}`;
    } catch {
      // Storage access throws in sandboxed frames; then there is nothing of ours to clear.
    }
  }
}
