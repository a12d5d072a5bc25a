import * as core from '@actions/core'
import type { StepLog } from '../engine/types.js'
import { ActionError } from '../errors.js'

/**
 * A log whose warnings carry `title`: the run page lists annotations by title, so each says what
 * it is about before anyone opens it. (Steps get theirs from the engine, titled by step.)
 */
export function titledLog(title: string): StepLog {
  return {
    info: (message) => core.info(message),
    warning: (message) => core.warning(message, { title }),
    debug: (message) => core.debug(message),
  }
}

/** The title of the run's error annotation: the step that failed, when one did. */
export function failureTitle(error: unknown): string {
  const step = error instanceof ActionError ? error.step : undefined
  return step ? `rds-refresh failed in step ${step}` : 'rds-refresh failed'
}
