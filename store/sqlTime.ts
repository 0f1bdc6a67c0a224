/**
 * A timestamptz column as an ISO-8601 UTC string with milliseconds (`2026-11-24T15:04:45.603Z`),
 * formatted by the database, so that PGlite and node-postgres return the same text.
 */
export const isoUtc = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
