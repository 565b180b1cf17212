// The one-purpose prompt that require() opens: the purpose's full disclosure and two equal answers, the yes naming
// the purpose ("Allow credit scoring"). It is the separate consent a sensitive purpose needs (PIPL Art. 29).
import { Fragment, h } from 'preact';
import type { Purpose } from '../src/index.js';
import { actionButton } from './buttons.js';
import { Disclosure, Link, say, sayMarked } from './disclosure.js';
import { ModalLayer } from './modal-layer.js';
import type { Props } from './props.js';
import { fill } from './texts.js';

/** The purpose prompt. Closing it answers nothing: the waiting require() rejects and nothing is recorded. */
export function Prompt(props: Props & { readonly purpose: Purpose; readonly status: string }) {
  const { consent, t, locale, c, purpose, status } = props;
  const title = sayMarked(props, purpose.title);
  return (
    <ModalLayer
      name="prompt"
      title={fill(t.promptTitle, { purpose: title })}
      lang={locale}
      close={t.close}
      onClose={c.closePrompt}
      status={status}
      actions={
        <Fragment>
          {actionButton('deny', t.deny, () => c.answerPrompt(false))}
          {actionButton('allow', fill(t.allow, { purpose: title }), () => c.answerPrompt(true))}
        </Fragment>
      }
    >
      <p id="optin-prompt-text">{fill(t.promptText, { controller: sayMarked(props, consent.config.controller.name) })}</p>
      {consent.revised(purpose.id) && <p class="note">{fill(t.revised, { purposes: title })}</p>}
      {purpose.sensitive && <p class="note">{t.sensitive}</p>}
      <Disclosure {...props} id="optin-prompt-purpose" />
      <p>
        <Link url={say(props, consent.config.policy.url)} text={t.policy} />
      </p>
    </ModalLayer>
  );
}
