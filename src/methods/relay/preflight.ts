import { DescribeKeyCommand, type KeyMetadata } from '@aws-sdk/client-kms'
import {
  DescribeAccountAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  type AccountQuota,
} from '@aws-sdk/client-rds'
import type { AccountSide } from '../../engine/types.js'
import {
  ActionError,
  awsErrorCode,
  isAccessDenied,
  isNotFound,
  errorMessage,
} from '../../errors.js'
import type { AccountSession } from '../../credentials.js'
import { sessionFor, type RefreshContext } from '../common/context.js'
import type { SourceKind } from '../common/detect.js'
import { readKeyPolicyFor, RDS_KEY_ACTIONS } from '../common/key-policy.js'
import { requirePlacement } from '../common/placement-lookup.js'
import { multiAzStorage, type RelayStep } from './steps.js'

/**
 * Pre-flight checks of a relay: each refuses, with the reason and the fix, before anything is
 * created, what AWS would otherwise refuse hours into the run (or silently get wrong).
 */

/**
 * AWS's default quota of manual snapshots per account and Region, for each snapshot type (RDS
 * quotas: ManualSnapshots, ManualClusterSnapshots); used only when the real ones can't be read.
 */
export const DEFAULT_MANUAL_SNAPSHOT_QUOTA = 100
/** Warn when fewer than this many manual snapshots would remain free after the run. */
const QUOTA_WARNING_MARGIN = 10

/** Where the copy goes in the destination account. */
export interface Placement {
  readonly subnetGroup?: string
  readonly securityGroupIds?: readonly string[]
  readonly clusterParameterGroup?: string
  readonly parameterGroup?: string
}

/**
 * The copy's placement: the inputs, or in one account the source's own (a deliberate default,
 * logged). Across accounts nothing of the source's applies, and AWS's defaults (the default
 * security group and parameter group) are never taken silently: the pre-flight asks for them.
 */
export function resolvePlacement(ctx: RefreshContext): Placement {
  const s = ctx.settings
  const fromSource = ctx.sameAccount && ctx.settings.phase !== 'destination'
  const cluster = fromSource ? ctx.sourceDb.cluster : undefined
  const instance = fromSource ? ctx.sourceDb.instance : undefined
  const sourceGroups = (cluster?.VpcSecurityGroups ?? instance?.VpcSecurityGroups ?? []).flatMap(
    (g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []),
  )
  return {
    subnetGroup:
      s.dbSubnetGroup ?? cluster?.DBSubnetGroup ?? instance?.DBSubnetGroup?.DBSubnetGroupName,
    securityGroupIds:
      s.vpcSecurityGroupIds.length > 0
        ? s.vpcSecurityGroupIds
        : sourceGroups.length > 0
          ? sourceGroups
          : undefined,
    clusterParameterGroup: s.dbClusterParameterGroup ?? cluster?.DBClusterParameterGroup,
    parameterGroup: s.dbParameterGroup ?? instance?.DBParameterGroups?.[0]?.DBParameterGroupName,
  }
}

/** The pre-flight step every relay plan starts with. */
export function preflightStep(): RelayStep {
  return {
    name: 'preflight',
    title:
      'Pre-flight checks: keys, placement, snapshot quota (nothing is created before they pass)',
    side: 'destination',
    phases: ['all', 'source', 'destination'],
    async run(ctx, runtime) {
      const checks = [
        checkKmsKeyGiven,
        checkSourceKeyShareable,
        checkDestinationCanUseSourceKey,
        checkSourceKeyPolicy,
        checkDestinationKey,
        checkPlacement,
        checkTempPlacement,
        checkInstanceClass,
        checkMultiAzStorage,
        checkSnapshotQuota,
      ]
      for (const check of checks)
        await check(
          ctx,
          (message) => runtime.log.info(message),
          (message) => runtime.log.warning(message),
        )
      runtime.note('passed')
    },
  }
}

type Log = (message: string) => void
type Check = (ctx: RefreshContext, info: Log, warn: Log) => Promise<void>

