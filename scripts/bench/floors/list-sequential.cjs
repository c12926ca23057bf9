// The yardstick a concurrent list is held against: every page of GET /personal_access_tokens read one after
// another, following x-next-page, over one keep-alive connection, with nothing but node:http. LIST_QUERY is added
// to every page's query (the Action's user_id and state, so that GitLab does the same work). Prints the count.
const http = require('node:http');

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const base = `${process.env.GITLAB_URL}/api/v4/personal_access_tokens`;

function page(number) {
  const url = new URL(`${base}?${process.env.LIST_QUERY ?? ''}`);
  url.searchParams.set('per_page', '100');
  url.searchParams.set('page', String(number));
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'PRIVATE-TOKEN': process.env.GITLAB_TOKEN ?? '' } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve({ items: JSON.parse(body), next: Number(response.headers['x-next-page']) || undefined })
            : reject(new Error(`page ${number} answered ${response.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

(async () => {
  let count = 0;
  for (let next = 1; next !== undefined;) {
    const { items, next: following } = await page(next);
    count += items.length;
    next = following;
  }
  agent.destroy();
  process.stdout.write(`${count}\n`);
})().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
