export const id = 414;
export const ids = [414];
export const modules = {

/***/ 3414:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   reportJson: () => (/* binding */ reportJson)
/* harmony export */ });
function reportJson(report) {
    const { tokens, ...head } = report;
    const headText = JSON.stringify(head, null, 2);
    const rows = tokens.map((token) => `    ${JSON.stringify(token)}`).join(',\n');
    return `${headText.slice(0, -2)},\n  "tokens": [${tokens.length > 0 ? `\n${rows}\n  ` : ''}]\n}\n`;
}


/***/ })

};
