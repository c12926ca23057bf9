/**
 * libsodium's `crypto_box_seal`, which GitHub requires for secret values: an anonymous sender encrypts to the
 * repository's (or environment's, or organization's) public key, and only GitHub holds the secret key.
 *
 * A sealed box is the ephemeral public key followed by `crypto_box(message)` from the ephemeral secret key to the
 * recipient, with the nonce derived from both public keys (BLAKE2b, 24 bytes), so no nonce travels with it.
 * tweetnacl (audited) provides `crypto_box`; @noble/hashes (audited) provides BLAKE2b.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { randomFillSync } from 'node:crypto';
import nacl from 'tweetnacl';

export const SEALED_BOX_OVERHEAD = nacl.box.publicKeyLength + nacl.box.overheadLength;

/** The nonce libsodium derives for a sealed box: blake2b(ephemeral public key || recipient public key). */
export function sealedBoxNonce(ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  const input = new Uint8Array(ephemeralPublicKey.length + recipientPublicKey.length);
  input.set(ephemeralPublicKey, 0);
  input.set(recipientPublicKey, ephemeralPublicKey.length);
  return blake2b(input, { dkLen: nacl.box.nonceLength });
}

export function sealBox(message: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  if (recipientPublicKey.length !== nacl.box.publicKeyLength) {
    throw new Error(
      `A sealed box needs a ${nacl.box.publicKeyLength}-byte public key, got ${recipientPublicKey.length} bytes.`,
    );
  }
  // The ephemeral key comes from Node's CSPRNG rather than tweetnacl's own source detection, which depends on
  // globals a bundler may rewrite.
  const ephemeralSecret = randomFillSync(new Uint8Array(nacl.box.secretKeyLength));
  const ephemeral = nacl.box.keyPair.fromSecretKey(ephemeralSecret);
  try {
    const nonce = sealedBoxNonce(ephemeral.publicKey, recipientPublicKey);
    const box = nacl.box(message, nonce, recipientPublicKey, ephemeral.secretKey);
    const sealed = new Uint8Array(ephemeral.publicKey.length + box.length);
    sealed.set(ephemeral.publicKey, 0);
    sealed.set(box, ephemeral.publicKey.length);
    return sealed;
  } finally {
    // Whoever holds the ephemeral secret key can open the box; it must not outlive this call.
    ephemeralSecret.fill(0);
    ephemeral.secretKey.fill(0);
  }
}
