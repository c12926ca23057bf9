import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../src/core/redact.js';

const SECRET = 'glpat-AbC_dEf-123456789xyz';

describe('redaction', () => {
  it('removes a secret in raw, URL-encoded, JSON-escaped and base64 forms', () => {
    const secrets = new SecretRegistry();
    const odd = 'glpat-a+b/c=d"e\\f g';
    secrets.add(SECRET);
    secrets.add(odd);
    const forms = [
      SECRET,
      encodeURIComponent(odd),
      JSON.stringify(odd),
      Buffer.from(SECRET).toString('base64'),
      Buffer.from(`oauth2:${SECRET}`).toString('base64'),
      Buffer.from(`x:${SECRET}`).toString('base64'),
      Buffer.from(SECRET).toString('base64url'),
    ];
    for (const form of forms) {
      const text = secrets.redact(`before ${form} after`);
      expect(text, form).toContain('***');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(Buffer.from(SECRET).toString('base64').slice(4, 20));
    }
  });

  it('ignores values too short to be tokens so that ordinary words survive', () => {
    const secrets = new SecretRegistry();
    secrets.add('abc');
    expect(secrets.redact('abc def')).toBe('abc def');
  });

  it('leaves text without secrets unchanged', () => {
    const secrets = new SecretRegistry();
    secrets.add(SECRET);
    expect(secrets.redact('nothing to see')).toBe('nothing to see');
  });
});
