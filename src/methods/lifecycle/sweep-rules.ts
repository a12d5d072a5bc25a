import type { Tag } from '@aws-sdk/client-rds'
import type { AccountSide } from '../../engine/types.js'
import { isManaged, Purpose, TagKeys } from '../../tags.js'
import { tagValue } from '../../aws/ownership.js'

/**
 * What `sweep` decides about one resource, as pure rules over what AWS reported: the managed tag
 * proves ownership, the purpose tag says what the resource is for, the expiry tag (copies) or
 * the age (leftovers of a run) says whether its time is over.
 */

/** Leftovers younger than this may belong to a run still going; older ones were abandoned. */
export const LEFTOVER_AGE_MS = 24 * 3600_000

export type SweepKind =
  'db-cluster' | 'db-instance' | 'db-cluster-snapshot' | 'db-snapshot' | 'resource-share'

export interface SweepItem {
  readonly kind: SweepKind
  readonly id: string
  readonly arn: string
  readonly side: AccountSide
  /** The account the job listed it in (its owner). */
  readonly accountId: string
  readonly tags: readonly Tag[]
  readonly status: string
  readonly createdAt?: Date
  /** Deletion protection is on (DB clusters and DB instances). */
  readonly deletionProtection?: boolean
}

export interface SweepDecision {
  readonly item: SweepItem
  readonly action: 'delete' | 'keep'
  readonly reason: string
}

export interface SweepRules {
  readonly now: Date
  /** The job's source (same account only): never swept, whatever its tags say. */
  readonly sourceIdentifier?: string
}

/** Name of a relay's temporary instance (names.ts): a hint for resources with no purpose tag. */
const TEMP_INSTANCE_NAME = /^rds-refresh-.+-tmp$/

export function decide(item: SweepItem, rules: SweepRules): SweepDecision {
  const keep = (reason: string): SweepDecision => ({ item, action: 'keep', reason })
  if (!isManaged(item.tags as Tag[])) {
    return keep(`no ${TagKeys.managed}=true tag: not this action's, never touched`)
  }
  if (item.status === 'deleting') return keep('already being deleted')
  if (item.id === rules.sourceIdentifier) return keep("this job's source: never swept")
  if (item.deletionProtection) {
    return keep('deletion protection is on: sweep never turns it off (operation: delete does)')
  }
  const { purpose, hint } = purposeOf(item)
  if (purpose === Purpose.copy) {
    if (item.side === 'source') {
      return keep('a copy in the source account: a sweep whose destination is this account decides')
    }
    return decideCopy(item, rules, keep, hint)
  }
  if (purpose === Purpose.kept) {
    // Kept on request (keep-snapshots): like a copy, it goes only once its expiry has passed.
    return decideCopy(item, rules, keep, ' (kept by keep-snapshots)')
  }
  if (purpose === Purpose.retired) {
    // Tagged only once its replace had swapped the new copy in: nothing serves from it any more.
    return {
      item,
      action: 'delete',
      reason: `the copy a replace swapped out${targetOf(item)}, whose deletion did not finish`,
    }
  }
  if (purpose === Purpose.intermediate || purpose === Purpose.handoff) {
    return decideLeftover(item, rules, purpose, hint)
  }
  return keep(`unknown ${TagKeys.purpose} '${purpose}'`)
}

function decideCopy(
  item: SweepItem,
  rules: SweepRules,
  keep: (reason: string) => SweepDecision,
  hint: string,
): SweepDecision {
  const expiry = tagValue(item.tags, TagKeys.expiresAt)
  if (expiry === undefined) {
    return keep(`a copy with no ${TagKeys.expiresAt} tag (no ttl): never swept${hint}`)
  }
  const at = new Date(expiry)
  if (Number.isNaN(at.getTime())) return keep(`unreadable ${TagKeys.expiresAt} '${expiry}'`)
  if (at.getTime() > rules.now.getTime()) return keep(`expires at ${at.toISOString()}${hint}`)
  return { item, action: 'delete', reason: `expired at ${at.toISOString()}${hint}` }
}

function decideLeftover(
  item: SweepItem,
  rules: SweepRules,
  purpose: string,
  hint: string,
): SweepDecision {
  const what = purpose === Purpose.handoff ? 'hand-off snapshot' : 'intermediate'
  const run = tagValue(item.tags, TagKeys.runId)
  const of = run ? ` of run ${run}` : ''
  if (!item.createdAt) {
    return { item, action: 'keep', reason: `${what}${of} with no creation time yet${hint}` }
  }
  const age = rules.now.getTime() - item.createdAt.getTime()
  const hours = Math.floor(age / 3600_000)
  if (age < LEFTOVER_AGE_MS) {
    return {
      item,
      action: 'keep',
      reason: `${what}${of}, ${hours} h old: younger than a day, its run may still need it${hint}`,
    }
  }
  return {
    item,
    action: 'delete',
    reason: `leftover ${what}${of}, ${hours} h old${hint}`,
  }
}

function targetOf(item: SweepItem): string {
  const target = tagValue(item.tags, TagKeys.target)
  return target ? ` of ${target}` : ''
}

/**
 * The purpose tag, or for resources made before it existed a guess from the kind and name,
 * said so in the reason. The guess only ever applies to resources the managed tag already proves.
 */
function purposeOf(item: SweepItem): { purpose: string; hint: string } {
  const tagged = tagValue(item.tags, TagKeys.purpose)
  if (tagged !== undefined) return { purpose: tagged, hint: '' }
  if (item.kind === 'db-cluster-snapshot' || item.kind === 'db-snapshot') {
    return { purpose: Purpose.intermediate, hint: ' (no purpose tag: a managed snapshot)' }
  }
  if (item.kind === 'db-instance' && TEMP_INSTANCE_NAME.test(item.id)) {
    return {
      purpose: Purpose.intermediate,
      hint: ' (no purpose tag: named as a temporary instance)',
    }
  }
  return { purpose: Purpose.copy, hint: '' }
}
