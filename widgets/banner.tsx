// The first layer: who asks, for what, that a yes can be withdrawn and where, and three equal buttons.
// Non-modal (the page stays usable); focus never starts on "Accept all", so Enter on load grants nothing.
import { h } from 'preact';
import type { Purpose } from '../src/index.js';
import { actionButton, closeButton } from './buttons.js';
import { contactUrl, Link, list, say, sayMarked } from './disclosure.js';
import type { Props } from './props.js';
import { fill } from './texts.js';

/** The banner. Closing it (× or Escape) records nothing. */
export function Banner(props: Props) {
  const { consent, t, locale, c, view } = props;
  const { controller, policy, purposes } = consent.config;
  const titles = (which: (p: Purpose) => unknown) =>
    list(
      purposes.filter((p) => !p.necessary && which(p)).map((p) => sayMarked(props, p.title)),
      t.listSeparator,
    );
  // Sensitive purposes, and a sale the person opted out of by a privacy signal, are never part of "Accept all".
  const separate = titles((p) => !consent.inAcceptAll(p.id));
  const revised = titles((p) => consent.revised(p.id));
  return (
    <section
      // Hidden, not removed, under a modal layer: focus can then go back to its Customize button.
      class={'layer banner' + (view.preferences || view.prompt ? ' under' : '')}
      role="dialog"
      aria-labelledby="optin-banner-title"
      aria-describedby="optin-banner-text"
      lang={locale}
      // The direction of its own text, not the page's: `all: initial` on the host leaves `direction` inherited.
      dir="auto"
      onKeyDown={(event) => event.key == 'Escape' && c.closeBanner()}
    >
      {/* Scrolls on its own when a long list of purposes does not fit: the answers below it stay in view. */}
      <div class="body">
        <h2 id="optin-banner-title" tabIndex={-1}>
          {t.bannerTitle}
        </h2>
        <p id="optin-banner-text">{fill(t.bannerText, { controller: sayMarked(props, controller.name), purposes: titles((p) => consent.inAcceptAll(p.id)) })}</p>
        {separate.length > 0 && <p>{fill(t.bannerSeparate, { purposes: separate })}</p>}
        {revised.length > 0 && <p>{fill(t.revised, { purposes: revised })}</p>}
        <p class="muted">
          {t.contact}
          <Link url={contactUrl(controller.contact)} text={controller.contact} /> · <Link url={say(props, policy.url)} text={t.policy} />
        </p>
      </div>
      <div class="actions">
        {/* The no first, as in the other layers: by keyboard it takes no more Tab presses than the yes (CCPA 7004(a)(2)(A)). */}
        {actionButton('reject', t.rejectAll, () => c.answerBanner(false))}
        {actionButton('accept', t.acceptAll, () => c.answerBanner(true))}
        {actionButton('customize', t.customize, c.openPreferences)}
      </div>
      {closeButton(t.close, c.closeBanner)}
    </section>
  );
}
