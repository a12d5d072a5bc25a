import type { DBCluster, DBInstance } from '@aws-sdk/client-rds'
import type { AccountSession, Accounts } from '../../credentials.js'
import { findClusterSnapshot, findSnapshot } from '../../aws/rds-read.js'
import { ActionError } from '../../errors.js'
import type { CopyMethod } from '../../result.js'
import type { ResourceRef, Settings } from '../../settings.js'
import { detectSource, type SourceDatabase } from './detect.js'
import { describeKind, resolveMethod } from '../choose-method.js'
import { kindOfHandoff } from '../relay/names.js'
import { accountFromArn, rdsResourceId, rdsResourceType } from '../../aws/arn.js'

/**
 * Split jobs. `phase: source` runs the relay up to the share and hands over `snapshot-arn`;
 * `phase: destination` starts from that ARN without reading (or being able to read) the source
 * database: what it rebuilds follows from the shared snapshot itself (relay-names.ts).
 */

/** What a refresh starts from: the source as read, or as a shared snapshot describes it. */
export interface PhaseStart {
  readonly sourceDb: SourceDatabase
  /** For phase destination: the snapshot's owner is the destination account. */
  readonly sameAccount: boolean
  readonly method: CopyMethod
}

/** The source's account: its own ARN names it (a destination-phase job signs in to only one). */
export function sourceAccountOf(sourceDb: SourceDatabase, accounts: Accounts): string {
  return accountFromArn(sourceDb.arn) ?? accounts.source.accountId
}

/**
 * Read what the refresh starts from and resolve its method. `inputs/rules.ts` already required
 * snapshot-arn for phase destination and source otherwise, and refused a clone split into phases.
 */
export async function startPhase(
  settings: Settings,
  accounts: Accounts,
  target: { readonly exists: boolean },
): Promise<PhaseStart> {
  if (settings.phase === 'destination') {
    const arn = settings.snapshotArn as string
    const sourceDb = await sourceFromSnapshot(accounts.destination, arn)
    return {
      sourceDb,
      sameAccount: accountFromArn(arn) === accounts.destination.accountId,
      method: 'relay',
    }
  }
  const sourceDb = await detectSource(accounts.source, settings.source as ResourceRef)
  if (settings.phase === 'source') {
    return { sourceDb, sameAccount: accounts.sameAccount, method: 'relay' }
  }
  return {
    sourceDb,
    sameAccount: accounts.sameAccount,
    method: await resolveMethod(settings.method, sourceDb, {
      settings,
      accounts,
      targetExists: target.exists,
    }),
  }
}

/**
 * The source as a shared snapshot describes it. Describing it by ARN with IncludeShared also
 * proves it is shared with this account: AWS answers "not found" otherwise.
 */
export async function sourceFromSnapshot(
  session: AccountSession,
  arn: string,
): Promise<SourceDatabase> {
  const type = rdsResourceType(arn)
  if (type !== 'snapshot' && type !== 'cluster-snapshot') {
    throw new ActionError({
      summary: `snapshot-arn ${arn} is not the ARN of an RDS DB snapshot or DB cluster snapshot`,
      hint: 'Pass the snapshot-arn output of the phase: source job unchanged (arn:aws:rds:<region>:<account>:snapshot:<id>).',
    })
  }
  const where = { resource: arn, side: 'destination' as const, accountId: session.accountId }
  const rds = session.clients.rds
  const id = rdsResourceId(arn)
  if (type === 'cluster-snapshot') {
    const snapshot = await findClusterSnapshot(rds, arn)
    requireAvailable(arn, snapshot?.Status, where)
    const handoff = kindOfHandoff('db-cluster-snapshot', id, snapshot?.Engine)
    return {
      kind: handoff.kind,
      identifier: snapshot?.DBClusterIdentifier ?? id,
      arn,
      engine: snapshot?.Engine ?? '',
      engineVersion: snapshot?.EngineVersion ?? '',
      status: 'snapshot available',
      encrypted: snapshot?.StorageEncrypted ?? false,
      kmsKeyArn: snapshot?.KmsKeyId,
      // A cluster snapshot shows no Iops, so the copy keeps the snapshot's storage unless the inputs say.
      cluster: handoff.instanceClass
        ? { DBClusterInstanceClass: handoff.instanceClass }
        : undefined,
    }
  }
  const snapshot = await findSnapshot(rds, arn)
  requireAvailable(arn, snapshot?.Status, where)
  const handoff = kindOfHandoff('db-snapshot', id)
  const engine = snapshot?.Engine ?? ''
  // Storage facts the restore takes from "the source"; the snapshot is all this job can see.
  const storage = {
    Engine: engine,
    StorageType: snapshot?.StorageType,
    Iops: snapshot?.Iops,
    AllocatedStorage: snapshot?.AllocatedStorage,
  }
  const facts =
    handoff.kind === 'multi-az-cluster'
      ? {
          cluster: {
            ...storage,
            DBClusterInstanceClass: handoff.instanceClass,
          } satisfies DBCluster,
        }
      : { instance: storage satisfies DBInstance }
  return {
    kind: handoff.kind,
    // A Multi-AZ hand-off was taken of the relay's temporary instance: the snapshot names it better.
    identifier: handoff.kind === 'multi-az-cluster' ? id : (snapshot?.DBInstanceIdentifier ?? id),
    arn,
    engine,
    engineVersion: snapshot?.EngineVersion ?? '',
    status: 'snapshot available',
    encrypted: snapshot?.Encrypted ?? false,
    kmsKeyArn: snapshot?.KmsKeyId,
    ...facts,
  }
}

function requireAvailable(
  arn: string,
  status: string | undefined,
  where: { resource: string; side: 'destination'; accountId: string },
): void {
  if (status === undefined) {
    throw new ActionError({
      summary: `Snapshot ${arn} is not shared with the destination account ${where.accountId}, or does not exist`,
      ...where,
      hint: 'Run the phase: source job with this destination account (destination-role-arn of this account) and pass its snapshot-arn; AWS answers the same for a snapshot that does not exist and one not shared with this account.',
    })
  }
  if (status !== 'available') {
    throw new ActionError({
      summary: `Snapshot ${arn} is ${status}, not available`,
      ...where,
      hint: 'Start the destination phase after the source phase has finished.',
    })
  }
}

/** One line for the log: what this job starts from. */
export function describeStart(settings: Settings, sourceDb: SourceDatabase): string {
  const what = `${describeKind(sourceDb)} ${sourceDb.identifier}, ${sourceDb.engine} ${sourceDb.engineVersion}`
  return settings.phase === 'destination'
    ? `Shared snapshot ${sourceDb.arn} of a ${what}`
    : `Source: ${describeKind(sourceDb)} ${sourceDb.arn}, ${sourceDb.engine} ${sourceDb.engineVersion}, status ${sourceDb.status}`
}
