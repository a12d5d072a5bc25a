import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds'
import type { ResourceKind } from '../engine/types.js'
import { findClusterSnapshot, findSnapshot } from './rds-read.js'

/**
 * The two kinds of manual snapshot the action takes, shares and copies, behind one small
 * interface: a DB snapshot (of a DB instance) or a DB cluster snapshot (of a DB cluster). The
 * relay's share, copy and cleanup steps are written once against it.
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

export interface SnapshotRequest {
  /** The DB instance or DB cluster to snapshot. */
  readonly sourceId: string
  readonly snapshotId: string
  readonly tags: readonly Tag[]
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
  /** The AWS calls, for step titles. */
  readonly calls: { readonly share: string; readonly copy: string }
  find(rds: RDSClient, id: string): Promise<SnapshotFacts | undefined>
  create(rds: RDSClient, request: SnapshotRequest): Promise<void>
  /** Add or remove `account` in the snapshot's `restore` attribute. */
  setShared(rds: RDSClient, id: string, change: { account: string; shared: boolean }): Promise<void>
  copy(rds: RDSClient, request: CopyRequest): Promise<void>
}

/** The `restore` attribute change that shares a snapshot with an account, or stops sharing it. */
function restoreAttribute(change: { account: string; shared: boolean }) {
  return {
    AttributeName: 'restore',
    ...(change.shared ? { ValuesToAdd: [change.account] } : { ValuesToRemove: [change.account] }),
  }
}

const dbSnapshots: SnapshotApi = {
  type: 'db-snapshot',
  shareKind: 'db-snapshot-share',
  label: 'DB snapshot',
  calls: { share: 'ModifyDBSnapshotAttribute', copy: 'CopyDBSnapshot' },
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
  async create(rds, request) {
    await rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: request.sourceId,
        DBSnapshotIdentifier: request.snapshotId,
        Tags: [...request.tags],
      }),
    )
  },
  async setShared(rds, id, change) {
    await rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: id,
        ...restoreAttribute(change),
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
}

const clusterSnapshots: SnapshotApi = {
  type: 'db-cluster-snapshot',
  shareKind: 'db-cluster-snapshot-share',
  label: 'DB cluster snapshot',
  calls: { share: 'ModifyDBClusterSnapshotAttribute', copy: 'CopyDBClusterSnapshot' },
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
  async create(rds, request) {
    await rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: request.sourceId,
        DBClusterSnapshotIdentifier: request.snapshotId,
        Tags: [...request.tags],
      }),
    )
  },
  async setShared(rds, id, change) {
    await rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: id,
        ...restoreAttribute(change),
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
}

export function snapshotApi(type: SnapshotType): SnapshotApi {
  return type === 'db-snapshot' ? dbSnapshots : clusterSnapshots
}
