export const id = 17;
export const ids = [17];
export const modules = {

/***/ 17:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   guardCrashes: () => (/* binding */ guardCrashes),
/* harmony export */   guardProcessOutput: () => (/* binding */ guardProcessOutput)
/* harmony export */ });
function guardProcessOutput(secrets, streams = [process.stdout, process.stderr]) {
    for (const stream of streams) {
        const original = stream.write.bind(stream);
        const guarded = (chunk, ...rest) => {
            const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
            return original(redactLines(text, secrets), ...rest);
        };
        stream.write = guarded;
    }
}
function redactLines(text, secrets) {
    return text
        .split('\n')
        .map((line) => (line.startsWith('::add-mask::') ? line : secrets.redact(line)))
        .join('\n');
}
/**
 * A crash must not print an error object (gitbeaker's carry the private-token header): only its redacted message.
 */
function guardCrashes(secrets, exitCode = 1) {
    const report = (error) => {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        process.stderr.write(`gitlab-pat crashed: ${secrets.redact(message)}\n`);
        process.exit(exitCode);
    };
    process.on('uncaughtException', report);
    process.on('unhandledRejection', report);
}


/***/ })

};
