// The root of the dialogs: draws what the controller says is open (banner, preferences, prompt), the floating
// "Privacy settings" button, and "Choices saved" in the status region of the layer on top: a modal dialog makes
// the rest inert, so a message outside it would be neither seen nor heard (WCAG 4.1.3).
import { Fragment, h } from 'preact';
import { Banner } from './banner.js';
import { Preferences } from './preferences.js';
import type { Props } from './props.js';
import { Prompt } from './prompt.js';

/** Everything the widgets render into their shadow root. */
export function Dialogs(props: Props & { readonly floatingButton: boolean }) {
  const { consent, t, locale, c, view, floatingButton } = props;
  const purpose = consent.config.purposes.find((p) => p.id == view.prompt);
  const fab = floatingButton && view.ready && !view.banner;
  // A no-break space alternates, so a second save is announced again.
  const saved = view.saved ? (view.withdrawn ? t.withdrawn : t.saved) + (view.saved % 2 ? '' : '\u00a0') : '';
  return (
    <Fragment>
      {view.banner && <Banner {...props} />}
      {/* Room at the end of the page for what the banner or the floating button covers (sized by mount.tsx). */}
      {(view.banner || fab) && <div class="room" />}
      {view.preferences && <Preferences {...props} status={purpose ? '' : saved} />}
      {purpose && <Prompt key={purpose.id} {...props} purpose={purpose} status={saved} />}
      {fab && (
        <button type="button" class="fab" lang={locale} dir="auto" onClick={c.openPreferences}>
          {t.settings}
        </button>
      )}
      <div class="status" role="status" lang={locale} dir="auto">
        {view.preferences || purpose ? '' : saved}
      </div>
    </Fragment>
  );
}
