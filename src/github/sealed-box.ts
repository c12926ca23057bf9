/**
 * libsodium's `crypto_box_seal`, which GitHub requires for secret values
 * (https://docs.github.com/rest/guides/encrypting-secrets-for-the-rest-api): an anonymous sender encrypts to the
 * repository's (or environment's, or organization's) public key, and only GitHub holds the secret key.
 * libsodium-wrappers is libsodium itself, compiled to WebAssembly, as GitHub's own examples use it; its ephemeral
 * secret key lives and is wiped inside libsodium. Part of the dist/github-secrets bundle.
 */
import sodium from 'libsodium-wrappers';

/** What sealing adds to a message: the ephemeral public key and the MAC (libsodium's crypto_box_SEALBYTES). */
export const SEALED_BOX_OVERHEAD = 48;
const PUBLIC_KEY_BYTES = 32;

export type SealBox = (message: Uint8Array, recipientPublicKey: Uint8Array) => Uint8Array;

/**
 * Loads libsodium (its WebAssembly module starts asynchronously) and returns `crypto_box_seal`. Throws, without
 * echoing the key, when a key is not the 32 bytes of a crypto_box public key.
 */
export async function loadSealBox(): Promise<SealBox> {
  await sodium.ready;
  return (message, recipientPublicKey) => {
    if (recipientPublicKey.length !== PUBLIC_KEY_BYTES) {
      throw new Error(
        `A sealed box needs a ${PUBLIC_KEY_BYTES}-byte public key, got ${recipientPublicKey.length} bytes.`,
      );
    }
    return sodium.crypto_box_seal(message, recipientPublicKey);
  };
}
