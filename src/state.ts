import * as core from '@actions/core'
import type { CreatedResource } from './engine/types.js'

/** Saved state shared by the main step and the post step (one bundle, switched on `isPost`). */
const Keys = {
  isPost: 'isPost',
  resources: 'resources',
  outcome: 'outcome',
  signedIn: 'signedIn',
} as const

export type Outcome = 'succeeded' | 'failed'

/**
 * What this step saved so far: the post step will read exactly this, so a message about what it
 * will do (a cancel in the main step) is computed from it.
 */
const savedHere: { resources: readonly CreatedResource[]; outcome?: Outcome } = { resources: [] }

export function savedInThisStep(): {
  readonly resources: readonly CreatedResource[]
  readonly outcome?: Outcome
} {
  return { ...savedHere }
}

export function isPost(): boolean {
  return core.getState(Keys.isPost) === 'true'
}

/** Called first thing in the main step, so the post step knows it is the post step. */
export function markMainStarted(): void {
  core.saveState(Keys.isPost, 'true')
}

/** The main step holds credentials for its accounts: from here on it may create something. */
export function markSignedIn(): void {
  core.saveState(Keys.signedIn, 'true')
}

export function wasSignedIn(): boolean {
  return core.getState(Keys.signedIn) === 'true'
}

export function saveResources(resources: readonly CreatedResource[]): void {
  savedHere.resources = [...resources]
  core.saveState(Keys.resources, JSON.stringify(resources))
}

export function loadResources(): CreatedResource[] {
  const raw = core.getState(Keys.resources)
  if (!raw) return []
  const parsed: unknown = JSON.parse(raw)
  return Array.isArray(parsed) ? (parsed as CreatedResource[]) : []
}

export function saveOutcome(outcome: Outcome): void {
  savedHere.outcome = outcome
  core.saveState(Keys.outcome, outcome)
}

/** Undefined when the main step never got to say (killed or cancelled). */
export function loadOutcome(): Outcome | undefined {
  const raw = core.getState(Keys.outcome)
  return raw === 'succeeded' || raw === 'failed' ? raw : undefined
}
