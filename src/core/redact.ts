/**
 * Every secret the run knows (the credential, every new token) in every form it could take in a message, and
 * anything shaped like a GitLab token. All output of every front door passes through `redact` before it is
 * written anywhere, and every text that is shortened for a message is redacted before it is cut (`excerpt`): a
 * secret cut in two is no longer recognisable, and its first half would be printed.
 *
 * The forms: raw; its random part without the token prefix; either in upper or lower case; base64 at any offset
 * (Basic auth, Kubernetes secrets); and, character by character, whatever a
 * server may do to a value it echoes: percent-encoding in either case (`%2B`, `%2b`, twice-encoded `%252B`),
 * form-encoding (`+` for a space, a space for a `+` that was decoded), JSON escapes (`\/`, `\u002B`, `\"`) and HTML
 * character references (`&#43;`, `&#x2B;`, `&#X2b;`, `&plus;`, `&amp;`), mixed freely within one value.
 */
export const REDACTED = '***';

/** Shorter strings would redact ordinary words; GitLab tokens are at least 20 characters. */
const MIN_SECRET_LENGTH = 8;

/**
 * GitLab's token prefixes (doc/security/tokens/index.md, "Token prefixes"): personal, project, group and service
 * account tokens (glpat-), OAuth application secrets (gloas-), deploy (gldt-), runner (glrt-, glrtr-), CI/CD job
 * (glcbt-), trigger (glptt-), feed (glft-), incoming mail (glimt-), agent (glagent-), SCIM (glsoat-), feature flag
 * client (glffct-) and workspace (glwt-) tokens. An instance prefix comes in front (`mycorp-glpat-...`) and leaves
 * the GitLab prefix in place, so it is found the same way.
 */
const TOKEN_SHAPED =
  /(?:glpat|gloas|gldt|glrtr|glrt|glcbt|glptt|glft|glimt|glagent|glsoat|glffct|glwt)-[A-Za-z0-9_.-]{8,}/g;

/** The parts of a text shaped like a GitLab token. */
export function tokenShapedParts(text: string): string[] {
  return [...text.matchAll(TOKEN_SHAPED)].map((match) => match[0]);
}

export class SecretRegistry {
  /** Literal forms (raw, base64), longest first when applied. */
  readonly #forms = new Set<string>();
  /**
   * Each secret as it reads once the text around it is decoded (see decodeForSearch), longest first. Searching the
   * decoded text, rather than a pattern of every encoding of every character, finds any mix of encodings in time
   * linear in the text, with nothing to compile (a pattern for a 3.6 kB credential took a second to build).
   */
  #decoded: string[] = [];
  readonly #values = new Set<string>();

  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH || this.#values.has(secret)) return;
    this.#values.add(secret);
    this.#forms.add(secret);
    for (const form of base64Forms(secret)) this.#forms.add(form);
    for (const form of partialForms(secret)) this.#forms.add(form);
    this.#decoded = [...this.#decoded, foldSpaces(secret)].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    if (text === '') return text;
    let result = text;
    // Longest first, so that a form containing another is removed whole.
    for (const form of [...this.#forms].sort((a, b) => b.length - a.length)) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
    // One decoding of the text serves every secret read the same way (every GitLab token: all of them), so that a
    // 2 MB audit report is decoded once, not once per token the run made.
    for (const [decoding, secrets] of secretsByDecoding(this.#decoded)) {
      result = redactDecoded(result, secrets, decoding);
    }
    return result.replace(TOKEN_SHAPED, REDACTED);
  }

  /** `text` redacted, then shortened to `maxLength` characters (with "..." when cut). */
  excerpt(text: string, maxLength: number): string {
    return excerpt(this.redact(text), maxLength);
  }
}

/**
 * Shortens an already redacted text. Only ever call it on the output of `redact` (or `SecretRegistry.excerpt`):
 * cutting first would leave a secret's first part, which redaction no longer recognises.
 */
export function excerpt(redacted: string, maxLength: number): string {
  return redacted.length > maxLength ? `${redacted.slice(0, Math.max(0, maxLength - 3))}...` : redacted;
}

/** Which encodings to undo when reading a text: percent-encoding, HTML references, JSON escapes. */
interface Decoding {
  readonly percent: boolean;
  readonly html: boolean;
  readonly json: boolean;
}

/** Every combination of decodings; secrets are grouped by these very objects. */
const DECODINGS: readonly Decoding[] = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) => ({
  percent: (bits & 1) !== 0,
  html: (bits & 2) !== 0,
  json: (bits & 4) !== 0,
}));

