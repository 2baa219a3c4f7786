/**
 * Passwords must never reach a message, log line or error. Connection URLs are the usual carrier,
 * but driver errors can also echo a password on its own, so both shapes are scrubbed here.
 */

const MASK = '***';

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; text that is no URL passes through `redactText`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
  if (!parsed.password && !parsed.searchParams.has('password')) return url;
  if (parsed.password) parsed.password = MASK;
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', MASK);
  return parsed.toString().replaceAll(encodeURIComponent(MASK), MASK);
}

/**
 * Scrubs every `scheme://user:password@` and `password=...` it finds, and every occurrence of the
 * given secrets (raw and URL-encoded), e.g. in a driver's error message.
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, `$1${MASK}@`)
    .replace(/(\bpassword\s*=\s*)('[^']*'|[^\s&;]+)/gi, `$1${MASK}`);
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}

/** An error's message (and its causes' messages) with secrets scrubbed, for wrapping into our own errors. */
export function redactError(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return redactText(parts.join(': ') || 'unknown error', secrets);
}

/**
 * Secrets the CLI learned from its arguments (a --database-url password): every text the CLI
 * prints goes through `redactSecrets`, which also scrubs these wherever they appear.
 */
const knownSecrets = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  if (secret) knownSecrets.add(secret);
}

export function redactSecrets(text: string): string {
  return redactText(text, [...knownSecrets]);
}
