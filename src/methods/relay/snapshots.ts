import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds'
import { findClusterSnapshot, findSnapshot } from '../../aws/rds-read.js'
import type { AccountSide, ResourceKind, StepRuntime } from '../../engine/types.js'
import type { RefreshContext } from '../common/context.js'
import { waitForClusterSnapshot, waitForSnapshot } from '../common/waits.js'

/**
 * The two kinds of snapshot a relay moves between accounts, behind one small interface: a DB
 * snapshot (instances, and the Multi-AZ relay's temporary instance) or a DB cluster snapshot
 * (Aurora). The share, copy and cleanup steps are written once against it.
 */
export type SnapshotType = 'db-snapshot' | 'db-cluster-snapshot'

/** What the relay needs to know about a snapshot, whichever its type. */
export interface SnapshotFacts {
  readonly id: string
  readonly arn: string
  readonly status: string
  readonly encrypted: boolean
  readonly kmsKeyId?: string
  readonly engine?: string
  readonly engineVersion?: string
}

export interface CopyRequest {
  readonly sourceArn: string
  readonly targetId: string
  /** Omitted for an unencrypted cluster snapshot: AWS refuses a KmsKeyId there. */
  readonly kmsKeyId?: string
  readonly tags: readonly Tag[]
}

export interface SnapshotApi {
  readonly type: SnapshotType
  /** The ledger kind of the share attribute on this type of snapshot. */
  readonly shareKind: ResourceKind
  /** For messages: "DB snapshot" or "DB cluster snapshot". */
  readonly label: string
  find(rds: RDSClient, id: string): Promise<SnapshotFacts | undefined>
  /** Add or remove `account` in the snapshot's `restore` attribute. */
  setShared(rds: RDSClient, id: string, account: string, shared: boolean): Promise<void>
  copy(rds: RDSClient, request: CopyRequest): Promise<void>
  wait(
    ctx: RefreshContext,
    runtime: StepRuntime,
    target: { side: AccountSide; id: string; until?: 'gone' },
  ): Promise<unknown>
}

const dbSnapshots: SnapshotApi = {
  type: 'db-snapshot',
  shareKind: 'db-snapshot-share',
  label: 'DB snapshot',
  async find(rds, id) {
    const s = await findSnapshot(rds, id)
    if (!s) return undefined
    return {
      id: s.DBSnapshotIdentifier ?? id,
      arn: s.DBSnapshotArn ?? id,
      status: s.Status ?? 'unknown',
      encrypted: s.Encrypted ?? false,
      kmsKeyId: s.KmsKeyId,
      engine: s.Engine,
      engineVersion: s.EngineVersion,
    }
  },
  async setShared(rds, id, account, shared) {
    const change = shared ? { ValuesToAdd: [account] } : { ValuesToRemove: [account] }
    await rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: id,
        AttributeName: 'restore',
        ...change,
      }),
    )
  },
  async copy(rds, request) {
    await rds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: request.sourceArn,
        TargetDBSnapshotIdentifier: request.targetId,
        KmsKeyId: request.kmsKeyId,
        Tags: [...request.tags],
      }),
    )
  },
  wait: (ctx, runtime, target) => waitForSnapshot(ctx, runtime, target),
}

const clusterSnapshots: SnapshotApi = {
  type: 'db-cluster-snapshot',
  shareKind: 'db-cluster-snapshot-share',
  label: 'DB cluster snapshot',
  async find(rds, id) {
    const s = await findClusterSnapshot(rds, id)
    if (!s) return undefined
    return {
      id: s.DBClusterSnapshotIdentifier ?? id,
      arn: s.DBClusterSnapshotArn ?? id,
      status: s.Status ?? 'unknown',
      encrypted: s.StorageEncrypted ?? false,
      kmsKeyId: s.KmsKeyId,
      engine: s.Engine,
      engineVersion: s.EngineVersion,
    }
  },
  async setShared(rds, id, account, shared) {
    const change = shared ? { ValuesToAdd: [account] } : { ValuesToRemove: [account] }
    await rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: id,
        AttributeName: 'restore',
        ...change,
      }),
    )
  },
  async copy(rds, request) {
    await rds.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: request.sourceArn,
        TargetDBClusterSnapshotIdentifier: request.targetId,
        KmsKeyId: request.kmsKeyId,
        Tags: [...request.tags],
      }),
    )
  },
  wait: (ctx, runtime, target) => waitForClusterSnapshot(ctx, runtime, target),
}

export function snapshotApi(type: SnapshotType): SnapshotApi {
  return type === 'db-snapshot' ? dbSnapshots : clusterSnapshots
}
