/**
 * The fields of a wheel's METADATA file (the core metadata of PyPA's
 * specification: RFC 822 style headers, continuation lines indented, the
 * body after the first blank line) that the index and its checks use.
 */
export type CoreMetadata = {
  metadataVersion?: string;
  name?: string;
  version?: string;
  requiresPython?: string;
};

export function readCoreMetadata(text: string): CoreMetadata {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    // Multiple-use fields (Classifier, Requires-Dist) are not needed here.
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
  }
  return {
    metadataVersion: headers.get('metadata-version'),
    name: headers.get('name'),
    version: headers.get('version'),
    requiresPython: headers.get('requires-python') || undefined,
  };
}
