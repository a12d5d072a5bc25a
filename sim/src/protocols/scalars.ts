/** Conversions of scalar wire values shared by the protocols. */

/** A handler's timestamp (Date, epoch ms, or ISO string) as a Date. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value)
  if (typeof value === 'string') return new Date(value)
  throw new Error(`not a timestamp: ${String(value)}`)
}

/** ISO 8601 as AWS writes it in XML: milliseconds kept, `Z` suffix. */
export function isoTimestamp(value: unknown): string {
  return toDate(value).toISOString()
}

/** Epoch seconds as AWS JSON protocols write them (fractional milliseconds kept). */
export function epochSeconds(value: unknown): number {
  return toDate(value).getTime() / 1000
}

/** Parses a query-string timestamp (ISO 8601 or epoch seconds); undefined when it is neither. */
export function parseTimestamp(text: string): Date | undefined {
  const date = /^\d+(\.\d+)?$/.test(text) ? new Date(Number(text) * 1000) : new Date(text)
  return Number.isNaN(date.getTime()) ? undefined : date
}
