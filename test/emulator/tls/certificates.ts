/**
 * A private CA and a server certificate for 127.0.0.1 and localhost (valid 2000 to 2100, made by
 * make-test-certificates.sh), for running the emulator over HTTPS: `startEmulator({ tls: loadTestCertificates() })`.
 * A client trusts it with `ca` (e.g. NODE_EXTRA_CA_CERTS pointing at `caPath` for a child process); without it,
 * the handshake fails as it would against any unknown private CA. Test material only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.dirname(fileURLToPath(import.meta.url));

export interface TestCertificates {
  /** The server's private key, PEM. */
  key: string;
  /** The server's certificate, PEM, signed by the CA. */
  cert: string;
  /** The CA certificate, PEM. */
  ca: string;
  /** Where the CA certificate lies on disk, for NODE_EXTRA_CA_CERTS or a CLI's CA-file option. */
  caPath: string;
}

export function loadTestCertificates(): TestCertificates {
  const read = (name: string) => readFileSync(path.join(DIR, name), 'utf8');
  return {
    key: read('server-key.pem'),
    cert: read('server.pem'),
    ca: read('ca.pem'),
    caPath: path.join(DIR, 'ca.pem'),
  };
}
