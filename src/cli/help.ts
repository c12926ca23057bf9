import { CLI_OPTIONS_DESCRIBED, environmentNames } from './parse-args.js';

const WIDTH = 100;

export function renderHelp(version: string): string {
  const lines = [
    `gitlab-pat ${version}: create, list, inspect, revoke and rotate GitLab access tokens safely.`,
    '',
    'Usage: gitlab-pat <operation> [options]',
    '',
    'Operations:',
    '  create   create a token (name, scopes, expiry) and hand its value to a destination',
    '  list     list tokens with expiry and last use (JSON on stdout)',
    '  get      show one token: token-id (number or self) or token-name',
    '  revoke   revoke one token; revoking a revoked token is not an error',
    '  rotate   rotate one token (default: self); with --rotate-before, only when it is due',
    '  sync     bring every token of an --inventory file to its declared state (rotate when due, create, revoke)',
    '  audit    list every token the credential can see with its findings (expired, expiring, unused, ...)',
    '',
    'Token kinds (--token-kind): personal (default; --user), project (--project), group (--group),',
    'service-account (--group and --user). --token-id self works for every kind.',
    '',
    'Options (Action inputs have the same names; in brackets, environment variables read when the flag is absent):',
  ];
  for (const [name, meta] of CLI_OPTIONS_DESCRIBED) {
    const value = meta.flag ? '' : ' <value>';
    const extras = [
      meta.operations ? `for ${meta.operations.join(', ')}` : undefined,
      meta.defaultText ? `default: ${meta.defaultText}` : undefined,
      `[${environmentNames(name).join(', ')}]`,
    ].filter(Boolean);
    lines.push(`  --${name}${value}`);
    lines.push(
      ...wrap(`${meta.description}${extras.length ? ` (${extras.join('; ')})` : ''}`, WIDTH - 6, '      '),
    );
  }
  lines.push(
    '  -h, --help       this help',
    '  -v, --version    the version',
    '',
    'Output: JSON on stdout (never the token value unless --print-token), progress and errors on stderr.',
    'Exit codes: 0 done or nothing due; 1 failed, nothing changed; 2 bad input; 3 changed but a destination',
    'write failed (the message says where the token is); 4 rotation outcome unknown or token lost (recovery',
    'steps printed); 5 audit found what --fail-on names. sync exits with the most serious code of its entries.',
    '',
    'Examples:',
    '  GITLAB_TOKEN=glpat-... gitlab-pat list --expires-within 30d',
    '  GITLAB_TOKEN=glpat-... gitlab-pat rotate --rotate-before 14d --expires-in 90d --print-token',
    '  gitlab-pat rotate --token-name deploy --user svc-deploy --dry-run',
    '  gitlab-pat rotate --token-kind project --project platform/app --rotate-before 30d --variable-key DEPLOY_TOKEN',
    '  gitlab-pat sync --inventory tokens.yml --dry-run',
    '  gitlab-pat audit --inventory tokens.yml --junit-file gitlab-pat-audit.xml --fail-on expired,expiring',
    '  gitlab-pat create --token-kind project --project platform/app --name ci --scopes read_api --access-level reporter --expires-in 30d --print-token',
  );
  return `${lines.join('\n')}\n`;
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(indent + current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(indent + current);
  return lines;
}
