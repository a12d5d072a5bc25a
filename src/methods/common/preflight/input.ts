import type { AccountSession } from '../../../credentials.js'
import type { AccountSide } from '../../../engine/types.js'
import { ActionError } from '../../../errors.js'
import type { RefreshContext } from '../context.js'

/** What every pre-flight check reads: the run as resolved so far. Nothing is created. */
export interface PreflightInput extends Pick<
  RefreshContext,
  'settings' | 'source' | 'destination' | 'sameAccount' | 'sourceDb' | 'method'
> {
  readonly log: PreflightLog
}

export interface PreflightLog {
  info(message: string): void
  warning(message: string): void
}

/** One check: returns when it passes (logging what it found), throws an ActionError otherwise. */
export type Check = (input: PreflightInput) => Promise<void> | void

/** The step name refusals carry, in the log and the job summary. */
export const PREFLIGHT_STEP = 'preflight'

/** A pre-flight refusal on one side, in that side's account. */
export function refusal(
  input: PreflightInput,
  side: AccountSide,
  details: {
    summary: string
    hint: string
    resource?: string
    code?: string
    awsMessage?: string
  },
): ActionError {
  const accountId = sessionOn(input, side).accountId
  return new ActionError({ step: PREFLIGHT_STEP, side, accountId, ...details })
}

export function sessionOn(input: PreflightInput, side: AccountSide): AccountSession {
  return side === 'source' ? input.source : input.destination
}

/** The copy is made by this job (not by a phase: source job, which only hands over a snapshot). */
export const copiesHere = (input: PreflightInput): boolean => input.settings.phase !== 'source'

/** This job reads the source account (a phase: destination job starts from a shared snapshot). */
export const readsSource = (input: PreflightInput): boolean =>
  input.settings.phase !== 'destination'

export const crossAccountEncrypted = (input: PreflightInput): boolean =>
  !input.sameAccount && input.sourceDb.encrypted
