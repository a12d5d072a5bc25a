import { ActionError } from '../../errors.js'
import type { CopyMethod } from '../../result.js'
import {
  CLONE_LIMIT_WARNING,
  cloneCount,
  COPY_ON_WRITE_CLONE_LIMIT,
  countClones,
  type CloneCensus,
} from './limits.js'
import { runPreflight, type PreflightInput } from '../common/preflight/index.js'

/** Everything the clone pre-flight reads; nothing is created. */
export interface ClonePreflightInput extends Omit<PreflightInput, 'method'> {
  /** `auto` (Aurora), `clone` or `full-copy`. */
  readonly requested: 'auto' | 'clone' | 'full-copy'
}

/** What the pre-flight decided: the method to run and, when `auto` left the clone, why. */
export interface CloneDecision {
  readonly method: CopyMethod
  readonly reason?: string
}

/** Source statuses from which AWS will not clone until someone acts. */
const UNCLONEABLE_STATUSES = new Set([
  'stopped',
  'stopping',
  'starting',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'failed',
  'deleting',
])

/**
 * The pre-flight of a clone: what only a clone needs (a running source with an instance), the
 * pre-flight every method shares (keys, placement), then the clone limits. Under `auto`, a clone
 * that is impossible only because of the clone limits (one per destination account, 15
 * copy-on-write clones) becomes the snapshot relay, and the log says why; the relay's pre-flight
 * step then adds its own checks.
 */
export async function clonePreflight(input: ClonePreflightInput): Promise<CloneDecision> {
  const fullCopy = input.requested === 'full-copy'
  checkSourceShape(input)
  if (fullCopy) checkFullCopyAllowed(input)
  checkUnencryptedSource(input)
  await runPreflight({ ...input, method: fullCopy ? 'full-copy' : 'clone' })
  return fullCopy ? { method: 'full-copy' } : checkCloneLimits(input)
}

function where(input: ClonePreflightInput) {
  return {
    resource: input.sourceDb.arn,
    side: 'source' as const,
    accountId: input.source.accountId,
  }
}

function checkSourceShape(input: ClonePreflightInput): void {
  const db = input.sourceDb
  const members = db.cluster?.DBClusterMembers ?? []
  if (members.length === 0) {
    throw new ActionError({
      summary: `Source ${db.identifier} has no DB instance, and Aurora only clones a cluster with at least one`,
      ...where(input),
      hint: 'Add a DB instance to the source cluster (a headless cluster, such as a global database secondary without instances, cannot be cloned), or use method: relay.',
    })
  }
  if (UNCLONEABLE_STATUSES.has(db.status)) {
    const stopped = db.status === 'stopped' || db.status === 'stopping'
    throw new ActionError({
      summary: `Source ${db.identifier} is ${db.status}, and AWS clones only a running cluster`,
      ...where(input),
      hint: stopped
        ? `Start it first (aws rds start-db-cluster --db-cluster-identifier ${db.identifier}) and re-run once it is available.`
        : 'Re-run once the source cluster is available.',
    })
  }
}

function checkUnencryptedSource(input: ClonePreflightInput): void {
  const db = input.sourceDb
  if (db.encrypted || !input.settings.kmsKeyId) return
  throw new ActionError({
    summary: `Source ${db.identifier} is not encrypted, and AWS cannot restore or clone an unencrypted cluster into an encrypted one (kms-key-id is set)`,
    ...where(input),
    hint: 'Leave kms-key-id empty to make an unencrypted copy: AWS does not clone an unencrypted cluster into an encrypted one.',
  })
}

/**
 * A cluster shared from another account can only be restored as a copy-on-write clone: the
 * cross-account cloning procedure of the Aurora User Guide ("Cross-account cloning with AWS RAM
 * and Amazon Aurora") restores with RestoreType=copy-on-write, and the clone limits there count
 * only such clones.
 */
function checkFullCopyAllowed(input: ClonePreflightInput): void {
  if (input.sameAccount) return
  throw new ActionError({
    summary: `method: full-copy works only within one account: AWS restores a cluster shared from another account (${input.sourceDb.identifier}) only as a copy-on-write clone`,
    ...where(input),
    hint: 'Use method: clone (or auto) for a clone, or method: relay for a full copy through a snapshot.',
  })
}

