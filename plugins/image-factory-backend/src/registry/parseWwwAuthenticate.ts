/** One challenge of a `WWW-Authenticate` header. */
export interface AuthChallenge {
  /** Lowercase scheme: `basic`, `bearer`. */
  scheme: string;
  /** Parameters by lowercase name (`realm`, `service`, `scope`). */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/**
 * Parses a `WWW-Authenticate` value (RFC 9110, section 11.6.1) into its
 * challenges. Fetch joins repeated headers with `, `, so one value may hold
 * several challenges (`Basic realm="r", Bearer realm="…",service="…"`).
 * Token68 credentials are not used by registries and are skipped.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  let i = 0;

  const skipSpace = () => {
    while (header[i] === ' ' || header[i] === '\t') i++;
  };
  const readToken = () => {
    const match = TOKEN.exec(header.slice(i));
    i += match ? match[0].length : 0;
    return match ? match[0] : '';
  };
  const readQuoted = () => {
    let value = '';
    i++; // opening quote
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i++;
      value += header[i++];
    }
    i++; // closing quote
    return value;
  };

  while (i < header.length) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const token = readToken();
    if (!token) {
      i++;
      continue;
    }
    skipSpace();
    if (header[i] === '=' && current) {
      i++;
      skipSpace();
      const value = header[i] === '"' ? readQuoted() : readToken();
      current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}