const EVERY_DECODING = DECODINGS[7] as Decoding;

/**
 * A `%`, `&` or `\` in a text is an escape or itself. For a secret without those characters (every GitLab token)
 * the difference does not matter; one holding them is looked for with each combination of escapes undone.
 */
function decodingsFor(secret: string): readonly Decoding[] {
  return /[%&\\]/.test(secret) ? DECODINGS : [EVERY_DECODING];
}

/** The secrets (longest first, as given) grouped by each way a text must be decoded to find them. */
function secretsByDecoding(secrets: readonly string[]): Map<Decoding, string[]> {
  const groups = new Map<Decoding, string[]>();
  for (const secret of secrets) {
    for (const decoding of decodingsFor(secret))
      groups.set(decoding, [...(groups.get(decoding) ?? []), secret]);
  }
  return groups;
}

/**
 * Replaces every place where any of `secrets` (space-folded, longest first) appears in `text` once its characters
 * are decoded. Overlapping finds are merged into one `***`.
 */
function redactDecoded(text: string, secrets: readonly string[], decoding: Decoding): string {
  const searched = decodeForSearch(text, decoding);
  const ranges: [number, number][] = [];
  for (const secret of secrets) {
    const { decoded } = searched;
    for (let at = decoded.indexOf(secret); at !== -1; at = decoded.indexOf(secret, at + secret.length)) {
      ranges.push([searched.textIndex(at), searched.textIndex(at + secret.length)]);
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let result = '';
  let from = 0;
  for (const [start, end] of ranges) {
    if (end <= from) continue;
    result += `${text.slice(from, Math.max(from, start))}${REDACTED}`;
    from = end;
  }
  return result + text.slice(from);
}

/**
 * A text with every encoded character decoded, one layer at a time (percent-encoding in either case, also twice,
 * HTML character references, JSON escapes), and `textIndex`, which maps a position in `decoded` back to where
 * that decoded character starts in the text. Spaces and + are folded into one (form encoding turns one into the
 * other), in the text as in the secrets.
 *
 * Plain runs (no `%`, `&` or `\`) are copied whole and mapped as one segment, so decoding is linear in the text
 * with memory in the number of escapes, not of characters: a 2 MB JSON report costs a copy, not a 2-million-entry
 * index (which made an audit of 10,000 tokens spend more time and memory redacting than listing).
 */
function decodeForSearch(
  text: string,
  decoding: Decoding,
): { decoded: string; textIndex: (decodedIndex: number) => number } {
  const parts: string[] = [];
  // Segment k starts at decodedStarts[k] in the decoded text and textStarts[k] in the text; plain[k] says whether
  // it is a copied run (positions inside map one to one) or one decoded character (every position maps to its start).
  const decodedStarts: number[] = [];
  const textStarts: number[] = [];
  const plain: boolean[] = [];
  const escape = /[%&\\]/g;
  let decodedLength = 0;
  let index = 0;
  while (index < text.length) {
    escape.lastIndex = index;
    const next = escape.exec(text)?.index ?? text.length;
    if (next > index) {
      decodedStarts.push(decodedLength);
      textStarts.push(index);
      plain.push(true);
      parts.push(text.slice(index, next));
      decodedLength += next - index;
      index = next;
    }
    if (index >= text.length) break;
    const [character, length] = decodeAt(text, index, decoding);
    decodedStarts.push(decodedLength);
    textStarts.push(index);
    plain.push(length === 1 && character === text[index]);
    parts.push(character);
    decodedLength += character.length;
    index += length;
  }
  const decoded = parts.join('').replace(/ /g, '+');
  return {
    decoded,
    textIndex(decodedIndex) {
      if (decodedIndex >= decodedLength) return text.length;
      // The last segment that starts at or before decodedIndex.
      let low = 0;
      let high = decodedStarts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if ((decodedStarts[middle] ?? 0) <= decodedIndex) low = middle;
        else high = middle - 1;
      }
      const segmentStart = textStarts[low] ?? 0;
      return plain[low] ? segmentStart + (decodedIndex - (decodedStarts[low] ?? 0)) : segmentStart;
    },
  };
}

function foldSpaces(text: string): string {
  return text.replace(/ /g, '+');
}

const PERCENT = /^%(?:25)?([0-9A-Fa-f]{2})/;
const HTML_REFERENCE = /^&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]{2,20}));/;
const JSON_UNICODE = /^\\[uU]([0-9A-Fa-f]{4})/;

