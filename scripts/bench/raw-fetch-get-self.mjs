// The baseline the bundled Action is compared with: the same request, with nothing but Node's own fetch.
import process from 'node:process';

const url = process.env.GITLAB_URL;
const token = process.env.GITLAB_TOKEN;
if (!url || !token) {
  process.stderr.write('GITLAB_URL and GITLAB_TOKEN are required\n');
  process.exit(2);
}
const response = await fetch(`${url}/api/v4/personal_access_tokens/self`, {
  headers: { 'PRIVATE-TOKEN': token, accept: 'application/json' },
});
if (!response.ok) {
  process.stderr.write(`GET /personal_access_tokens/self answered ${response.status}\n`);
  process.exit(1);
}
const self = await response.json();
process.stdout.write(
  `${JSON.stringify({ 'token-id': self.id, 'token-name': self.name, 'expires-at': self.expires_at })}\n`,
);
