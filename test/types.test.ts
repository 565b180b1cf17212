// Type tests: purpose ids are inferred from a literal config, so a misspelt id fails to compile.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConsentConfigError, createConsent, type PurposeState } from '../src/index.js';
import { config } from './fixtures.js';

describe('types', () => {
  it('infers purpose ids from a literal config', () => {
    const consent = createConsent(config());
    expectTypeOf(consent.require).parameter(0).toEqualTypeOf<'necessary' | 'analytics' | 'marketing' | 'credit-scoring'>();
    expectTypeOf(consent.state('analytics')).toEqualTypeOf<PurposeState>();
    // @ts-expect-error: a misspelt purpose id does not compile
    void consent.require('credit-scorng').catch(() => undefined);
    // @ts-expect-error: decide takes booleans only
    void consent.decide({ analytics: 'yes' }).catch(() => undefined);
    // @ts-expect-error: an unknown event name does not compile (and throws, for page code without types)
    expect(() => consent.on('changed', () => undefined)).toThrow(ConsentConfigError);
    expectTypeOf(consent.revised).parameter(0).toEqualTypeOf<'necessary' | 'analytics' | 'marketing' | 'credit-scoring'>();
    expectTypeOf(consent.inAcceptAll).parameter(0).toEqualTypeOf<'necessary' | 'analytics' | 'marketing' | 'credit-scoring'>();
  });

  it('accepts any string id when the config is not a literal', () => {
    const loose: Parameters<typeof createConsent>[0] = config();
    const consent = createConsent(loose);
    expectTypeOf(consent.require).parameter(0).toEqualTypeOf<string>();
  });
});
