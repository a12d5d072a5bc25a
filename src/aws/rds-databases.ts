import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type CreateDBInstanceCommandInput,
  type RDSClient,
  type RestoreDBClusterFromSnapshotCommandInput,
  type RestoreDBClusterToPointInTimeCommandInput,
  type RestoreDBInstanceFromDBSnapshotCommandInput,
  type ServerlessV2ScalingConfiguration,
  type Tag,
} from '@aws-sdk/client-rds'

/**
 * The calls that create or change a DB cluster or DB instance: the copy, its instances, the
 * Multi-AZ relay's temporary instance. Removals are in removers.ts.
 */

/** A DB cluster (Aurora or Multi-AZ) or a DB instance (standalone or an Aurora member). */
export type DatabaseKind = 'cluster' | 'instance'

/** The Aurora clone (copy-on-write or full copy), or a point-in-time restore. */
export async function restoreClusterToPointInTime(
  rds: RDSClient,
  input: RestoreDBClusterToPointInTimeCommandInput,
): Promise<void> {
  await rds.send(new RestoreDBClusterToPointInTimeCommand(input))
}

export async function restoreClusterFromSnapshot(
  rds: RDSClient,
  input: RestoreDBClusterFromSnapshotCommandInput,
): Promise<void> {
  await rds.send(new RestoreDBClusterFromSnapshotCommand(input))
}

/** From a DB snapshot, or (DBClusterSnapshotIdentifier) a Multi-AZ DB cluster snapshot. */
export async function restoreInstanceFromSnapshot(
  rds: RDSClient,
  input: RestoreDBInstanceFromDBSnapshotCommandInput,
): Promise<void> {
  await rds.send(new RestoreDBInstanceFromDBSnapshotCommand(input))
}

/** A DB instance in an Aurora cluster (a restored or cloned cluster starts with none). */
export async function createClusterInstance(
  rds: RDSClient,
  input: CreateDBInstanceCommandInput,
): Promise<void> {
  await rds.send(new CreateDBInstanceCommand(input))
}

/** What the action changes on a database; every change is applied immediately. */
export interface DatabaseChange {
  readonly MasterUserPassword?: string
  readonly ManageMasterUserPassword?: boolean
  readonly DeletionProtection?: boolean
  /** Clusters only: Aurora Serverless v2 needs a range before a db.serverless instance. */
  readonly ServerlessV2ScalingConfiguration?: ServerlessV2ScalingConfiguration
  /** Rename (NewDBClusterIdentifier / NewDBInstanceIdentifier). */
  readonly newIdentifier?: string
}

/**
 * ModifyDBCluster or ModifyDBInstance. ApplyImmediately always: otherwise a rename or password
 * change waits for the next maintenance window (aws-reference E2, E5).
 */
export async function modifyDatabase(
  rds: RDSClient,
  target: { readonly kind: DatabaseKind; readonly id: string },
  change: DatabaseChange,
): Promise<void> {
  const { newIdentifier, ServerlessV2ScalingConfiguration, ...common } = change
  if (target.kind === 'cluster') {
    await rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: target.id,
        ApplyImmediately: true,
        ...common,
        ...(ServerlessV2ScalingConfiguration && { ServerlessV2ScalingConfiguration }),
        ...(newIdentifier !== undefined && { NewDBClusterIdentifier: newIdentifier }),
      }),
    )
    return
  }
  await rds.send(
    new ModifyDBInstanceCommand({
      DBInstanceIdentifier: target.id,
      ApplyImmediately: true,
      ...common,
      ...(newIdentifier !== undefined && { NewDBInstanceIdentifier: newIdentifier }),
    }),
  )
}

/** Add (or overwrite) tags on a resource, by ARN. */
export async function addTags(rds: RDSClient, arn: string, tags: readonly Tag[]): Promise<void> {
  await rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [...tags] }))
}
