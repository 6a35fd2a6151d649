/** An OCI content digest (`algorithm:encoded`), as the OCI image spec defines it. */
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Whether a hub API's field holds a digest; anything else is left out of a tag. */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** A hub API's date field as ISO 8601 UTC; undefined when it is not a date. */
export function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    return undefined;
  }
  return new Date(value).toISOString();
}
