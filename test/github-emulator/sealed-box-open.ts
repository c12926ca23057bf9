/**
 * GitHub's side of a sealed box: the emulator holds each place's secret key and opens what the product sealed, the
 * way GitHub does before it stores a secret, with libsodium's own crypto_box_seal_open. The opener is checked against
 * a box that the C libsodium sealed (test/github/sealed-box.test.ts).
 */
import sodium from 'libsodium-wrappers';

// libsodium's WebAssembly module starts asynchronously; every function below needs it.
await sodium.ready;

export interface BoxKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export function generateBoxKeyPair(): BoxKeyPair {
  const { publicKey, privateKey } = sodium.crypto_box_keypair();
  return { publicKey, secretKey: privateKey };
}

/** The plaintext, or undefined when the box was not sealed for this key pair or was altered. */
export function openSealedBox(sealed: Uint8Array, recipient: BoxKeyPair): Uint8Array | undefined {
  try {
    return sodium.crypto_box_seal_open(sealed, recipient.publicKey, recipient.secretKey);
  } catch {
    return undefined;
  }
}

/** Seeds stored secrets with libsodium directly (the product's own sealing module is what tests check). */
export function sealForTest(message: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  return sodium.crypto_box_seal(message, recipientPublicKey);
}
