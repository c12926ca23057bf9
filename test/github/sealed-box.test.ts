/**
 * The sealed box GitHub requires (libsodium's crypto_box_seal), checked by opening it with the recipient's secret key,
 * and the emulator's opener checked against a box that the C libsodium sealed.
 */
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSealBox, SEALED_BOX_OVERHEAD, type SealBox } from '../../src/github/sealed-box.js';
import { generateBoxKeyPair, openSealedBox } from '../github-emulator/index.js';

/**
 * Made with libsodium 1.0.18 itself (crypto_box_seed_keypair with seed 00 01 .. 1f, then crypto_box_seal of the
 * message), through Python's ctypes on a machine that had the library; no other tool was involved.
 */
const LIBSODIUM_VECTOR = {
  publicKey: 'RwHQhIhFH1RaQJ+1iuPlhYHKQKw/fxFGmM1x3qxzygE=',
  secretKey: 'PZTupJxYCu+BaTV2K+BJVZ1tFEDe3hLmoSXxhB//jm8=',
  message: 'glpat-vector-0123456789abcdef',
  sealed:
    '66tkLV8HBRt9VJNdPIz3knBhD4Lhu3iRiGuBkoqabm01z9NdE/TPoTzmqUUoN6eBCtYDl2QOxBM9F2LeG2q7hmPtJHBgKuF6bUlT4Y4=',
};

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);
const vectorRecipient = () => ({
  publicKey: bytes(LIBSODIUM_VECTOR.publicKey),
  secretKey: bytes(LIBSODIUM_VECTOR.secretKey),
});

let sealBox: SealBox;
beforeAll(async () => {
  sealBox = await loadSealBox();
});

describe('sealed box', () => {
  it("derives the vector's key pair from its seed, as the C libsodium did", () => {
    const pair = sodium.crypto_box_seed_keypair(Uint8Array.from({ length: 32 }, (_, index) => index));
    expect(Buffer.from(pair.publicKey).toString('base64')).toBe(LIBSODIUM_VECTOR.publicKey);
    expect(Buffer.from(pair.privateKey).toString('base64')).toBe(LIBSODIUM_VECTOR.secretKey);
  });

  it("opens a box the C libsodium sealed, with the recipient's secret key", () => {
    expect(text(openSealedBox(bytes(LIBSODIUM_VECTOR.sealed), vectorRecipient()))).toBe(
      LIBSODIUM_VECTOR.message,
    );
  });

  it('seals a value that only the recipient opens, 48 bytes longer', () => {
    const recipient = generateBoxKeyPair();
    const message = new TextEncoder().encode('glpat-new-token-value-0123456789');
    const sealed = sealBox(message, recipient.publicKey);
    expect(sealed.length).toBe(message.length + SEALED_BOX_OVERHEAD);
    expect(SEALED_BOX_OVERHEAD).toBe(sodium.crypto_box_SEALBYTES);
    expect(text(openSealedBox(sealed, recipient))).toBe('glpat-new-token-value-0123456789');
    expect(openSealedBox(sealed, generateBoxKeyPair())).toBeUndefined();
  });

  it("seals for the vector's public key so that its secret key opens it", () => {
    const sealed = sealBox(
      new TextEncoder().encode(LIBSODIUM_VECTOR.message),
      bytes(LIBSODIUM_VECTOR.publicKey),
    );
    expect(text(openSealedBox(sealed, vectorRecipient()))).toBe(LIBSODIUM_VECTOR.message);
  });

  it('uses a fresh ephemeral key every time, so equal values never look equal', () => {
    const recipient = generateBoxKeyPair();
    const message = new TextEncoder().encode('same value');
    const first = sealBox(message, recipient.publicKey);
    const second = sealBox(message, recipient.publicKey);
    expect(Buffer.from(first.subarray(0, 32)).equals(Buffer.from(second.subarray(0, 32)))).toBe(false);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
  });

  it('rejects a key that is not 32 bytes, without echoing it', () => {
    expect(() => sealBox(new Uint8Array([1]), new Uint8Array(31))).toThrow(
      /32-byte public key, got 31 bytes/,
    );
  });

  it('detects a box altered in transit', () => {
    const recipient = generateBoxKeyPair();
    const sealed = sealBox(new TextEncoder().encode('value'), recipient.publicKey);
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    expect(openSealedBox(sealed, recipient)).toBeUndefined();
  });
});