/** The character encoded at `index` and how many characters of the text encode it. */
function decodeAt(text: string, index: number, decoding: Decoding): [string, number] {
  const here = text[index] ?? '';
  const rest = here === '%' || here === '&' || here === '\\' ? text.slice(index, index + 32) : '';
  if (here === '%' && decoding.percent) {
    const match = PERCENT.exec(rest);
    const byte = match ? parseInt(match[1] ?? '', 16) : NaN;
    // Only ASCII: a multi-byte character's bytes mean nothing one by one.
    if (match && byte < 0x80) return [String.fromCharCode(byte), match[0].length];
  } else if (here === '&' && decoding.html) {
    const match = HTML_REFERENCE.exec(rest);
    if (match) {
      const code = match[1] ? parseInt(match[1], 10) : match[2] ? parseInt(match[2], 16) : undefined;
      const character =
        code !== undefined
          ? code <= 0x10ffff
            ? String.fromCodePoint(code)
            : undefined
          : NAMED_REFERENCES[match[3] ?? ''];
      if (character !== undefined) return [character, match[0].length];
    }
  } else if (here === '\\' && decoding.json) {
    const unicode = JSON_UNICODE.exec(rest);
    if (unicode) return [String.fromCharCode(parseInt(unicode[1] ?? '', 16)), unicode[0].length];
    const escaped = JSON_ESCAPES[text[index + 1] ?? ''];
    if (escaped !== undefined) return [escaped, 2];
  }
  return [here, 1];
}

/** HTML named character references of the ASCII characters that have one (HTML5). */
const NAMED_REFERENCES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries({
    '!': ['excl'],
    '"': ['quot', 'QUOT'],
    '#': ['num'],
    $: ['dollar'],
    '%': ['percnt'],
    '&': ['amp', 'AMP'],
    "'": ['apos'],
    '(': ['lpar'],
    ')': ['rpar'],
    '*': ['ast', 'midast'],
    '+': ['plus'],
    ',': ['comma'],
    '.': ['period'],
    '/': ['sol'],
    ':': ['colon'],
    ';': ['semi'],
    '<': ['lt', 'LT'],
    '=': ['equals'],
    '>': ['gt', 'GT'],
    '?': ['quest'],
    '@': ['commat'],
    '[': ['lsqb', 'lbrack'],
    '\\': ['bsol'],
    ']': ['rsqb', 'rbrack'],
    '^': ['Hat'],
    _: ['lowbar', 'UnderBar'],
    '`': ['grave', 'DiacriticalGrave'],
    '{': ['lcub', 'lbrace'],
    '|': ['verbar', 'vert', 'VerticalLine'],
    '}': ['rcub', 'rbrace'],
    ' ': ['nbsp'],
  }).flatMap(([character, names]) => names.map((name) => [name, character])),
);

/** JSON's short escapes, by the character after the backslash (`\/` is what Ruby, PHP and Java encoders write). */
const JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Base64 forms: the value alone (padded, unpadded, URL-safe) and inside a longer base64 text at every offset. */
/**
 * Forms in which a server may echo a token's secret part without the token itself: its random part without the
 * prefix (`glpat-`, `mycorp-glpat-`), which alone is the secret, and the token or that part in upper or lower case
 * (a WAF or a log that normalises case). Shorter than 12 characters, a part would redact ordinary words.
 */
function partialForms(secret: string): string[] {
  const random = /^(?:[a-z0-9]+-)*gl[a-z]+-(.+)$/.exec(secret)?.[1];
  const parts = random !== undefined && random.length >= 12 ? [secret, random] : [secret];
  return parts
    .flatMap((part) => [part, part.toUpperCase(), part.toLowerCase()])
    .filter((form) => form !== secret);
}

function base64Forms(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const forms = [base64, base64.replace(/=+$/, ''), Buffer.from(secret, 'utf8').toString('base64url')];
  // A secret inside a longer base64 text is encoded differently depending on its offset modulo 3; cover all three.
  for (const prefix of ['a', 'ab']) {
    const shifted = Buffer.from(prefix + secret, 'utf8').toString('base64');
    // Drop the characters that depend on the prefix and the (possibly padded) tail.
    const stable = shifted.slice(Math.ceil((prefix.length * 4) / 3) + 1, -4);
    if (stable.length >= MIN_SECRET_LENGTH) forms.push(stable);
  }
  const tail = base64.slice(0, -4);
  if (tail.length >= MIN_SECRET_LENGTH) forms.push(tail);
  return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
}