const crossAccountEncrypted = (ctx: RefreshContext): boolean =>
  !ctx.sameAccount && ctx.sourceDb.encrypted

function refuse(
  ctx: RefreshContext,
  side: AccountSide,
  summary: string,
  hint: string,
  extra: { code?: string; awsMessage?: string; resource?: string } = {},
): ActionError {
  return new ActionError({
    summary,
    step: 'preflight',
    side,
    accountId: sessionFor(ctx, side).accountId,
    hint,
    ...extra,
  })
}

/** The destination's key matters to the jobs that copy: not to a source-phase job. */
const copiesHere = (ctx: RefreshContext): boolean => ctx.settings.phase !== 'source'

const checkKmsKeyGiven: Check = async (ctx) => {
  if (!crossAccountEncrypted(ctx) || !copiesHere(ctx) || ctx.settings.kmsKeyId) return
  throw refuse(
    ctx,
    'destination',
    `The source ${ctx.sourceDb.identifier} is encrypted and the accounts differ, but no kms-key-id is set`,
    'AWS copies a shared encrypted snapshot only with a key of the destination account: set kms-key-id to a customer-managed KMS key ARN (or alias ARN) in the destination account.',
    { resource: ctx.sourceDb.kmsKeyArn },
  )
}

const checkSourceKeyShareable: Check = async (ctx, info, warn) => {
  if (
    !crossAccountEncrypted(ctx) ||
    ctx.settings.phase === 'destination' ||
    !ctx.sourceDb.kmsKeyArn
  )
    return
  const key = await describeKey(ctx.source, ctx.sourceDb.kmsKeyArn)
  if (!key.metadata) {
    warn(`could not read the source key ${ctx.sourceDb.kmsKeyArn} (${key.message}); continuing`)
    return
  }
  if (key.metadata.KeyManager !== 'AWS') {
    info(`source key ${ctx.sourceDb.kmsKeyArn} is customer-managed: its snapshots can be shared`)
    return
  }
  throw refuse(
    ctx,
    'source',
    `The source ${ctx.sourceDb.identifier} is encrypted with the AWS managed key aws/rds, and snapshots under that key cannot be shared with another account`,
    'Re-encrypt with a customer-managed key: create a KMS key in the source account whose key policy lets the destination account use it (kms:Decrypt, kms:DescribeKey, kms:CreateGrant, kms:ReEncrypt*), copy a snapshot of the source with it (aws rds copy-db-snapshot / copy-db-cluster-snapshot --kms-key-id <key ARN>), restore the source database from that copy (or give the copy to a source-phase job), then run again.',
    { resource: ctx.sourceDb.kmsKeyArn },
  )
}

const KEY_USE_HINT = (account: string): string =>
  `Add the destination account to that key's policy in the source account: principal arn:aws:iam::${account}:root with kms:DescribeKey, ${RDS_KEY_ACTIONS.join(', ')}; and let the destination role use the key ARN in its IAM policy.`

/**
 * From the destination: kms:DescribeKey on the source key. KMS evaluates each action on its own,
 * so this proves only that the destination may describe the key, not that RDS may use it there;
 * the key policy check below (from the source account) looks at the actions RDS needs.
 */
const checkDestinationCanUseSourceKey: Check = async (ctx, info, warn) => {
  const keyArn = ctx.sourceDb.kmsKeyArn
  if (!crossAccountEncrypted(ctx) || !keyArn) return
  const key = await describeKey(ctx.destination, keyArn)
  if (key.metadata) {
    info(
      `the destination account ${ctx.destination.accountId} may describe the source key ${keyArn} (kms:DescribeKey); that alone does not show it may use the key (${RDS_KEY_ACTIONS.join(', ')})`,
    )
    return
  }
  if (key.denied || key.missing) {
    throw refuse(
      ctx,
      'destination',
      `The destination account ${ctx.destination.accountId} cannot use the KMS key ${keyArn} that encrypts the source's snapshots: it may not even describe it (kms:DescribeKey)`,
      KEY_USE_HINT(ctx.destination.accountId),
      { resource: keyArn, code: key.code, awsMessage: key.message },
    )
  }
  warn(`could not check the source key from the destination account (${key.message}); continuing`)
}

