import { ActionError, awsErrorCode, hintFor } from '../../errors.js'
import type { RefreshContext } from '../common/context.js'

/**
 * Turn an error of RestoreDBClusterToPointInTime into what the user can act on. AWS answers
 * DBClusterNotFoundFault both for a source that does not exist and for one not shared with the
 * caller, so the message names both.
 */
export function cloneError(error: unknown, ctx: RefreshContext, step: string): ActionError {
  const code = awsErrorCode(error)
  const source = ctx.sourceDb
  const where = {
    step,
    resource: source.arn,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  const summary = `Could not clone ${source.identifier} into ${ctx.names.target}`
  switch (code) {
    case 'DBClusterNotFoundFault':
      return ActionError.fromAws(error, {
        ...where,
        summary: ctx.sameAccount
          ? `${summary}: the source cluster ${source.arn} was not found`
          : `${summary}: the destination account ${ctx.destination.accountId} cannot see the source cluster ${source.arn} (AWS answers the same for a cluster that does not exist and one not shared with the caller)`,
        hint: ctx.sameAccount
          ? 'Check the source still exists and the role may describe it.'
          : `Check that resource share ${ctx.values.resourceShare.peek()?.arn ?? '(none)'} holds the cluster and the destination account, that its invitation was accepted, and that the destination role may call rds:RestoreDBClusterToPointInTime on the source ARN (docs/cross-account.md).`,
      })
    case 'KMSKeyNotAccessibleFault':
      return ActionError.fromAws(error, {
        ...where,
        summary: `${summary}: a KMS key is not usable by the destination account`,
        hint: ctx.sameAccount
          ? `Check kms-key-id (${ctx.settings.kmsKeyId ?? 'not set: the source key'}) exists, is enabled, and the role may use it.`
          : `The source key ${source.kmsKeyArn ?? ''} must allow account ${ctx.destination.accountId} (kms:CreateGrant, kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey*), and kms-key-id ${ctx.settings.kmsKeyId ?? ''} must be a key the destination role may use; see docs/cross-account.md.`,
      })
    case 'InvalidDBClusterStateFault':
      return ActionError.fromAws(error, {
        ...where,
        summary: `${summary}: the source cluster is not in a state AWS clones from`,
        hint: 'Re-run once the source cluster is available (not stopped, starting or being modified).',
      })
    case 'DBClusterQuotaExceededFault':
    case 'InsufficientDBClusterCapacityFault':
    case 'StorageQuotaExceeded':
    case 'StorageQuotaExceededFault':
    case 'DBClusterAlreadyExistsFault':
      return ActionError.fromAws(error, {
        ...where,
        resource: ctx.names.target,
        summary,
        hint:
          hintFor(code) ??
          'The account has reached its storage quota: delete unused copies or ask AWS for a higher quota.',
      })
    default:
      return ActionError.fromAws(error, { ...where, summary })
  }
}

/** Errors of CreateDBInstance for one of the copy's instances. */
export function instanceError(
  error: unknown,
  ctx: RefreshContext,
  instance: { step: string; id: string; instanceClass: string },
): ActionError {
  const code = awsErrorCode(error)
  const where = {
    step: instance.step,
    resource: instance.id,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  const summary = `Could not create DB instance ${instance.id} (${instance.instanceClass}) in ${ctx.names.target}`
  if (code === 'InsufficientDBInstanceCapacity' || code === 'InsufficientDBInstanceCapacityFault') {
    return ActionError.fromAws(error, {
      ...where,
      summary: `${summary}: AWS has no capacity for ${instance.instanceClass} right now`,
      hint: "AWS has no capacity for this class in the subnet group's Availability Zones right now: try another instance-class (for example db.serverless or another generation), or retry later.",
    })
  }
  return ActionError.fromAws(error, { ...where, summary })
}
