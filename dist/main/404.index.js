export const id = 404;
export const ids = [404];
export const modules = {

/***/ 404:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   renderJunit: () => (/* binding */ renderJunit)
/* harmony export */ });
/* harmony import */ var _findings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3391);

async function renderJunit(report) {
    const { create } = await __webpack_require__.e(/* import() */ 995).then(__webpack_require__.bind(__webpack_require__, 7995));
    const failOn = new Set(report['fail-on']);
    const failing = (token) => token.findings.filter((finding) => failOn.has(finding));
    const failures = report.tokens.filter((token) => failing(token).length > 0).length;
    const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele('testsuites', {
        name: 'gitlab-pat audit',
        tests: report.tokens.length,
        failures,
        errors: 0,
    });
    const suite = root.ele('testsuite', {
        name: `gitlab-pat audit of ${report.scope}`,
        tests: report.tokens.length,
        failures,
        errors: 0,
        skipped: 0,
        timestamp: `${report.today}T00:00:00Z`,
    });
    for (const token of report.tokens) {
        const testcase = suite.ele('testcase', {
            classname: `${token['token-kind']} tokens of ${token.owner}`,
            name: `${token['token-name']} (token ${token['token-id']})`,
            time: '0',
        });
        const bad = failing(token);
        if (bad.length > 0) {
            testcase
                .ele('failure', { message: bad.join(', '), type: bad[0] ?? 'finding' })
                .txt(describeToken(token, bad));
        }
        if (token.findings.length > 0)
            testcase.ele('system-out').txt(describeToken(token, token.findings));
    }
    return root.end({ prettyPrint: true });
}
function describeToken(token, findings) {
    const expiry = token['expires-at'] === null
        ? 'never expires'
        : `expires ${token['expires-at']} (${token['days-left'] ?? '?'} days left)`;
    return [
        `${token['token-kind']} token ${token['token-id']} "${token['token-name']}" of ${token.owner}: ${expiry}, last used ${token['last-used-at'] ?? 'never'}, scopes ${token.scopes.join(', ') || 'none'}.`,
        ...findings.map((finding) => `- ${finding}: ${_findings_js__WEBPACK_IMPORTED_MODULE_0__/* .FINDING_DESCRIPTIONS */ .iE[finding]}`),
    ].join('\n');
}


/***/ })

};
