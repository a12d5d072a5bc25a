/** RAM's `maxResults` / `nextToken` paging. Tokens are opaque to callers: base64 of an offset. */
import { AwsError } from '../../core/types.ts'

/** RAM's page size when `maxResults` is absent. UNCONFIRMED: AWS does not document the default. */
export const DEFAULT_MAX_RESULTS = 500

export interface PageInput {
  readonly maxResults?: unknown
  readonly nextToken?: unknown
}

export function paginate<T>(
  items: readonly T[],
  input: PageInput,
): { page: T[]; nextToken?: string } {
  const max = typeof input.maxResults === 'number' ? input.maxResults : DEFAULT_MAX_RESULTS
  let start = 0
  if (typeof input.nextToken === 'string') {
    const decoded = Buffer.from(input.nextToken, 'base64url').toString('utf8')
    const match = /^offset:(\d+)$/.exec(decoded)
    start = match ? Number(match[1]) : -1
    if (start < 0 || start > items.length) {
      throw new AwsError(
        'InvalidNextTokenException',
        `The specified value for nextToken is not valid.`,
      )
    }
  }
  const end = start + max
  const page = items.slice(start, end)
  return end < items.length
    ? { page, nextToken: Buffer.from(`offset:${end}`).toString('base64url') }
    : { page }
}
