/**
 * Redaction against every encoding a server could echo a secret in, and the rule that a text is redacted before it
 * is shortened (issue 7, part 3).
 */
import { describe, expect, it } from 'vitest';
import { excerpt, REDACTED, SecretRegistry, tokenShapedParts } from '../../src/core/redact.js';

/** A token with every character a server might encode: + / = and the URL-safe ones. */
const ODD = 'glpat-Ab+Cd/Ef=Gh_Ij-Kl.Mn~Op';
const PLAIN = 'glpat-0123456789abcdefghij';

function registry(...secrets: string[]): SecretRegistry {
  const registry = new SecretRegistry();
  for (const secret of secrets) registry.add(secret);
  return registry;
}

/** Every 8-character piece of the secret's random part: none may survive redaction. */
function pieces(secret: string): string[] {
  const random = secret.replace(/^.*?gl[a-z]+-/, '');
  return Array.from({ length: Math.max(0, random.length - 7) }, (_, index) => random.slice(index, index + 8));
}

const htmlDecimal = (text: string) => Array.from(text, (c) => `&#${c.codePointAt(0)};`).join('');
const htmlHex = (text: string) =>
  Array.from(text, (c) => `&#x${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()};`).join('');

describe('redaction finds a secret in every form a server may echo it', () => {
  it.each<[string, (secret: string) => string]>([
    ['raw', (secret) => secret],
    ['percent-encoded, upper case', encodeURIComponent],
    [
      'percent-encoded, lower case (%2b)',
      (secret) => encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    ],
    ['percent-encoded twice', (secret) => encodeURIComponent(encodeURIComponent(secret))],
    ['form-encoded (URLSearchParams)', (secret) => new URLSearchParams({ v: secret }).toString().slice(2)],
    ['form-decoded: + read as a space', (secret) => secret.replace(/\+/g, ' ')],
    ['JSON-escaped', (secret) => JSON.stringify(secret).slice(1, -1)],
    ['JSON with \\/ (Ruby, PHP, Java encoders)', (secret) => secret.replace(/\//g, '\\/')],
    [
      'JSON with \\u escapes',
      (secret) => secret.replace(/[+/=]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
    ],
    ['HTML decimal references (&#43;)', (secret) => secret.replace(/[+/=]/g, htmlDecimal)],
    ['HTML hexadecimal references (&#x2B;)', (secret) => secret.replace(/[+/=]/g, htmlHex)],
    ['HTML hexadecimal, lower case, leading zeros (&#x002b;)', (secret) => secret.replace(/\+/g, '&#x002b;')],
    [
      'HTML named references (&plus; &sol; &equals;)',
      (secret) => secret.replace(/\+/g, '&plus;').replace(/\//g, '&sol;').replace(/=/g, '&equals;'),
    ],
    ['every character an HTML reference', htmlDecimal],
    [
      'mixed: percent, HTML and JSON in one value',
      (secret) => secret.replace('+', '%2b').replace('/', '&#47;').replace('=', '\\u003D'),
    ],
    ['base64', (secret) => Buffer.from(secret).toString('base64')],
    ['base64 inside Basic credentials', (secret) => Buffer.from(`oauth2:${secret}`).toString('base64')],
  ])('%s', (_, encode) => {
    const secrets = registry(ODD);
    const echoed = encode(ODD);
    const text = secrets.redact(`<p>Request body: {"value":"${echoed}"}</p>`);
    expect(text).toContain(REDACTED);
    for (const piece of pieces(ODD)) expect(text).not.toContain(piece);
  });

  it('keeps a redaction marker where each form was, and the text around it', () => {
    const secrets = registry(PLAIN);
    expect(secrets.redact(`a ${PLAIN} b ${encodeURIComponent(PLAIN)} c`)).toBe('a *** b *** c');
  });

  it('holds for a 3.6 kB credential and stays fast', () => {
    const long = `${'x9_-'.repeat(900)}+/=`;
    const secrets = registry(long, ODD);
    const started = performance.now();
    for (let round = 0; round < 1_000; round += 1)
      secrets.redact('an ordinary line of about eighty characters, with nothing secret in it');
    // Linear in the text, no per-secret pattern to compile: a few milliseconds here, never seconds.
    expect(performance.now() - started).toBeLessThan(1_000);
    const lowerPercent = encodeURIComponent(long).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
    expect(secrets.redact(`[${lowerPercent}]`)).toBe('[***]');
  });
});

describe('anything shaped like a GitLab token is redacted, known or not', () => {
  it.each(['glpat', 'glptt', 'gldt', 'glrt', 'glsoat', 'gloas', 'glcbt', 'glft', 'glagent'])(
    '%s-',
    (prefix) => {
      const token = `${prefix}-Zx9Yw8Vu7Ts6Rq5Po4Nm`;
      expect(new SecretRegistry().redact(`echo: "${token}"`)).toBe('echo: "***"');
      expect(tokenShapedParts(`mycorp-${token}`)).toEqual([token]);
    },
  );

  it('after an instance prefix, keeping the prefix', () => {
    expect(new SecretRegistry().redact('mycorp-glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm')).toBe('mycorp-***');
  });

  it('but not ordinary words that start like one', () => {
    const text = 'project platform/global-settings, group gldocs, glance-at-this-later';
    expect(new SecretRegistry().redact(text)).toBe(text);
  });
});

describe('redact first, then cut', () => {
  it('a secret across the cut is gone whole, not half printed', () => {
    const secrets = registry(PLAIN);
    const page = `${'<p>'.padEnd(288, '.')}${PLAIN}</p>`;
    const shown = secrets.excerpt(page, 300);
    expect(shown.length).toBeLessThanOrEqual(300);
    expect(shown).toContain(REDACTED);
    expect(shown).not.toContain('glpat-0123');
  });

  it('excerpt shortens with an ellipsis only when needed', () => {
    expect(excerpt('short', 10)).toBe('short');
    expect(excerpt('a longer text', 10)).toBe('a longe...');
  });
});

describe('many secrets in one long text (a fleet run: every new token of the run, a report of thousands)', () => {
  const secrets = Array.from(
    { length: 50 },
    (_, index) => `glpat-${String(index).padStart(4, '0')}Zq+x/y=Wv${index}`,
  );

  it('finds each of them, in different encodings, in one text of a megabyte', () => {
    const encodings = [
      (secret: string) => secret,
      encodeURIComponent,
      htmlDecimal,
      (secret: string) => JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
    ];
    const filler = `${'{"id":1,"name":"deploy & build","note":"100% ok \\n"},'.repeat(20_000)}`;
    const text = secrets
      .map(
        (secret, index) =>
          `${filler.slice(0, 20_000)}[${(encodings[index % encodings.length] ?? String)(secret)}]`,
      )
      .join('');
    const redacted = registry(...secrets).redact(text);
    for (const secret of secrets) {
      for (const piece of pieces(secret)) expect(redacted).not.toContain(piece);
    }
    expect(redacted.split(`[${REDACTED}]`)).toHaveLength(secrets.length + 1);
    // The text around them is untouched: escapes that are not part of a secret stay as they were.
    expect(redacted).toContain('"deploy & build","note":"100% ok \\n"');
  });

  it('one secret inside another, or two side by side, leave one *** each and nothing between', () => {
    const outer = 'glpat-outerABCDEFGHIJinnerKLMNOP';
    const inner = 'innerKLMNOP';
    expect(registry(inner, outer).redact(`a ${outer} b`)).toBe(`a ${REDACTED} b`);
    expect(registry(PLAIN, ODD).redact(`${PLAIN}${encodeURIComponent(ODD)}`)).toBe(`${REDACTED}${REDACTED}`);
  });
});

describe("a token's secret part echoed without its prefix, or in another case", () => {
  it.each<[string, (secret: string) => string]>([
    ['without glpat-', (secret) => secret.slice('glpat-'.length)],
    ['upper case', (secret) => secret.toUpperCase()],
    ['lower case, without the prefix', (secret) => secret.slice('glpat-'.length).toLowerCase()],
    ['behind an instance prefix, without it', (secret) => secret.slice('mycorp-glpat-'.length)],
  ])('%s', (_, echo) => {
    const secret = _.includes('instance')
      ? 'mycorp-glpat-Zq0123456789abcdefXY'
      : 'glpat-Zq0123456789abcdefXY';
    const redacted = registry(secret).redact(`{"value":"${echo(secret)}"} is not allowed`);
    expect(redacted).toBe(`{"value":"${REDACTED}"} is not allowed`);
  });

  it('a short secret does not turn its parts into forms (ordinary words would be redacted)', () => {
    expect(registry('glpat-shortone').redact('shortone')).toBe('shortone');
  });
});
