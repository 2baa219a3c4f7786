/**
 * Passwords in connection URLs must never reach a log, an error or a report. Every text that
 * leaves the process through the CLI goes through `redactSecrets`.
 */
const urlPassword = /\b(postgres(?:ql)?:\/\/[^:\s/@]*):([^@\s/]*)@/gi;
const keywordPassword = /\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]+)/gi;

/** Extra literal secrets to scrub (e.g. a password given in a URL the user passed). */
const knownSecrets = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 3) knownSecrets.add(secret);
}

export function redactSecrets(text: string): string {
  let out = text.replace(urlPassword, '$1:***@').replace(keywordPassword, '$1***');
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join('***');
  }
  return out;
}

/** A URL with its password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace('%2A%2A%2A', '***');
  } catch {
    return redactSecrets(url);
  }
}
