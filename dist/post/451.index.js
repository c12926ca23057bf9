export const id = 451;
export const ids = [451];
export const modules = {

/***/ 451:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createForwardAgent: () => (/* binding */ createForwardAgent),
/* harmony export */   createTunnelAgent: () => (/* binding */ createTunnelAgent)
/* harmony export */ });
/* harmony import */ var debug__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(640);
/* harmony import */ var debug__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(debug__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var http_proxy_agent__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(329);
/* harmony import */ var https_proxy_agent__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(852);
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(96);




const AGENT_NAMESPACES = ['http-proxy-agent', 'https-proxy-agent'];
// With DEBUG=* the agents would log whole requests, PRIVATE-TOKEN header and body included (http-proxy-agent's
// "Output buffer"), past every redaction. Keep whatever else the user enabled; silence these two.
if (AGENT_NAMESPACES.some((namespace) => debug__WEBPACK_IMPORTED_MODULE_0___default().enabled(namespace))) {
    const enabled = debug__WEBPACK_IMPORTED_MODULE_0___default().disable();
    debug__WEBPACK_IMPORTED_MODULE_0___default().enable([enabled, ...AGENT_NAMESPACES.map((namespace) => `-${namespace}`)].filter(Boolean).join(','));
}
function proxyHeaders(authorization) {
    return authorization === undefined ? {} : { 'Proxy-Authorization': authorization };
}
/**
 * The agents open the socket to the proxy with their own options, out of reach of the request: a request that
 * times out while the proxy is silent would leave that socket open, keeping the process alive. A request passes
 * its AbortSignal as the `connectSignal` option; it becomes the socket's own for the synchronous start of
 * `connect`, where the socket is made, so that aborting the request destroys it.
 */
function withConnectSignal(agent, options, connect) {
    const signal = options[_proxy_js__WEBPACK_IMPORTED_MODULE_3__/* .CONNECT_SIGNAL */ .GH];
    if (signal === undefined)
        return connect();
    const own = agent.connectOpts;
    agent.connectOpts = { ...own, signal };
    try {
        return connect();
    }
    finally {
        agent.connectOpts = own;
    }
}
class TunnelAgent extends https_proxy_agent__WEBPACK_IMPORTED_MODULE_2__/* .HttpsProxyAgent */ .b {
    connect(req, options) {
        return withConnectSignal(this, options, () => super.connect(req, options));
    }
}
class ForwardAgent extends http_proxy_agent__WEBPACK_IMPORTED_MODULE_1__/* .HttpProxyAgent */ .s {
    connect(req, options) {
        return withConnectSignal(this, options, () => super.connect(req, options));
    }
}
/** For https targets: a CONNECT tunnel through the proxy, then TLS with the server inside it. */
function createTunnelAgent(proxy, authorization, keepAlive) {
    return new TunnelAgent(proxy, { keepAlive, headers: proxyHeaders(authorization) });
}
/** For http targets: the request goes to the proxy with the absolute URL. */
function createForwardAgent(proxy, authorization, keepAlive) {
    return new ForwardAgent(proxy, { keepAlive, headers: proxyHeaders(authorization) });
}


/***/ })

};
