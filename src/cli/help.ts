import type { Operation } from '../core/options/option-kit.js';
import { CLI_OPTIONS_DESCRIBED, environmentNames } from './parse-args.js';

const WIDTH = 100;

/** One line per operation, for the overview and for an operation's own help. */
const OPERATION_LINES: Readonly<Record<Operation, string>> = {
  create: 'create a token (name, scopes, expiry) and hand its value to a destination',
  list: 'list tokens with expiry and last use (JSON on stdout)',
  get: 'show one token: token-id (number or self) or token-name',
  revoke: 'revoke one token; revoking a revoked token is not an error',
  rotate: 'rotate one token (default: self); with --rotate-before, only when it is due',
  sync: 'bring every token of an --inventory file to its declared state (rotate when due, create, revoke)',
  audit: 'list every token the credential can see with its findings (expired, expiring, unused, ...)',
};

const EXAMPLES: readonly string[] = [
  'GITLAB_TOKEN=glpat-... gitlab-pat list --expires-within 30d',
  'GITLAB_TOKEN=glpat-... gitlab-pat rotate --rotate-before 14d --expires-in 90d --print-token',
  'gitlab-pat rotate --token-name deploy --user svc-deploy --dry-run',
  'gitlab-pat rotate --token-kind project --project platform/app --rotate-before 30d --variable-key DEPLOY_TOKEN',
  'gitlab-pat sync --inventory tokens.yml --dry-run',
  'gitlab-pat audit --inventory tokens.yml --junit-file gitlab-pat-audit.xml --fail-on expired,expiring',
  'gitlab-pat create --token-kind project --project platform/app --name ci --scopes read_api --access-level reporter --expires-in 30d --print-token',
];

/**
 * `gitlab-pat --help`: every operation and option, with the environment variables each option reads. With an
 * operation (`gitlab-pat rotate --help`), only that operation's options and examples.
 */
export function renderHelp(version: string, operation?: Operation): string {
  const lines = [
    `gitlab-pat ${version}: create, list, inspect, revoke and rotate GitLab access tokens safely.`,
    '',
  ];
  if (operation === undefined) {
    lines.push('Usage: gitlab-pat <operation> [options]', '', 'Operations:');
    for (const [name, line] of Object.entries(OPERATION_LINES)) lines.push(`  ${name.padEnd(8)} ${line}`);
  } else {
    lines.push(
      `Usage: gitlab-pat ${operation} [options]`,
      '',
      `${operation}: ${OPERATION_LINES[operation]}.`,
    );
  }
  lines.push(
    '',
    'Token kinds (--token-kind): personal (default; --user), project (--project), group (--group),',
    'service-account (--group and --user). --token-id self works for every kind.',
    '',
    `Options${operation === undefined ? '' : ` of ${operation}`} (Action inputs have the same names; in brackets, environment variables read when the flag is absent):`,
  );
  for (const [name, meta] of CLI_OPTIONS_DESCRIBED) {
    if (operation !== undefined && meta.operations && !meta.operations.includes(operation)) continue;
    const value = meta.flag ? '' : ' <value>';
    const extras = [
      operation === undefined && meta.operations ? `for ${meta.operations.join(', ')}` : undefined,
      meta.defaultText ? `default: ${meta.defaultText}` : undefined,
      `[${environmentNames(name).join(', ')}]`,
    ].filter(Boolean);
    lines.push(`  --${name}${value}`);
    lines.push(
      ...wrap(`${meta.description}${extras.length ? ` (${extras.join('; ')})` : ''}`, WIDTH - 6, '      '),
    );
  }
  const examples =
    operation === undefined
      ? EXAMPLES
      : EXAMPLES.filter((example) => example.includes(`gitlab-pat ${operation} `));
  lines.push(
    '  -h, --help       this help',
    '  -v, --version    the version',
    '',
    'Output: JSON on stdout (never the token value unless --print-token), progress and errors on stderr.',
    'Exit codes: 0 done or nothing due; 1 failed, nothing changed; 2 bad input; 3 changed but a destination',
    'write failed (the message says where the token is); 4 rotation outcome unknown or token lost (recovery',
    'steps printed); 5 audit found what --fail-on names. sync exits with the most serious code of its entries.',
  );
  if (examples.length > 0) lines.push('', 'Examples:', ...examples.map((example) => `  ${example}`));
  if (operation !== undefined) lines.push('', 'Every operation and option: gitlab-pat --help');
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
