const REDACTED = '[redacted]';

/** Removes every secret of the set (three characters or longer) from a log line. */
export function redactor(secrets: Set<string>) {
  return (text: string) => {
    let clean = text;
    for (const secret of secrets) {
      if (secret.length >= 3) clean = clean.split(secret).join(REDACTED);
    }
    return clean;
  };
}
