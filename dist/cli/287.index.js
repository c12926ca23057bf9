export const id = 287;
export const ids = [287];
export const modules = {

/***/ 2287:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SEALED_BOX_OVERHEAD: () => (/* binding */ SEALED_BOX_OVERHEAD),
/* harmony export */   sealBox: () => (/* binding */ sealBox),
/* harmony export */   sealedBoxNonce: () => (/* binding */ sealedBoxNonce)
/* harmony export */ });
/* harmony import */ var _noble_hashes_blake2_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(904);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var tweetnacl__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(668);
/* harmony import */ var tweetnacl__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(tweetnacl__WEBPACK_IMPORTED_MODULE_1__);
/**
 * libsodium's `crypto_box_seal`, which GitHub requires for secret values: an anonymous sender encrypts to the
 * repository's (or environment's, or organization's) public key, and only GitHub holds the secret key.
 *
 * A sealed box is the ephemeral public key followed by `crypto_box(message)` from the ephemeral secret key to the
 * recipient, with the nonce derived from both public keys (BLAKE2b, 24 bytes), so no nonce travels with it.
 * tweetnacl (audited) provides `crypto_box`; @noble/hashes (audited) provides BLAKE2b.
 */



const SEALED_BOX_OVERHEAD = (tweetnacl__WEBPACK_IMPORTED_MODULE_1___default().box).publicKeyLength + (tweetnacl__WEBPACK_IMPORTED_MODULE_1___default().box).overheadLength;
/** The nonce libsodium derives for a sealed box: blake2b(ephemeral public key || recipient public key). */
function sealedBoxNonce(ephemeralPublicKey, recipientPublicKey) {
    const input = new Uint8Array(ephemeralPublicKey.length + recipientPublicKey.length);
    input.set(ephemeralPublicKey, 0);
    input.set(recipientPublicKey, ephemeralPublicKey.length);
    return (0,_noble_hashes_blake2_js__WEBPACK_IMPORTED_MODULE_2__/* .blake2b */ .Sx)(input, { dkLen: (tweetnacl__WEBPACK_IMPORTED_MODULE_1___default().box).nonceLength });
}
function sealBox(message, recipientPublicKey) {
    if (recipientPublicKey.length !== (tweetnacl__WEBPACK_IMPORTED_MODULE_1___default().box).publicKeyLength) {
        throw new Error(`A sealed box needs a ${(tweetnacl__WEBPACK_IMPORTED_MODULE_1___default().box).publicKeyLength}-byte public key, got ${recipientPublicKey.length} bytes.`);
    }
    // The ephemeral key comes from Node's CSPRNG rather than tweetnacl's own source detection, which depends on
    // globals a bundler may rewrite.
    const ephemeralSecret = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomFillSync)(new Uint8Array((tweetnacl__WEBPACK_IMPORTED_MODULE_1___default().box).secretKeyLength));
    const ephemeral = tweetnacl__WEBPACK_IMPORTED_MODULE_1___default().box.keyPair.fromSecretKey(ephemeralSecret);
    try {
        const nonce = sealedBoxNonce(ephemeral.publicKey, recipientPublicKey);
        const box = tweetnacl__WEBPACK_IMPORTED_MODULE_1___default().box(message, nonce, recipientPublicKey, ephemeral.secretKey);
        const sealed = new Uint8Array(ephemeral.publicKey.length + box.length);
        sealed.set(ephemeral.publicKey, 0);
        sealed.set(box, ephemeral.publicKey.length);
        return sealed;
    }
    finally {
        // Whoever holds the ephemeral secret key can open the box; it must not outlive this call.
        ephemeralSecret.fill(0);
        ephemeral.secretKey.fill(0);
    }
}


/***/ })

};