/** The documented way to many fast copies of one source in one account (README "Base and branches"). */
export const BASE_AND_BRANCHES_HINT =
  'For many copies in one account (one per pull request), keep a base copy there made by a relay (nightly: method: relay, if-exists: replace) and clone each pull-request database from that base in the same account (source: the base, one role): same-account clones take minutes, up to 15 per base. See "Base and branches" in the README.'

async function checkCloneLimits(input: ClonePreflightInput): Promise<CloneDecision> {
  const source = input.sourceDb.cluster
  if (!source) return { method: 'clone' }
  const census = await countClones({
    source,
    sourceRds: input.source.clients.rds,
    destinationRds: input.sameAccount ? undefined : input.destination.clients.rds,
  })
  const problem = cloneLimitProblem(input, census)
  if (!problem) {
    const count = cloneCount(census)
    if (count >= CLONE_LIMIT_WARNING) {
      input.log.warning(
        `Source ${input.sourceDb.identifier} already has ${count} clones these roles can see (AWS allows ${COPY_ON_WRITE_CLONE_LIMIT} copy-on-write clones; past that a clone becomes a slow full copy). Delete copies no longer needed.`,
      )
    } else if (census.cloneGroupId) {
      input.log.info(`Clone group ${census.cloneGroupId}: ${count} other clone(s) visible`)
    }
    return { method: 'clone' }
  }
  if (input.requested === 'auto') {
    input.log.warning(`${problem.reason}. method is auto, so the snapshot relay is used instead.`)
    return { method: 'relay', reason: problem.reason }
  }
  throw new ActionError({ summary: problem.reason, ...where(input), hint: problem.hint })
}

function cloneLimitProblem(
  input: ClonePreflightInput,
  census: CloneCensus,
): { reason: string; hint: string } | undefined {
  if (input.sourceDb.cluster?.CrossAccountClone) {
    return {
      reason: `${input.sourceDb.identifier} is itself a cross-account clone, and AWS does not clone a cross-account clone`,
      hint: `Use method: relay (or auto) to copy it through a snapshot. To branch pull-request databases from a base, make the base with method: relay so that its account owns it. ${BASE_AND_BRANCHES_HINT}`,
    }
  }
  const target = input.settings.target
  // AWS matches identifiers case-insensitively.
  const others = census.inDestinationAccount.filter(
    (id) => id.toLowerCase() !== target?.toLowerCase(),
  )
  if (!input.sameAccount && others.length > 0) {
    return {
      reason: `AWS allows one cross-account clone of ${input.sourceDb.identifier} per destination account, and account ${input.destination.accountId} already has ${others.join(', ')}`,
      hint: `Delete ${others.join(', ')} first, or use method: relay (or auto) for a snapshot copy. ${BASE_AND_BRANCHES_HINT}`,
    }
  }
  const swapping =
    input.settings.ifExists === 'replace' && input.settings.replaceStrategy === 'swap'
  const cloneIsTarget = census.inDestinationAccount.some(
    (id) => id.toLowerCase() === target?.toLowerCase(),
  )
  if (!input.sameAccount && swapping && target && cloneIsTarget) {
    return {
      reason: `${target} is the cross-account clone of ${input.sourceDb.identifier} in account ${input.destination.accountId}, and AWS allows one per destination account: replacing it by a swap needs a second copy beside it, which cannot be a clone. A relay then swap keeps ${target} answering throughout`,
      hint: `Use method: auto or relay (relay, then swap: no downtime), or replace-strategy: delete-first to delete ${target} and clone again (the name is empty meanwhile). ${BASE_AND_BRANCHES_HINT}`,
    }
  }
  const count = cloneCount(census)
  if (count >= COPY_ON_WRITE_CLONE_LIMIT) {
    return {
      reason: `Source ${input.sourceDb.identifier} already has ${count} clones these roles can see; AWS allows ${COPY_ON_WRITE_CLONE_LIMIT} copy-on-write clones, and the next "clone" would silently be a full copy taking hours`,
      hint: 'Delete clones no longer needed, or use method: full-copy or relay knowingly.',
    }
  }
  return undefined
}
