import type { AccountSession } from '../../credentials.js'
import type { StepLog } from '../../engine/types.js'
import { ActionError } from '../../errors.js'
import type { CopyMethod } from '../../result.js'
import type { Settings } from '../../settings.js'
import {
  CLONE_LIMIT_WARNING,
  cloneCount,
  COPY_ON_WRITE_CLONE_LIMIT,
  countClones,
  type CloneCensus,
} from './limits.js'
import type { SourceDatabase } from '../common/detect.js'
import { readKeyPolicyFor, RDS_KEY_ACTIONS } from '../common/key-policy.js'
import { requirePlacement } from '../common/placement-lookup.js'
import { inspectSourceKey } from '../common/source-key.js'

/** Everything the clone pre-flight reads; nothing is created. */
export interface ClonePreflightInput {
  /** `auto` (Aurora), `clone` or `full-copy`. */
  readonly requested: 'auto' | 'clone' | 'full-copy'
  readonly settings: Settings
  readonly source: AccountSession
  readonly destination: AccountSession
  readonly sameAccount: boolean
  readonly sourceDb: SourceDatabase
  readonly log: Pick<StepLog, 'info' | 'warning'>
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
 * Check, before anything is created, that AWS can clone this source into the destination, and
 * refuse with the reason and the fix when it cannot. Under `auto`, a clone that is impossible only
 * because of the clone limits (one per destination account, 15 copy-on-write clones) becomes the
 * snapshot relay, and the log says why.
 */
export async function clonePreflight(input: ClonePreflightInput): Promise<CloneDecision> {
  checkSourceShape(input)
  if (input.requested === 'full-copy') checkFullCopyAllowed(input)
  checkEncryption(input)
  checkPlacement(input)
  await checkPlacementExists(input)
  if (!input.sameAccount && input.sourceDb.encrypted) await checkSourceKeyShareable(input)
  if (input.requested === 'full-copy') return { method: 'full-copy' }
  return checkCloneLimits(input)
}

function where(input: ClonePreflightInput) {
  return {
    resource: input.sourceDb.arn,
    side: 'source' as const,
    accountId: input.source.accountId,
  }
}

/**
 * Across accounts the source's subnet group and security groups do not exist in the destination:
 * without placement inputs AWS puts the copy in the destination's default subnet group and
 * default VPC security group. Allowed (it is what the API does), but never silently.
 */
function checkPlacement(input: ClonePreflightInput): void {
  if (input.sameAccount) return
  const s = input.settings
  const missing = [
    s.dbSubnetGroup ? undefined : 'db-subnet-group',
    s.vpcSecurityGroupIds.length > 0 ? undefined : 'vpc-security-group-ids',
    s.dbClusterParameterGroup ? undefined : 'db-cluster-parameter-group',
  ].filter((name): name is string => name !== undefined)
  if (missing.length === 0) return
  input.log.warning(
    `No ${missing.join(', ')}: the copy in account ${input.destination.accountId} gets AWS's defaults (the default DB subnet group, the default VPC security group, the engine's default cluster parameter group). Set them to place the copy where your workloads can reach it.`,
  )
}

/**
 * The named subnet group and parameter groups must exist in the destination before the RAM share
 * (in the source account) or anything else is created.
 */
async function checkPlacementExists(input: ClonePreflightInput): Promise<void> {
  const s = input.settings
  await requirePlacement({
    session: input.destination,
    side: 'destination',
    region: s.region,
    warn: (message) => input.log.warning(message),
    items: [
      { input: 'db-subnet-group', kind: 'db-subnet-group', name: s.dbSubnetGroup },
      {
        input: 'db-cluster-parameter-group',
        kind: 'db-cluster-parameter-group',
        name: s.dbClusterParameterGroup,
      },
      { input: 'db-parameter-group', kind: 'db-parameter-group', name: s.dbParameterGroup },
    ],
  })
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

function checkEncryption(input: ClonePreflightInput): void {
  const db = input.sourceDb
  const kmsKeyId = input.settings.kmsKeyId
  if (!db.encrypted && kmsKeyId) {
    throw new ActionError({
      summary: `Source ${db.identifier} is not encrypted, and AWS cannot restore or clone an unencrypted cluster into an encrypted one (kms-key-id is set)`,
      ...where(input),
      hint: 'Leave kms-key-id empty to make an unencrypted copy: AWS does not clone an unencrypted cluster into an encrypted one.',
    })
  }
  if (db.encrypted && !input.sameAccount && !kmsKeyId) {
    throw new ActionError({
      summary: `kms-key-id is required: source ${db.identifier} is encrypted (key ${db.kmsKeyArn ?? 'unknown'}) and the destination account ${input.destination.accountId} differs from the source account`,
      ...where(input),
      hint: 'Set kms-key-id to a customer-managed key ARN (or alias ARN) the destination account may use, for example its own key; see docs/cross-account.md for the key policies.',
    })
  }
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

async function checkSourceKeyShareable(input: ClonePreflightInput): Promise<void> {
  const db = input.sourceDb
  if (!db.kmsKeyArn) return
  const key = await inspectSourceKey(input.source.clients.kms, db.kmsKeyArn)
  if (key.manager === 'AWS') {
    throw new ActionError({
      summary: `Source ${db.identifier} is encrypted with the AWS-managed key aws/rds (${key.arn}), which AWS does not share with other accounts, so it cannot be cloned across accounts`,
      ...where(input),
      hint: 'Re-encrypt the source with a customer-managed key whose policy allows the destination account: copy a snapshot of it with that key (CopyDBClusterSnapshot --kms-key-id) and restore the cluster from the copy. method: relay does not help here: snapshots under aws/rds cannot be shared either.',
    })
  }
  if (key.manager === 'unknown') {
    input.log.warning(
      `Could not tell whether the source key ${key.arn} is AWS-managed: ${key.basis}. Going on as if it were customer-managed; if it is aws/rds, the clone fails with KMSKeyNotAccessibleFault. Allow kms:DescribeKey on it to the source role for a clear answer up front.`,
    )
  } else {
    input.log.info(`Source key ${key.arn} is ${'customer'}-managed (${key.basis})`)
  }
  await checkKeyPolicy(input, db.kmsKeyArn)
}

/** The clone in the destination needs the source key: its policy must allow what RDS uses. */
async function checkKeyPolicy(input: ClonePreflightInput, keyArn: string): Promise<void> {
  const account = input.destination.accountId
  const reading = await readKeyPolicyFor(input.source.clients.kms, keyArn, account)
  if (!reading.read) {
    input.log.warning(
      `Could not read the policy of the source key ${keyArn} (${reading.reason}): whether it lets account ${account} use the key (${RDS_KEY_ACTIONS.join(', ')}) is unchecked until the clone starts. Allow kms:GetKeyPolicy on the key to the source role for this check.`,
    )
    return
  }
  if (reading.missing.length === 0) return
  throw new ActionError({
    summary: `The policy of the source key ${keyArn} does not let the destination account ${account} use it (${reading.missing.join(', ')} not allowed), and the clone needs it`,
    ...where(input),
    resource: keyArn,
    hint: `Add to the key policy in the source account a statement for principal arn:aws:iam::${account}:root allowing kms:DescribeKey, ${RDS_KEY_ACTIONS.join(', ')}.`,
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
  if (!input.sameAccount && swapping && target && census.inDestinationAccount.includes(target)) {
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
