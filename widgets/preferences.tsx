// The second layer: every purpose with its switch (off until the person turns it on) and its full disclosure.
// Switching off a yes withdraws it at once; Save records what the switches show; "all" never covers a sensitive one.
import { Fragment, h } from 'preact';
import type { Purpose } from '../src/index.js';
import { actionButton } from './buttons.js';
import { privacySignal } from './controller.js';
import { Disclosure, Link, say, sayMarked } from './disclosure.js';
import { ModalLayer } from './modal-layer.js';
import type { Props } from './props.js';
import { fill } from './texts.js';

/** The preferences dialog. */
export function Preferences(props: Props & { readonly status: string }) {
  const { consent, t, locale, c, view } = props;
  const on = view.preferences ?? {};
  const row = (p: Purpose, i: number) => {
    const notes = [consent.revised(p.id) && fill(t.revised, { purposes: sayMarked(props, p.title) }), p.necessary && t.necessary, p.sensitive && t.sensitive, p.sale && !on[p.id] && (privacySignal() || (!p.sensitive && !consent.inAcceptAll(p.id))) && t.signal];
    return (
      <li class="purpose" key={p.id}>
        <div class="row">
          <h3 id={`optin-title-${i}`}>{sayMarked(props, p.title)}</h3>
          {p.necessary ? (
            <span class="badge">{t.alwaysOn}</span>
          ) : (
            // A switch shows "on" only for a yes already given: never pre-ticked (GDPR Recital 32, Planet49).
            // Preact writes an aria-* attribute's false as "false" rather than removing it.
            <button
              type="button"
              role="switch"
              class="switch"
              aria-checked={!!on[p.id]}
              aria-labelledby={`optin-title-${i}`}
              // Its notes first: that it asks in a dialog of its own (a change of context, WCAG 3.2.2), why a sale stays
              // off. Tabbing from switch to switch, a screen reader reads the switch's description, not the text under it.
              aria-describedby={`optin-notes-${i} optin-text-${i}`}
              onClick={() => c.toggle(p.id)}
            >
              <span class="track" />
              <span aria-hidden="true">{on[p.id] ? t.on : t.off}</span>
            </button>
          )}
        </div>
        <div id={`optin-notes-${i}`}>{notes.map((note) => note && <p class="note">{note}</p>)}</div>
        <Disclosure {...props} purpose={p} id={`optin-text-${i}`} />
      </li>
    );
  };
  return (
    <ModalLayer
      name="prefs"
      title={t.preferencesTitle}
      lang={locale}
      close={t.close}
      onClose={c.closePreferences}
      status={props.status}
      actions={
        <Fragment>
          {actionButton('reject', t.rejectAll, () => c.save(false))}
          {actionButton('accept', t.acceptAll, () => c.save(true))}
          {actionButton('save', t.save, () => c.save())}
        </Fragment>
      }
    >
      <p id="optin-prefs-text">
        {fill(t.preferencesText, { controller: sayMarked(props, consent.config.controller.name) })} <Link url={say(props, consent.config.policy.url)} text={t.policy} />
      </p>
      <ul class="purposes">{consent.config.purposes.map(row)}</ul>
    </ModalLayer>
  );
}
