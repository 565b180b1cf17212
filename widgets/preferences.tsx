// The second layer: every purpose with its switch (off until the person turns it on) and its full disclosure.
// Switching off a yes withdraws it at once; Save records what the switches show; "all" never covers a sensitive one.
import { Component, Fragment, h } from 'preact';
import { gpc } from '../src/dom.js';
import type { Purpose } from '../src/index.js';
import { actionButton } from './buttons.js';
import { Disclosure, Link, say, sayMarked } from './disclosure.js';
import { ModalLayer } from './modal-layer.js';
import type { Fixed, Props } from './props.js';
import { fill } from './texts.js';


/** One purpose's row: the dialogs' fixed props and what of the view it shows, never the whole view. */
interface RowProps extends Fixed {
  readonly p: Purpose;
  readonly i: number;
  readonly on: boolean;
  /** Asked again: its disclosure or the policy changed since the last decision. */
  readonly revised: boolean;
  /** A sale that stays off: under a privacy signal, or by a standing opt-out. */
  readonly signal: boolean;
}

// A row is drawn again only when one of its props changed: a flipped switch draws its own row, not every purpose's
// with its whole disclosure (100 rows per click with 100 purposes).
class Row extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps) {
    return (Object.keys(next) as (keyof RowProps)[]).some((key) => next[key] !== this.props[key]);
  }

  override render(props: RowProps) {
    const { p, i, on, t, c } = props;
    const notes = [props.revised && fill(t.revised, { purposes: sayMarked(props, p.title) }), p.necessary && t.necessary, p.sensitive && t.sensitive, props.signal && t.signal];
    return (
      <li class="purpose">
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
              aria-checked={on}
              aria-labelledby={`optin-title-${i}`}
              // Its notes first: that it asks in a dialog of its own (a change of context, WCAG 3.2.2), why a sale stays
              // off. Tabbing from switch to switch, a screen reader reads the switch's description, not the text under it.
              aria-describedby={`optin-notes-${i} optin-text-${i}`}
              onClick={() => c.toggle(p.id)}
            >
              <span class="track" />
              <span aria-hidden="true">{on ? t.on : t.off}</span>
            </button>
          )}
        </div>
        <div id={`optin-notes-${i}`}>{notes.map((note) => note && <p class="note">{note}</p>)}</div>
        <Disclosure {...props} purpose={p} id={`optin-text-${i}`} />
      </li>
    );
  }
}

/** The preferences dialog. */
export function Preferences(props: Props & { readonly status: string }) {
  const { view, status, ...fixed } = props;
  const { consent, t, locale, c } = fixed;
  const on = view.preferences ?? {};
  return (
    <ModalLayer
      name="prefs"
      title={t.preferencesTitle}
      lang={locale}
      close={t.close}
      onClose={c.closePreferences}
      status={status}
      actions={
        <Fragment>
          {actionButton('reject', t.rejectAll, () => c.save(false))}
          {actionButton('accept', t.acceptAll, () => c.save(true))}
          {actionButton('save', t.save, () => c.save())}
        </Fragment>
      }
    >
      <p id="optin-prefs-text">
        {fill(t.preferencesText, { controller: sayMarked(fixed, consent.config.controller.name) })} <Link url={say(fixed, consent.config.policy.url)} text={t.policy} />
      </p>
      <ul class="purposes">
        {consent.config.purposes.map((p, i) => (
          <Row key={p.id} {...fixed} p={p} i={i} on={!!on[p.id]} revised={consent.revised(p.id)} signal={!!(p.sale && !on[p.id] && (gpc() || (!p.sensitive && !consent.inAcceptAll(p.id))))} />
        ))}
      </ul>
    </ModalLayer>
  );
}
