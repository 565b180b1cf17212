// What a person reads about one purpose before deciding: why, what data, who receives it (and in which country),
// how long it is kept. Shared by the preferences and the prompt, so both show the text the core hashes.
import { type ComponentChild, type ComponentChildren, Fragment, h } from 'preact';
import { localize, type LocalizedText, type Purpose, type Recipient } from '../src/index.js';
import type { Fixed } from './props.js';
import { fill } from './texts.js';

// Links open only to the web, to mail, or to a page of this site: never javascript:, data: or `//other-host`.
const SAFE_URL = /^(https?:\/\/[^\s/?#\\]+\S*|mailto:\S+|\/(?![/\\])\S*)$/i;

/** `text` as a link when `url` is a safe http(s), mailto or same-origin URL, else as plain text. */
export const Link = ({ url, text }: { readonly url: string | undefined; readonly text: ComponentChildren }) =>
  url && SAFE_URL.test(url) ? (
    <a href={url} target={url[0] == '/' ? undefined : '_blank'} rel="noopener noreferrer">
      {text}
    </a>
  ) : text;

/** An email address as a mailto link; other contacts are already http(s) URLs or paths. */
export const contactUrl = (contact: string) => (contact.includes('@') && !contact.includes('/') ? 'mailto:' + contact : contact);

/** A config text in the language shown, as a string: what the core hashes, a link's address. */
export const say = ({ consent, locale }: Fixed, value: LocalizedText | undefined) => localize(value, locale, consent.config.locale ?? 'en');

/**
 * A config text as `say` gives it, in a `<span lang>` when it is in another language than the dialog's (WCAG 3.1.2):
 * a per-locale text without this locale is shown in the fallback one's. A plain string is in `config.locale`, the
 * language the site declared; one that declared none is left to the dialog's, which came from the page's own
 * `<html lang>` (the fallback English would mislabel a Chinese site's texts). Its own direction too (`dir=auto`
 * isolates it): English in an Arabic dialog would otherwise read "months 13", its full stop at its start.
 */
export function sayMarked(props: Fixed, value: LocalizedText | undefined): ComponentChild {
  const site = props.consent.config.locale;
  // None (false) for a per-locale text that has this locale: the dialog's own lang says it.
  const lang = typeof value == 'string' ? site : value?.[props.locale] == null && (site ?? 'en');
  return lang && lang != props.locale ? (
    <span lang={lang} dir="auto">
      {say(props, value)}
    </span>
  ) : (
    say(props, value)
  );
}

/** `items` with `separator` between them, as parts: joined into one string, each would lose its own `lang`. */
export const list = (items: readonly ComponentChild[], separator: string) => items.flatMap((item, i) => (i ? [separator, item] : [item]));

// One namer per language, kept: the preferences name each recipient's country on every draw, and a namer built
// per recipient cost 1 to 4 ms per draw of 100 purposes in Chromium. One the browser refused is asked for again.
const namers = new Map<string, Intl.DisplayNames>();

/** A country code as a name in `locale` ('DE' → 'Germany' / '德国'), or as given where the browser cannot name it. */
export function countryName(code: string, locale: string): string {
  try {
    let namer = namers.get(locale);
    if (!namer) namers.set(locale, (namer = new Intl.DisplayNames([locale], { type: 'region' })));
    return namer.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

function recipient(props: Fixed, r: Recipient) {
  const home = props.consent.config.controller.country;
  const country = r.country && countryName(r.country, props.locale);
  // A recipient in another country than the controller's is a transfer abroad (PIPL Art. 39, GDPR Art. 44).
  const abroad = home && r.country && r.country.toUpperCase() != home.toUpperCase();
  return (
    <li key={say(props, r.name)}>
      <Link url={r.url} text={sayMarked(props, r.name)} />
      {/* A separator, not parentheses: the same in Chinese text, where ASCII ones are wrong. */}
      {country ? ' · ' : ''}
      {abroad ? <strong>{fill(props.t.abroad, { country: country! })}</strong> : country}
      {r.contact && (
        <Fragment>
          {' · ' + props.t.contact}
          <Link url={contactUrl(r.contact)} text={r.contact} />
        </Fragment>
      )}
    </li>
  );
}

/**
 * The disclosure of `purpose`; its description gets `id`, so a switch or a dialog can point to it. A necessary
 * purpose needs no data, recipients or retention in its config, but what it gives is shown (and hashed) too.
 */
export function Disclosure(props: Fixed & { readonly purpose: Purpose; readonly id: string }) {
  const { purpose: p, t, consent, id } = props;
  const recipients = p.recipients ?? [];
  const rows = [
    [t.data, p.data?.length, list((p.data ?? []).map((d) => sayMarked(props, d)), t.listSeparator)],
    [t.recipients, recipients.length, recipients.length ? <ul>{recipients.map((r) => recipient(props, r))}</ul> : fill(t.noRecipients, { controller: sayMarked(props, consent.config.controller.name) })],
    [t.retention, p.retention, sayMarked(props, p.retention)],
  ] as const;
  const shown = rows.filter(([, given]) => given || !p.necessary);
  return (
    <Fragment>
      <p id={id}>{sayMarked(props, p.description)}</p>
      {shown.length > 0 && (
        <dl>
          {shown.map(([term, , value]) => (
            <Fragment key={term}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </Fragment>
  );
}
