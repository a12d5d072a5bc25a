import { ListTagsForResourceCommand } from '@aws-sdk/client-rds'
import { findCluster, findInstance } from '../aws/rds-read.js'
import { ActionError } from '../errors.js'
import type { CopyResult } from '../result.js'
import { isManaged, TagKeys } from '../tags.js'
import type { RefreshContext } from './context.js'

/**
 * Look for the target in the destination before creating anything. Under `if-exists: fail` an
 * existing target stops the run; under `reuse` a copy this action manages is reported as it is.
 * A target this action does not manage is never touched.
 */
export async function findExistingTarget(ctx: RefreshContext): Promise<CopyResult | undefined> {
  const rds = ctx.destination.clients.rds
  const target = ctx.names.target
  const cluster = await findCluster(rds, target)
  const instance = cluster ? undefined : await findInstance(rds, target)
  if (!cluster && !instance) return undefined

  const arn = cluster?.DBClusterArn ?? instance?.DBInstanceArn ?? target
  const where = {
    resource: arn,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  const mode = ctx.settings.ifExists
  if (mode === 'fail') {
    throw new ActionError({
      summary: `Target ${target} already exists in the destination account`,
      ...where,
      hint: 'Use if-exists: reuse to keep a managed copy, if-exists: replace for a fresh one under the same name, or choose another target.',
    })
  }
  const tags =
    cluster?.TagList ??
    instance?.TagList ??
    (await rds.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList
  if (!isManaged(tags)) {
    throw new ActionError({
      summary: `Target ${target} exists but was not created by rds-refresh (no ${TagKeys.managed}=true tag), so it is left untouched`,
      ...where,
      hint: 'Choose another target name; the action only reuses or replaces copies it manages.',
    })
  }
  if (mode === 'replace') {
    throw new ActionError({
      summary: 'if-exists: replace is not available in this version',
      ...where,
      hint: 'Use if-exists: reuse, or delete the copy first.',
    })
  }
  const expiry = tags?.find((t) => t.Key === TagKeys.expiresAt)?.Value
  if (cluster) {
    return {
      kind: 'cluster',
      identifier: cluster.DBClusterIdentifier ?? target,
      arn,
      endpoint: cluster.Endpoint,
      readerEndpoint: cluster.ReaderEndpoint,
      port: cluster.Port,
      engine: cluster.Engine,
      engineVersion: cluster.EngineVersion,
      masterUsername: cluster.MasterUsername,
      masterUserSecretArn: cluster.MasterUserSecret?.SecretArn,
      instanceIdentifiers: (cluster.DBClusterMembers ?? [])
        .map((m) => m.DBInstanceIdentifier ?? '')
        .filter(Boolean),
      method: ctx.method,
      created: false,
      expiresAt: expiry ? new Date(expiry) : undefined,
    }
  }
  return {
    kind: 'instance',
    identifier: instance?.DBInstanceIdentifier ?? target,
    arn,
    endpoint: instance?.Endpoint?.Address,
    port: instance?.Endpoint?.Port,
    engine: instance?.Engine,
    engineVersion: instance?.EngineVersion,
    masterUsername: instance?.MasterUsername,
    masterUserSecretArn: instance?.MasterUserSecret?.SecretArn,
    instanceIdentifiers: [instance?.DBInstanceIdentifier ?? target],
    method: ctx.method,
    created: false,
    expiresAt: expiry ? new Date(expiry) : undefined,
  }
}
