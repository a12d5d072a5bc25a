import { describeKey, keyManager } from '../../../aws/kms.js'
import { RDS_KEY_ACTIONS, readKeyPolicyFor } from './key-policy.js'
import { copiesHere, crossAccountEncrypted, readsSource, refusal, type Check } from './input.js'

/**
 * The KMS checks every method shares. Across accounts an encrypted source reaches the
 * destination only under a customer-managed key that account may use, and the copy is
 * re-encrypted with kms-key-id, a key of the destination. KMS evaluates each action on its own,
 * so each check says exactly what it proved.
 */

const KEY_USE_HINT = (account: string): string =>
  `Add the destination account to that key's policy in the source account: principal arn:aws:iam::${account}:root with kms:DescribeKey, ${RDS_KEY_ACTIONS.join(', ')}; and let the destination role use the key ARN in its IAM policy.`

const kmsKeyGiven: Check = (input) => {
  if (!crossAccountEncrypted(input) || !copiesHere(input) || input.settings.kmsKeyId) return
  const db = input.sourceDb
  throw refusal(input, 'destination', {
    summary: `kms-key-id is required: source ${db.identifier} is encrypted (key ${db.kmsKeyArn ?? 'unknown'}) and the destination account ${input.destination.accountId} differs from the source account`,
    resource: db.kmsKeyArn ?? db.arn,
    hint: 'Set kms-key-id to a customer-managed key ARN (or alias ARN) of the destination account, which the copy is encrypted with; see docs/cross-account.md for the key policies.',
  })
}

/** aws/rds is never shared with another account: neither a clone nor a snapshot can cross. */
const sourceKeyShareable: Check = async (input) => {
  const db = input.sourceDb
  if (!crossAccountEncrypted(input) || !readsSource(input) || !db.kmsKeyArn) return
  const key = await keyManager(input.source.clients.kms, db.kmsKeyArn)
  if (key.manager === 'AWS') {
    throw refusal(input, 'source', {
      summary: `Source ${db.identifier} is encrypted with the AWS-managed key aws/rds (${key.arn}), which AWS does not share with other accounts, so neither a clone nor a snapshot of it can reach account ${input.destination.accountId}`,
      resource: key.arn,
      hint: `Re-encrypt with a customer-managed key: create a KMS key in the source account whose policy lets the destination account use it (kms:DescribeKey, ${RDS_KEY_ACTIONS.join(', ')}), copy a snapshot of the source with it (aws rds copy-db-cluster-snapshot / copy-db-snapshot --kms-key-id <key ARN>), restore the source database from that copy (or give the copy to a phase: source job), then run again.`,
    })
  }
  if (key.manager === 'unknown') {
    input.log.warning(
      `Could not tell whether the source key ${key.arn} is AWS-managed: ${key.basis}. Going on as if it were customer-managed; if it is aws/rds, AWS refuses the copy with KMSKeyNotAccessibleFault. Allow kms:DescribeKey on it to the source role for a clear answer up front.`,
    )
    return
  }
  input.log.info(`Source key ${key.arn} is customer-managed (${key.basis})`)
}

/**
 * From the destination: kms:DescribeKey on the source key. This proves only that the destination
 * may describe the key, not that RDS may use it there; the key policy check (from the source
 * account) looks at the actions RDS needs.
 */
const destinationMayDescribeSourceKey: Check = async (input) => {
  const keyArn = input.sourceDb.kmsKeyArn
  if (!crossAccountEncrypted(input) || !keyArn) return
  const account = input.destination.accountId
  const key = await describeKey(input.destination.clients.kms, keyArn)
  if (!key.refusal) {
    input.log.info(
      `The destination account ${account} may describe the source key ${keyArn} (kms:DescribeKey); that alone does not show it may use the key (${RDS_KEY_ACTIONS.join(', ')})`,
    )
    return
  }
  if (key.refusal.denied || key.refusal.missing) {
    throw refusal(input, 'destination', {
      summary: `The destination account ${account} may not describe the KMS key ${keyArn} that encrypts the source (kms:DescribeKey refused), and a cross-account copy needs kms:DescribeKey on it besides the actions RDS uses (${RDS_KEY_ACTIONS.join(', ')})`,
      resource: keyArn,
      code: key.refusal.code,
      awsMessage: key.refusal.message,
      hint: KEY_USE_HINT(account),
    })
  }
  input.log.warning(
    `Could not check the source key from the destination account (${key.refusal.message}); continuing`,
  )
}

/**
 * From the source account: the key policy must allow the destination account every action RDS
 * needs to copy, restore or clone with the key. What could not be read is logged as unchecked,
 * never assumed.
 */
const sourceKeyPolicy: Check = async (input) => {
  const keyArn = input.sourceDb.kmsKeyArn
  if (!crossAccountEncrypted(input) || !keyArn || !readsSource(input)) return
  const account = input.destination.accountId
  const reading = await readKeyPolicyFor(input.source.clients.kms, keyArn, account)
  if (!reading.read) {
    input.log.warning(
      `Could not read the policy of the source key ${keyArn} (${reading.reason}): whether it lets account ${account} use the key (${RDS_KEY_ACTIONS.join(', ')}) is unchecked until RDS uses it. Allow kms:GetKeyPolicy on the key to the source role for this check.`,
    )
    return
  }
  if (reading.missing.length > 0) {
    throw refusal(input, 'source', {
      summary: `The policy of the source key ${keyArn} does not let the destination account ${account} use it: ${reading.missing.join(', ')} not allowed`,
      resource: keyArn,
      hint: KEY_USE_HINT(account),
    })
  }
  const conditional =
    reading.conditional.length > 0
      ? ` (${reading.conditional.join(', ')} under conditions RDS meets)`
      : ''
  input.log.info(
    `The source key's policy allows account ${account} ${RDS_KEY_ACTIONS.join(', ')}${conditional}`,
  )
}

/** kms-key-id must name a key the destination account can describe. */
const destinationKey: Check = async (input) => {
  const keyId = input.settings.kmsKeyId
  if (!keyId || !copiesHere(input)) return
  const account = input.destination.accountId
  const key = await describeKey(input.destination.clients.kms, keyId)
  if (!key.refusal) {
    input.log.info(`Destination key ${keyId} → ${key.metadata.Arn ?? keyId}`)
    return
  }
  throw refusal(input, 'destination', {
    summary: `kms-key-id ${keyId} is not a KMS key the destination account ${account} can use`,
    resource: keyId,
    code: key.refusal.code,
    awsMessage: key.refusal.message,
    hint: 'Set kms-key-id to the ARN (or alias ARN) of a customer-managed key in the destination account, and let the destination role use it.',
  })
}

/** In the order a user fixes them: the input, the source key, then the destination's key. */
export const KEY_CHECKS: readonly Check[] = [
  kmsKeyGiven,
  sourceKeyShareable,
  destinationMayDescribeSourceKey,
  sourceKeyPolicy,
  destinationKey,
]
