// The floor a cold start of the bundled Action doing `get self` is held against: the same GET with nothing but
// node:http (or node:https), printing what the Action outputs. CommonJS on purpose: it is the cheapest way to run
// a script in Node, and an ESM `import` of node:http costs Node 24 about 30 ms more (building the module namespace
// loads undici, http2, tls and crypto), which would flatter every ratio taken against it.
const url = new URL(`${process.env.GITLAB_URL}/api/v4/personal_access_tokens/self`);
const client = url.protocol === 'https:' ? require('node:https') : require('node:http');

client
  .get(url, { headers: { 'PRIVATE-TOKEN': process.env.GITLAB_TOKEN ?? '' } }, (response) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => (body += chunk));
    response.on('end', () => {
      if (response.statusCode !== 200) {
        process.stderr.write(`GET /personal_access_tokens/self answered ${response.statusCode}\n`);
        process.exitCode = 1;
        return;
      }
      const self = JSON.parse(body);
      process.stdout.write(`${JSON.stringify({ 'token-id': self.id, 'expires-at': self.expires_at })}\n`);
    });
  })
  .on('error', (error) => {
    process.stderr.write(`GET /personal_access_tokens/self failed: ${error.code ?? error.name}\n`);
    process.exitCode = 1;
  });
