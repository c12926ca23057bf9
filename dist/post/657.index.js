export const id = 657;
export const ids = [657];
export const modules = {

/***/ 657:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   REDACTED: () => (/* binding */ REDACTED),
/* harmony export */   SecretRegistry: () => (/* binding */ SecretRegistry)
/* harmony export */ });
/**
 * Every secret the run knows (the credential, every new token) in every form it could take in a message: raw,
 * base64 (Basic auth, Kubernetes secrets), URL-encoded (query strings, form bodies) and JSON-escaped. All output of
 * every front door passes through `redact` before it is written anywhere.
 */
const REDACTED = '***';
/** Shorter strings would redact ordinary words; GitLab tokens are at least 20 characters. */
const MIN_SECRET_LENGTH = 8;
class SecretRegistry {
    #forms = new Set();
    #values = new Set();
    add(secret) {
        if (secret === undefined || secret.length < MIN_SECRET_LENGTH || this.#values.has(secret))
            return;
        this.#values.add(secret);
        for (const form of encodedForms(secret))
            this.#forms.add(form);
    }
    redact(text) {
        if (this.#forms.size === 0 || text === '')
            return text;
        let result = text;
        // Longest first, so that a form containing another is removed whole.
        for (const form of [...this.#forms].sort((a, b) => b.length - a.length)) {
            if (result.includes(form))
                result = result.split(form).join(REDACTED);
        }
        return result;
    }
}
function encodedForms(secret) {
    const base64 = Buffer.from(secret, 'utf8').toString('base64');
    const forms = [
        secret,
        encodeURIComponent(secret),
        JSON.stringify(secret).slice(1, -1),
        base64,
        base64.replace(/=+$/, ''),
        Buffer.from(secret, 'utf8').toString('base64url'),
    ];
    // A secret inside a longer base64 text is encoded differently depending on its offset modulo 3; cover all three.
    for (const prefix of ['a', 'ab']) {
        const shifted = Buffer.from(prefix + secret, 'utf8').toString('base64');
        // Drop the characters that depend on the prefix and the (possibly padded) tail.
        const stable = shifted.slice(Math.ceil((prefix.length * 4) / 3) + 1, -4);
        if (stable.length >= MIN_SECRET_LENGTH)
            forms.push(stable);
    }
    const tail = base64.slice(0, -4);
    if (tail.length >= MIN_SECRET_LENGTH)
        forms.push(tail);
    return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
}


/***/ })

};
