import type { DBCluster, DBInstance } from '@aws-sdk/client-rds'
import type { AccountSession, Accounts } from '../../credentials.js'
import { findClusterSnapshot, findSnapshot } from '../../aws/rds-read.js'
import { ActionError } from '../../errors.js'
import { copyOutputs, Outputs } from '../../report.js'
import type { CopyMethod, CopyResult } from '../../result.js'
import type { ResourceRef, Settings } from '../../settings.js'
import type { RefreshContext } from './context.js'
import { detectSource, type SourceDatabase } from './detect.js'
import { describeKind, resolveMethod } from '../choose-method.js'
import { kindOfHandoff } from '../relay/names.js'
import { accountFromArn } from '../relay/snapshots.js'

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

/**
 * A destination-phase job reads nothing in the source account and usually holds no credentials
 * for it: with one role (destination-role-arn, or source-role-arn as elsewhere) it opens only
 * that one. With two different roles it opens both, and then also withdraws the share and
 * deletes the handed-over snapshot once its copy exists. `delete` and `sweep` work in the
 * destination account alike; with both roles they also withdraw what was shared from the source.
 */
export function credentialSettings(settings: Settings): Settings {
  const operation = settings.operation === 'plan' ? settings.planOperation : settings.operation
  const destinationOnly =
    operation === 'delete' || operation === 'sweep' || settings.phase === 'destination'
  if (!destinationOnly) return settings
  if (settings.sourceRoleArn && settings.destinationRoleArn) return settings
  const role = settings.destinationRoleArn ?? settings.sourceRoleArn
  return { ...settings, sourceRoleArn: role, destinationRoleArn: role }
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
  const type = arn.split(':')[5]
  if (!arn.startsWith('arn:') || (type !== 'snapshot' && type !== 'cluster-snapshot')) {
    throw new ActionError({
      summary: `snapshot-arn ${arn} is not the ARN of an RDS DB snapshot or DB cluster snapshot`,
      hint: 'Pass the snapshot-arn output of the phase: source job unchanged (arn:aws:rds:<region>:<account>:snapshot:<id>).',
    })
  }
  const where = { resource: arn, side: 'destination' as const, accountId: session.accountId }
  const rds = session.clients.rds
  const id = arn.split(':').slice(6).join(':')
  if (type === 'cluster-snapshot') {
    const snapshot = await findClusterSnapshot(rds, arn)
    requireAvailable(arn, snapshot?.Status, where)
    return {
      kind: kindOfHandoff('db-cluster-snapshot', id).kind,
      identifier: snapshot?.DBClusterIdentifier ?? id,
      arn,
      engine: snapshot?.Engine ?? '',
      engineVersion: snapshot?.EngineVersion ?? '',
      status: 'snapshot available',
      encrypted: snapshot?.StorageEncrypted ?? false,
      kmsKeyArn: snapshot?.KmsKeyId,
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

/** A source-phase job's outputs are the hand-off; otherwise those of the copy. */
export function phaseOutputs(ctx: RefreshContext): Record<string, string> {
  if (ctx.settings.phase === 'destination') {
    // The source account is the snapshot's owner, not the account this job signed in to.
    const owner = accountFromArn(ctx.settings.snapshotArn ?? '')
    const outputs = copyOutputs(ctx.copy as CopyResult)
    return owner ? { ...outputs, [Outputs.sourceAccountId]: owner } : outputs
  }
  if (ctx.settings.phase !== 'source') return copyOutputs(ctx.copy as CopyResult)
  const outputs: Record<string, string> = { [Outputs.method]: ctx.method }
  if (ctx.copy.snapshotArn) outputs[Outputs.snapshotArn] = ctx.copy.snapshotArn
  return outputs
}
