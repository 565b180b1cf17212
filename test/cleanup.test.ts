// What a withdrawn purpose left on the device goes with it: its localStorage keys and its cookies, also those a tag
// set on the parent domain. The page is on www.lantern.example so that parent-domain cookies can be set.
// @vitest-environment-options {"url": "https://www.lantern.example/news"}
import { describe, expect, it, vi } from 'vitest';
import { clearStorage } from '../src/cleanup.js';
import { createConsent } from '../src/index.js';
import { config } from './fixtures.js';

describe('clearStorage', () => {
  it('removes the named localStorage keys and cookies on the host and its parent domains, and nothing else', () => {
    localStorage.setItem('_stats', 'id-1');
    localStorage.setItem('theme', 'dark');
    document.cookie = '_stats=on-host; path=/';
    document.cookie = '_ad=on-parent; path=/; domain=lantern.example';
    document.cookie = 'session=keep; path=/';
    clearStorage(['_stats', '_ad']);
    expect(localStorage.getItem('_stats')).toBeNull();
    expect(localStorage.getItem('theme')).toBe('dark');
    expect(document.cookie).not.toMatch(/_stats=|_ad=/);
    expect(document.cookie).toContain('session=keep');
  });

  it('removes the named cookies whatever their path, and __Secure- and __Host- ones', () => {
    document.cookie = '_stats=section; path=/news'; // a tag that scoped its cookie to the section
    document.cookie = '_stats_v=1'; // no path: the page's directory
    document.cookie = '__Secure-sid=1; path=/; secure';
    document.cookie = '__Host-uid=1; path=/; secure';
    expect(document.cookie).toMatch(/_stats=.*_stats_v=.*__Secure-sid=.*__Host-uid=/);
    clearStorage(['_stats', '_stats_v', '__Secure-sid', '__Host-uid']);
    expect(document.cookie).not.toMatch(/_stats|__Secure-sid|__Host-uid/);
  });

  it('removes a cookie scoped to a section with a trailing slash, seen from a page inside it', () => {
    const page = location.href;
    const { happyDOM } = window as unknown as { happyDOM: { setURL(url: string): void } };
    happyDOM.setURL('https://www.lantern.example/news/today');
    try {
      document.cookie = '_stats=section; path=/news/';
      expect(document.cookie).toContain('_stats=section');
      clearStorage(['_stats']);
      expect(document.cookie).not.toContain('_stats=');
    } finally {
      happyDOM.setURL(page);
    }
  });

  it('does nothing, and throws nothing, where storage access is refused (a sandboxed frame)', () => {
    vi.stubGlobal('localStorage', {
      removeItem() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    try {
      expect(() => clearStorage(['_stats'])).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('withdrawal', () => {
  it('withdrawing clears a cookie set on the parent domain, as analytics tags set theirs', async () => {
    const consent = createConsent(config());
    await consent.decide({ analytics: true });
    document.cookie = '_stats=GA1.2.3; path=/; domain=lantern.example';
    expect(document.cookie).toContain('_stats=GA1.2.3');
    await consent.withdraw('analytics');
    expect(document.cookie).not.toContain('_stats=');
  });
});
