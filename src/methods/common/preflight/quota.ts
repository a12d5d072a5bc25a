import {
  DescribeAccountAttributesCommand,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBSnapshots,
  type AccountQuota,
} from '@aws-sdk/client-rds'
import type { AccountSession } from '../../../credentials.js'
import type { AccountSide } from '../../../engine/types.js'
import { awsErrorCode, errorMessage } from '../../../errors.js'
import { refusal, type Check, type PreflightInput } from './input.js'

/**
 * AWS's default quota of manual snapshots per account and Region, for each snapshot type (RDS
 * quotas: ManualSnapshots, ManualClusterSnapshots); used only when the real ones can't be read.
 */
export const DEFAULT_MANUAL_SNAPSHOT_QUOTA = 100
/** Warn when fewer than this many manual snapshots would remain free after the run. */
const QUOTA_WARNING_MARGIN = 10

/** Manual snapshots each account gains during the run, by snapshot type (none for a clone). */
export function snapshotsCreated(
  input: Pick<PreflightInput, 'settings' | 'sameAccount' | 'sourceDb' | 'method'>,
): { side: AccountSide; db: number; cluster: number }[] {
  if (input.method !== 'relay') return []
  const kind = input.sourceDb.kind
  const phase = input.settings.phase
  const source = { side: 'source' as const, db: 0, cluster: 0 }
  const destination = { side: 'destination' as const, db: 0, cluster: 0 }
  if (phase !== 'destination') {
    if (kind === 'aurora-cluster') source.cluster += 1
    else source.db += 1
    if (kind === 'multi-az-cluster') source.cluster += 1
  }
  const copies = !input.sameAccount || input.settings.kmsKeyId !== undefined
  if (phase !== 'source' && copies) {
    if (kind === 'aurora-cluster') destination.cluster += 1
    else destination.db += 1
  }
  if (input.sameAccount) {
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
  warn: (message: string) => void,
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
export const checkSnapshotQuota: Check = async (input) => {
  for (const need of snapshotsCreated(input)) {
    const session = need.side === 'source' ? input.source : input.destination
    const where = `${need.side} account ${session.accountId}`
    const quotas = await snapshotQuotas(session, where, (m) => input.log.warning(m))
    for (const [type, adding] of [
      ['db', need.db],
      ['cluster', need.cluster],
    ] as const) {
      if (adding === 0) continue
      const quota = quotas[type]
      const after = quota.used + adding
      if (after > quota.max) {
        throw refusal(input, need.side, {
          summary: `The ${where} has ${quota.used} ${quota.label}; this relay needs ${adding} more and the quota is ${quota.max} (${quota.name})`,
          hint: `Delete ${quota.label} that are no longer needed in the ${where}, or ask AWS for a higher ${quota.name} quota (Service Quotas), then run again.`,
          code: 'SnapshotQuotaExceeded',
        })
      }
      if (quota.max - after < QUOTA_WARNING_MARGIN) {
        input.log.warning(
          `the ${where} will have ${after} of ${quota.max} ${quota.label}: delete old ones before the quota stops a run`,
        )
      } else {
        input.log.info(
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
  const client = session.clients.rds
  const request = { SnapshotType: 'manual', MaxRecords: 100 }
  let count = 0
  if (type === 'db') {
    for await (const page of paginateDescribeDBSnapshots({ client }, request)) {
      count += page.DBSnapshots?.length ?? 0
    }
  } else {
    for await (const page of paginateDescribeDBClusterSnapshots({ client }, request)) {
      count += page.DBClusterSnapshots?.length ?? 0
    }
  }
  return count
}
