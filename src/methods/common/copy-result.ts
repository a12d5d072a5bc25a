import type { DBCluster, DBInstance } from '@aws-sdk/client-rds'
import type { CopyResult } from '../../result.js'

/** What the outputs say about a copy besides what AWS describes. */
export interface CopyOrigin {
  readonly method: CopyResult['method']
  /** False when an existing copy is reused. */
  readonly created: boolean
  readonly expiresAt?: Date
  /** The RDS-managed secret as the run learned it, before AWS may describe it. */
  readonly masterUserSecretArn?: string
}

/**
 * The copy as the outputs report it, from its DB cluster or DB instance as AWS describes it.
 * An unknown ARN is '' (left out of the outputs); an unknown identifier is the name asked for.
 */
export function copyResult(
  described: { readonly cluster: DBCluster } | { readonly instance: DBInstance },
  origin: CopyOrigin & { readonly name: string },
): CopyResult {
  const { name, ...made } = origin
  if ('instance' in described) {
    const instance = described.instance
    return {
      ...made,
      kind: 'instance',
      identifier: instance.DBInstanceIdentifier ?? name,
      arn: instance.DBInstanceArn ?? '',
      endpoint: instance.Endpoint?.Address,
      port: instance.Endpoint?.Port,
      engine: instance.Engine,
      engineVersion: instance.EngineVersion,
      masterUsername: instance.MasterUsername,
      masterUserSecretArn: made.masterUserSecretArn ?? instance.MasterUserSecret?.SecretArn,
      instanceIdentifiers: [instance.DBInstanceIdentifier ?? name],
    }
  }
  const cluster = described.cluster
  return {
    ...made,
    kind: 'cluster',
    identifier: cluster.DBClusterIdentifier ?? name,
    arn: cluster.DBClusterArn ?? '',
    endpoint: cluster.Endpoint,
    readerEndpoint: cluster.ReaderEndpoint,
    port: cluster.Port,
    engine: cluster.Engine,
    engineVersion: cluster.EngineVersion,
    masterUsername: cluster.MasterUsername,
    masterUserSecretArn: made.masterUserSecretArn ?? cluster.MasterUserSecret?.SecretArn,
    instanceIdentifiers: (cluster.DBClusterMembers ?? []).flatMap((m) =>
      m.DBInstanceIdentifier ? [m.DBInstanceIdentifier] : [],
    ),
  }
}