/**
 * From the source account (jobs that hold its role): the key policy must allow the destination
 * account every action RDS needs to copy or restore with the key. What could not be read is
 * logged as unchecked, never assumed.
 */
const checkSourceKeyPolicy: Check = async (ctx, info, warn) => {
  const keyArn = ctx.sourceDb.kmsKeyArn
  if (!crossAccountEncrypted(ctx) || !keyArn || ctx.settings.phase === 'destination') return
  const account = ctx.destination.accountId
  const reading = await readKeyPolicyFor(ctx.source.clients.kms, keyArn, account)
  if (!reading.read) {
    warn(
      `could not read the policy of the source key ${keyArn} (${reading.reason}): whether it lets account ${account} use the key (${RDS_KEY_ACTIONS.join(', ')}) is unchecked until RDS uses it. Allow kms:GetKeyPolicy on the key to the source role for this check.`,
    )
    return
  }
  if (reading.missing.length > 0) {
    throw refuse(
      ctx,
      'source',
      `The policy of the source key ${keyArn} does not let the destination account ${account} use it: ${reading.missing.join(', ')} not allowed`,
      KEY_USE_HINT(account),
      { resource: keyArn },
    )
  }
  const conditional =
    reading.conditional.length > 0
      ? ` (${reading.conditional.join(', ')} under conditions RDS meets)`
      : ''
  info(
    `the source key's policy allows account ${account} ${RDS_KEY_ACTIONS.join(', ')}${conditional}`,
  )
}

const checkDestinationKey: Check = async (ctx, info) => {
  const keyId = ctx.settings.kmsKeyId
  if (!keyId || !copiesHere(ctx)) return
  const key = await describeKey(ctx.destination, keyId)
  if (key.metadata) {
    info(`destination key ${keyId} → ${key.metadata.Arn ?? keyId}`)
    return
  }
  throw refuse(
    ctx,
    'destination',
    `kms-key-id ${keyId} is not a KMS key the destination account ${ctx.destination.accountId} can use`,
    'Set kms-key-id to the ARN (or alias ARN) of a customer-managed key in the destination account, and let the destination role use it.',
    { resource: keyId, code: key.code, awsMessage: key.message },
  )
}

/**
 * An Aurora copy needs a class for its instances: the source writer's by default. A
 * destination-phase job never reads the source, so it must be told rather than guess.
 */
const checkInstanceClass: Check = async (ctx) => {
  if (ctx.sourceDb.kind !== 'aurora-cluster' || ctx.settings.phase === 'source') return
  if (ctx.settings.instanceClass || ctx.sourceDb.writerInstanceClass) return
  throw refuse(
    ctx,
    'destination',
    "No instance class for the Aurora copy: this job cannot read the source writer's class",
    'Set instance-class (for example db.r6g.large, or db.serverless with serverless-min-capacity and serverless-max-capacity).',
  )
}

/**
 * A Multi-AZ DB cluster restore with a storage type needs Iops (RestoreDBClusterFromSnapshot's
 * model documentation): refuse before anything is created when neither the inputs nor the source
 * give one.
 */
const checkMultiAzStorage: Check = async (ctx) => {
  if (ctx.sourceDb.kind !== 'multi-az-cluster' || ctx.settings.phase === 'source') return
  const storage = multiAzStorage(ctx)
  if (storage.storageType === undefined || storage.iops !== undefined) return
  throw refuse(
    ctx,
    'destination',
    `storage-type ${storage.storageType} for the Multi-AZ DB cluster copy needs iops, and this job does not know the source's`,
    "Set iops (AWS requires Iops with a storage type when restoring a Multi-AZ DB cluster), or leave storage-type unset for AWS's default storage.",
  )
}

