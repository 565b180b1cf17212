// Markup a site lets through (a CMS block, a comment) can shadow the members of `document`: browsers expose
// <img name="body"> or <form name="createElement"> as document.body and document.createElement (DOM clobbering).
// Optin reads the members it needs past it, or the banner would not show and calls would throw into the page. Also the
// browser's privacy signal, which the core and the preferences both read.

/**
 * `object[name]` as the object's interface defines it, not markup named `name`; a method comes bound to `object`.
 * @example
 * // Even with <img name="body"> in the page:
 * member(document, 'body').append(banner);
 */
export function member<T extends object, K extends keyof T>(object: T, name: K): T[K] {
  const value: unknown = Reflect.get(Object.getPrototypeOf(object) as object, name, object);
  return (typeof value == 'function' ? value.bind(object) : value) as T[K];
}

/** The browser sends a Global Privacy Control signal (read by the core and by the preferences' rows). */
export const gpc = () => (globalThis.navigator as { globalPrivacyControl?: boolean } | undefined)?.globalPrivacyControl === true;
