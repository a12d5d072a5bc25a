/**
 * One error type for every failure the action reports, and helpers that read AWS SDK errors.
 *
 * The SDK's `err.name` is the model's shape name (`DBSnapshotNotFoundFault`) while the wire code
 * (`DBSnapshotNotFound`) can differ and shows up in `Code`; every helper here accepts both.
 */

import { hintFor } from './aws/error-codes.js'
import type { AccountSide } from './engine/types.js'

// Every error helper is read from here; the AWS codes and hints behind them live in aws/.
export {
  hintFor,
  isAccessDenied,
  isAlreadyDeleting,
  isExpiredCredentials,
  isNotFound,
  isThrottling,
} from './aws/error-codes.js'

export type { AccountSide }

/** Where and what failed; every field but the summary is optional. */
export interface ErrorContext {
  /** What failed, as one sentence, e.g. "Could not copy snapshot". */
  readonly summary: string
  /** The step that failed (as named in the log and the job summary). */
  readonly step?: string
  /** The resource acted on: identifier or ARN. */
  readonly resource?: string
  /** Which side of the copy, and the account id once GetCallerIdentity answered. */
  readonly side?: AccountSide
  readonly accountId?: string
  /** AWS error code (shape name or wire code). */
  readonly code?: string
  /** The message AWS returned, kept apart from the summary. */
  readonly awsMessage?: string
  readonly requestId?: string
  /** What to do about it. */
  readonly hint?: string
  /** The original error, kept for stack traces. */
  readonly cause?: unknown
}

/**
 * A failure described for a person: what failed, where (step, resource, account), the AWS code
 * and message, and what to do. Fields stay public so the job summary can show them.
 */
export class ActionError extends Error {
  readonly summary: string
  readonly step?: string
  readonly resource?: string
  readonly side?: AccountSide
  readonly accountId?: string
  readonly code?: string
  readonly awsMessage?: string
  readonly requestId?: string
  readonly hint?: string
  /** What it was made from, to make it again with a step. */
  readonly #context: ErrorContext

  constructor(context: ErrorContext) {
    super(
      formatMessage(context),
      context.cause === undefined ? undefined : { cause: context.cause },
    )
    this.name = 'ActionError'
    this.#context = context
    this.summary = context.summary
    this.step = context.step
    this.resource = context.resource
    this.side = context.side
    this.accountId = context.accountId
    this.code = context.code
    this.awsMessage = context.awsMessage
    this.requestId = context.requestId
    this.hint = context.hint
  }

  /**
   * An ActionError for an SDK (or any) error: code, AWS message and request id come from the
   * error, the hint from the context or else the hints table. An ActionError passes through.
   */
  static fromAws(e: unknown, context: ErrorContext): ActionError {
    if (e instanceof ActionError) return e
    const code = context.code ?? awsErrorCode(e)
    const message = errorMessage(e)
    return new ActionError({
      ...context,
      code,
      awsMessage: context.awsMessage ?? (message === code ? undefined : message),
      requestId: context.requestId ?? requestIdOf(e),
      hint: context.hint ?? (code ? hintFor(code) : undefined),
      cause: e,
    })
  }

  /** The same error, attributed to a step. */
  withStep(step: string): ActionError {
    return new ActionError({ ...this.#context, step })
  }
}

/** "the source account 111111111111", or "the destination account" before the id is known. */
export function describeAccount(side: AccountSide, accountId?: string): string {
  return `the ${side} account${accountId ? ` ${accountId}` : ''}`
}

function formatMessage(details: ErrorContext): string {
  const where = [
    details.step ? `step "${details.step}"` : undefined,
    details.resource ? `resource ${details.resource}` : undefined,
    details.side ? describeAccount(details.side, details.accountId) : undefined,
  ].filter((part): part is string => part !== undefined)
  let text = stripPeriod(details.summary)
  if (where.length > 0) text += ` (${where.join(', ')})`
  if (details.code || details.awsMessage) {
    const aws = [details.code, details.awsMessage].filter(Boolean).join(': ')
    text += `: ${stripPeriod(aws)}`
  }
  if (details.requestId) text += ` (request id ${details.requestId})`
  text += '.'
  if (details.hint) text += `\nWhat to do: ${details.hint}`
  return text
}

function stripPeriod(text: string): string {
  return text.trim().replace(/\.+$/, '')
}

/**
 * The message of anything thrown, including non-Error values (a thrown string or object must
 * still fail the step with something readable).
 */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name
  if (typeof e === 'string') return e
  if (e === undefined || e === null) return String(e)
  try {
    const json = JSON.stringify(e)
    if (json !== undefined) return json
  } catch {
    // Circular or otherwise unserialisable: fall through to String().
  }
  return String(e)
}

/** Names every plain JavaScript error has; they say nothing about an AWS cause. */
const GENERIC_ERROR_NAMES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
])

/**
 * The AWS error code of an SDK error (`err.name`, else the wire `Code`), the `code` of an
 * ActionError, or undefined for anything else.
 */
export function awsErrorCode(e: unknown): string | undefined {
  if (e instanceof ActionError) return e.code
  if (typeof e !== 'object' || e === null) return undefined
  const record = e as Record<string, unknown>
  const name = typeof record.name === 'string' ? record.name : undefined
  if (name && !GENERIC_ERROR_NAMES.has(name)) return name
  if (typeof record.Code === 'string' && record.Code) return record.Code
  if (typeof record.code === 'string' && record.code) return record.code
  return undefined
}

function requestIdOf(e: unknown): string | undefined {
  if (e instanceof ActionError) return e.requestId
  const metadata = (e as { $metadata?: { requestId?: unknown } } | null)?.$metadata
  return typeof metadata?.requestId === 'string' ? metadata.requestId : undefined
}