const checkPlacement: Check = async (ctx, info, warn) => {
  if (ctx.settings.phase === 'source') return
  const placement = resolvePlacement(ctx)
  const isInstance = ctx.sourceDb.kind === 'instance'
  const missing = [
    placement.subnetGroup ? undefined : 'db-subnet-group',
    placement.securityGroupIds ? undefined : 'vpc-security-group-ids',
    isInstance && !placement.parameterGroup ? 'db-parameter-group' : undefined,
  ].filter((name): name is string => name !== undefined)
  if (missing.length > 0) {
    throw refuse(
      ctx,
      'destination',
      `The copy's placement in the destination account is not set: ${missing.join(', ')}`,
      `Set ${missing.join(', ')}: otherwise AWS would put the copy in the default VPC's default security group and default parameter group, which the action never does silently.`,
    )
  }
  if (!isInstance && !placement.clusterParameterGroup) {
    warn(
      "no db-cluster-parameter-group: the copy gets the engine's default DB cluster parameter group",
    )
  }
  const usesParameterGroup = isInstance || ctx.sourceDb.kind === 'aurora-cluster'
  await requirePlacement({
    session: ctx.destination,
    side: 'destination',
    region: ctx.settings.region,
    step: 'preflight',
    warn,
    items: [
      { input: 'db-subnet-group', kind: 'db-subnet-group', name: placement.subnetGroup },
      {
        input: 'db-cluster-parameter-group',
        kind: 'db-cluster-parameter-group',
        name: isInstance ? undefined : placement.clusterParameterGroup,
      },
      {
        input: 'db-parameter-group',
        kind: 'db-parameter-group',
        name: usesParameterGroup ? placement.parameterGroup : undefined,
      },
    ],
  })
  // RDS cannot list VPC security groups (that is EC2); the restore call names a missing one.
  info(
    `placement: subnet group ${placement.subnetGroup}, security groups ${placement.securityGroupIds?.join(', ')}`,
  )
}

/**
 * The Multi-AZ relay's temporary instance is restored in the source account, in
 * temp-db-subnet-group (default: the source cluster's own, which exists).
 */
const checkTempPlacement: Check = async (ctx, _info, warn) => {
  if (ctx.sourceDb.kind !== 'multi-az-cluster' || ctx.settings.phase === 'destination') return
  await requirePlacement({
    session: ctx.source,
    side: 'source',
    region: ctx.settings.region,
    step: 'preflight',
    warn,
    items: [
      {
        input: 'temp-db-subnet-group',
        kind: 'db-subnet-group',
        name: ctx.settings.tempDbSubnetGroup,
      },
    ],
  })
}

/** Manual snapshots each account gains during the run, by snapshot type. */
export function snapshotsCreated(
  kind: SourceKind,
  ctx: RefreshContext,
): { side: AccountSide; db: number; cluster: number }[] {
  const phase = ctx.settings.phase
  const source = { side: 'source' as const, db: 0, cluster: 0 }
  const destination = { side: 'destination' as const, db: 0, cluster: 0 }
  if (phase !== 'destination') {
    if (kind === 'aurora-cluster') source.cluster += 1
    else source.db += 1
    if (kind === 'multi-az-cluster') source.cluster += 1
  }
  const copies = !ctx.sameAccount || ctx.settings.kmsKeyId !== undefined
  if (phase !== 'source' && copies) {
    if (kind === 'aurora-cluster') destination.cluster += 1
    else destination.db += 1
  }
  if (ctx.sameAccount) {
    return [
      {
        side: 'destination',
        db: source.db + destination.db,
        cluster: source.cluster + destination.cluster,
      },
    ]
  }
  return [source, destination].filter((a) => a.db + a.cluster > 0)
}

/** A manual snapshot quota of one account: AWS counts DB and DB cluster snapshots apart. */
interface SnapshotQuota {
  /** `ManualSnapshots` (DB snapshots) or `ManualClusterSnapshots` (DB cluster snapshots). */
  readonly name: 'ManualSnapshots' | 'ManualClusterSnapshots'
  readonly label: string
  readonly used: number
  readonly max: number
}

/**
 * The account's manual snapshot quotas, read with DescribeAccountAttributes. When that call is
 * refused, AWS's default (100 of each) is assumed, snapshots are counted, and the log says so.
 */
