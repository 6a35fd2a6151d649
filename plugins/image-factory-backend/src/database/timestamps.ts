/**
 * A timestamp column as a Date: SQLite hands timestamps back as strings or
 * epoch numbers, Postgres as Dates.
 */
export const toDate = (value: string | number | Date): Date =>
  value instanceof Date ? value : new Date(value);
