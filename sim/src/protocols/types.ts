import type { AwsError } from '../core/types.ts'

/** An HTTP request as the transport saw it (header names lower case). */
export interface RawRequest {
  readonly method: string
  /** Path without the query string, as sent (still percent-encoded). */
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface DecodedRequest {
  readonly operation: string
  readonly input: Record<string, unknown>
}

export interface WireResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** One AWS wire protocol bound to one service model. */
export interface Protocol {
  /** The operation a request names, or undefined when it names none (used for routing). */
  operationOf(request: RawRequest): string | undefined
  /** Decodes the request into model-shaped input (not yet validated). Throws AwsError. */
  decode(request: RawRequest): DecodedRequest
  encode(operation: string, output: Record<string, unknown>, requestId: string): WireResponse
  encodeError(error: AwsError, requestId: string): WireResponse
}
