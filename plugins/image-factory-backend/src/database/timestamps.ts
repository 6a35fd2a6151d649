/**
 * A timestamp column as a Date: SQLite hands timestamps back as strings or
 * epoch numbers, Postgres as Dates.
 */
export const toDate = (value: string | number | Date): Date =>
  value instanceof Date ? value : new Date(value);

/**
 * A timestamp column's value as a stamp (a string that changes with it),
 * `-` when there is none, such as the max() of an empty table.
 */
export const timestampStamp = (value: unknown): string =>
  value === null || value === undefined
    ? '-'
    : String(toDate(value as string | number | Date).getTime());
