/** The forms a token could take in a log: raw, base64 (Basic auth), URL-encoded. */
export function leakedForms(value: string): string[] {
  return [value, Buffer.from(value).toString('base64'), encodeURIComponent(value)];
}

/** Lines that may carry a value: only GitHub's mask command, which exists to announce it. */
export function withoutMaskCommands(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** Every secret that appears in the text in any form, described without the value. */
export function findLeaks(text: string, secrets: Iterable<string>): string[] {
  const scanned = withoutMaskCommands(text);
  const leaks: string[] = [];
  for (const secret of secrets) {
    for (const [index, form] of leakedForms(secret).entries()) {
      if (scanned.includes(form))
        leaks.push(`token ${secret.slice(0, 6)}… (${['raw', 'base64', 'url-encoded'][index]})`);
    }
  }
  return leaks;
}
