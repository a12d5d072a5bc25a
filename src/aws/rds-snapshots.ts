import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds'
import type { ResourceKind } from '../engine/types.js'
import { findClusterSnapshot, findSnapshot } from './rds-read.js'

/**
 * The two kinds of manual snapshot the action takes, shares, copies and deletes, behind one small
 * interface: a DB snapshot (of a DB instance) or a DB cluster snapshot (of a DB cluster). The
 * relay's steps and the removers are written once against it.
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
  create(rds: RDSClient, request: SnapshotRequest): Promise<unknown>
  /** Add or remove `account` in the snapshot's `restore` attribute. */
  setShared(rds: RDSClient, id: string, change: { account: string; shared: boolean }): Promise<void>
  copy(rds: RDSClient, request: CopyRequest): Promise<unknown>
  delete(rds: RDSClient, id: string): Promise<unknown>
}

/** A change of the `restore` attribute, the one that shares a snapshot with other accounts. */
interface RestoreAttributeChange {
  readonly AttributeName: 'restore'
  readonly ValuesToAdd?: string[]
  readonly ValuesToRemove?: string[]
}

/** The members both kinds name alike. */
type CommonMembers = Pick<DBSnapshot, 'Status' | 'KmsKeyId' | 'Engine' | 'EngineVersion'>

/**
 * What one kind of snapshot does its own way: the SDK commands, and the members whose names carry
 * the kind (`DBSnapshotArn`, `DBClusterSnapshotArn`). The rest is written once, in `snapshotApiOf`.
 */
interface SnapshotKind<S extends CommonMembers> extends Pick<
  SnapshotApi,
  'type' | 'shareKind' | 'label' | 'calls' | 'create' | 'copy' | 'delete'
> {
  readonly describe: (rds: RDSClient, id: string) => Promise<S | undefined>
  readonly named: (snapshot: S) => { id?: string; arn?: string; encrypted?: boolean }
  readonly modifyAttribute: (
    rds: RDSClient,
    id: string,
    change: RestoreAttributeChange,
  ) => Promise<unknown>
}

const dbSnapshots: SnapshotKind<DBSnapshot> = {
  type: 'db-snapshot',
  shareKind: 'db-snapshot-share',
  label: 'DB snapshot',
  calls: { share: 'ModifyDBSnapshotAttribute', copy: 'CopyDBSnapshot' },
  describe: findSnapshot,
  named: (s) => ({ id: s.DBSnapshotIdentifier, arn: s.DBSnapshotArn, encrypted: s.Encrypted }),
  create: (rds, { sourceId, snapshotId, tags }) =>
    rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: sourceId,
        DBSnapshotIdentifier: snapshotId,
        Tags: [...tags],
      }),
    ),
  modifyAttribute: (rds, id, change) =>
    rds.send(new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: id, ...change })),
  copy: (rds, { sourceArn, targetId, kmsKeyId, tags }) =>
    rds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: sourceArn,
        TargetDBSnapshotIdentifier: targetId,
        KmsKeyId: kmsKeyId,
        Tags: [...tags],
      }),
    ),
  delete: (rds, id) => rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id })),
}

const clusterSnapshots: SnapshotKind<DBClusterSnapshot> = {
  type: 'db-cluster-snapshot',
  shareKind: 'db-cluster-snapshot-share',
  label: 'DB cluster snapshot',
  calls: { share: 'ModifyDBClusterSnapshotAttribute', copy: 'CopyDBClusterSnapshot' },
  describe: findClusterSnapshot,
  named: (s) => ({
    id: s.DBClusterSnapshotIdentifier,
    arn: s.DBClusterSnapshotArn,
    encrypted: s.StorageEncrypted,
  }),
  create: (rds, { sourceId, snapshotId, tags }) =>
    rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: sourceId,
        DBClusterSnapshotIdentifier: snapshotId,
        Tags: [...tags],
      }),
    ),
  modifyAttribute: (rds, id, change) =>
    rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({ DBClusterSnapshotIdentifier: id, ...change }),
    ),
  copy: (rds, { sourceArn, targetId, kmsKeyId, tags }) =>
    rds.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: sourceArn,
        TargetDBClusterSnapshotIdentifier: targetId,
        KmsKeyId: kmsKeyId,
        Tags: [...tags],
      }),
    ),
  delete: (rds, id) =>
    rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id })),
}

/** One implementation for both kinds: what they do alike, around what each does its own way. */
function snapshotApiOf<S extends CommonMembers>(kind: SnapshotKind<S>): SnapshotApi {
  return {
    type: kind.type,
    shareKind: kind.shareKind,
    label: kind.label,
    calls: kind.calls,
    create: kind.create,
    copy: kind.copy,
    delete: kind.delete,
    async find(rds, id) {
      const snapshot = await kind.describe(rds, id)
      if (!snapshot) return undefined
      const named = kind.named(snapshot)
      return {
        id: named.id ?? id,
        arn: named.arn ?? id,
        status: snapshot.Status ?? 'unknown',
        encrypted: named.encrypted ?? false,
        kmsKeyId: snapshot.KmsKeyId,
        engine: snapshot.Engine,
        engineVersion: snapshot.EngineVersion,
      }
    },
    async setShared(rds, id, { account, shared }) {
      await kind.modifyAttribute(rds, id, {
        AttributeName: 'restore',
        ...(shared ? { ValuesToAdd: [account] } : { ValuesToRemove: [account] }),
      })
    },
  }
}

const APIS: { readonly [T in SnapshotType]: SnapshotApi } = {
  'db-snapshot': snapshotApiOf(dbSnapshots),
  'db-cluster-snapshot': snapshotApiOf(clusterSnapshots),
}

export function snapshotApi(type: SnapshotType): SnapshotApi {
  return APIS[type]
}
