/**
 * GitHub's side of a sealed box: the emulator holds each place's secret key and opens what the product sealed, the
 * way GitHub does before it stores a secret. Written from libsodium's definition (crypto_box_seal_open), apart from
 * the product's sealing code, and checked against a vector made by libsodium itself (sealed-box.test.ts).
 */
import { blake2b } from '@noble/hashes/blake2.js';
import nacl from 'tweetnacl';

export interface BoxKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export function generateBoxKeyPair(): BoxKeyPair {
  return nacl.box.keyPair();
}

/** The plaintext, or undefined when the box was not sealed for this key pair or was altered. */
export function openSealedBox(sealed: Uint8Array, recipient: BoxKeyPair): Uint8Array | undefined {
  const publicKeyLength = nacl.box.publicKeyLength;
  if (sealed.length < publicKeyLength + nacl.box.overheadLength) return undefined;
  const ephemeralPublicKey = sealed.subarray(0, publicKeyLength);
  const nonceInput = new Uint8Array(publicKeyLength * 2);
  nonceInput.set(ephemeralPublicKey, 0);
  nonceInput.set(recipient.publicKey, publicKeyLength);
  const nonce = blake2b(nonceInput, { dkLen: nacl.box.nonceLength });
  return (
    nacl.box.open(sealed.subarray(publicKeyLength), nonce, ephemeralPublicKey, recipient.secretKey) ??
    undefined
  );
}

/** Seeds stored secrets (the product's own sealing is what tests check, so seeding does not use it). */
export function sealForTest(message: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  const ephemeral = nacl.box.keyPair();
  const nonceInput = new Uint8Array(nacl.box.publicKeyLength * 2);
  nonceInput.set(ephemeral.publicKey, 0);
  nonceInput.set(recipientPublicKey, nacl.box.publicKeyLength);
  const nonce = blake2b(nonceInput, { dkLen: nacl.box.nonceLength });
  const box = nacl.box(message, nonce, recipientPublicKey, ephemeral.secretKey);
  return new Uint8Array([...ephemeral.publicKey, ...box]);
}
