/** What replaces a secret in text. */
export const REDACTED = '[redacted]';

/**
 * Every form in which a secret may show up in engine output or an error:
 * itself, and base64 (standard and URL-safe, as in `X-Registry-Auth`) of
 * itself and of `user:secret` (basic auth).
 */
function secretForms(secret: string, username?: string): string[] {
  const forms = new Set<string>([secret]);
  const plain = [secret, ...(username ? [`${username}:${secret}`] : [])];
  for (const text of plain) {
    const base64 = Buffer.from(text).toString('base64');
    forms.add(base64.replace(/=+$/, ''));
    forms.add(
      base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    );
  }
  return [...forms].filter(form => form.length >= 3);
}

/** A function that removes the given secrets from text. */
export type Redactor = (text: string) => string;

/** Builds a {@link Redactor} for one password (and the username it goes with). */
export function createRedactor(secret?: string, username?: string): Redactor {
  if (!secret) return text => text;
  // Longest first, so that a form containing another is replaced whole.
  const forms = secretForms(secret, username).sort(
    (a, b) => b.length - a.length,
  );
  return text => {
    let result = text;
    for (const form of forms) result = result.split(form).join(REDACTED);
    return result;
  };
}