async function snapshotQuotas(
  session: AccountSession,
  where: string,
  warn: Log,
): Promise<Record<'db' | 'cluster', SnapshotQuota>> {
  let quotas: AccountQuota[] | undefined
  try {
    quotas = (await session.clients.rds.send(new DescribeAccountAttributesCommand({})))
      ?.AccountQuotas
  } catch (error) {
    warn(
      `could not read the RDS quotas of the ${where} (DescribeAccountAttributes: ${awsErrorCode(error) ?? 'error'}: ${errorMessage(error)}); assuming AWS's default of ${DEFAULT_MANUAL_SNAPSHOT_QUOTA} manual DB snapshots and ${DEFAULT_MANUAL_SNAPSHOT_QUOTA} manual DB cluster snapshots. Allow rds:DescribeAccountAttributes for the real quotas.`,
    )
  }
  const quota = async (
    name: SnapshotQuota['name'],
    type: 'db' | 'cluster',
    label: string,
  ): Promise<SnapshotQuota> => {
    const found = quotas?.find((q) => q.AccountQuotaName === name)
    return {
      name,
      label,
      used: found?.Used ?? (await countManualSnapshots(session, type)),
      max: found?.Max ?? DEFAULT_MANUAL_SNAPSHOT_QUOTA,
    }
  }
  return {
    db: await quota('ManualSnapshots', 'db', 'manual DB snapshots'),
    cluster: await quota('ManualClusterSnapshots', 'cluster', 'manual DB cluster snapshots'),
  }
}

/** Each account must have room, under each of its two quotas, for the snapshots the run makes. */
const checkSnapshotQuota: Check = async (ctx, info, warn) => {
  for (const need of snapshotsCreated(ctx.sourceDb.kind, ctx)) {
    const session = sessionFor(ctx, need.side)
    const where = `${need.side} account ${session.accountId}`
    const quotas = await snapshotQuotas(session, where, warn)
    for (const [type, adding] of [
      ['db', need.db],
      ['cluster', need.cluster],
    ] as const) {
      if (adding === 0) continue
      const quota = quotas[type]
      const after = quota.used + adding
      if (after > quota.max) {
        throw refuse(
          ctx,
          need.side,
          `The ${where} has ${quota.used} ${quota.label}; this relay needs ${adding} more and the quota is ${quota.max} (${quota.name})`,
          `Delete ${quota.label} that are no longer needed in the ${where}, or ask AWS for a higher ${quota.name} quota (Service Quotas), then run again.`,
          { code: 'SnapshotQuotaExceeded' },
        )
      }
      if (quota.max - after < QUOTA_WARNING_MARGIN) {
        warn(
          `the ${where} will have ${after} of ${quota.max} ${quota.label}: delete old ones before the quota stops a run`,
        )
      } else {
        info(
          `${where}: ${quota.used} ${quota.label} (+${adding} during the run, quota ${quota.max})`,
        )
      }
    }
  }
}

async function countManualSnapshots(
  session: AccountSession,
  type: 'db' | 'cluster',
): Promise<number> {
  const rds = session.clients.rds
  let count = 0
  let marker: string | undefined
  do {
    if (type === 'db') {
      const out = await rds.send(
        new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', MaxRecords: 100, Marker: marker }),
      )
      count += out.DBSnapshots?.length ?? 0
      marker = out.Marker
    } else {
      const out = await rds.send(
        new DescribeDBClusterSnapshotsCommand({
          SnapshotType: 'manual',
          MaxRecords: 100,
          Marker: marker,
        }),
      )
      count += out.DBClusterSnapshots?.length ?? 0
      marker = out.Marker
    }
  } while (marker)
  return count
}

interface KeyLookup {
  readonly metadata?: KeyMetadata
  readonly denied?: boolean
  readonly missing?: boolean
  readonly code?: string
  readonly message?: string
}

async function describeKey(session: AccountSession, keyId: string): Promise<KeyLookup> {
  try {
    const out = await session.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }))
    return { metadata: out.KeyMetadata }
  } catch (error) {
    return {
      denied: isAccessDenied(error),
      missing: isNotFound(error),
      code: awsErrorCode(error),
      message: errorMessage(error),
    }
  }
}
