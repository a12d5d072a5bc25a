/**
 * Issue 10 point 1, over the wire: KMS evaluates each action of a key policy on its own, and RDS
 * needs kms:CreateGrant, kms:Decrypt, kms:GenerateDataKey* and kms:ReEncrypt* of the caller to
 * copy with another account's key (aws-reference A6, B5, H).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeKeyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms'
import {
  CopyDBSnapshotCommand,
  CreateDBSnapshotCommand,
  ModifyDBSnapshotAttributeCommand,
} from '@aws-sdk/client-rds'
import {
  DESTINATION_ACCOUNT,
  DESTINATION_KEY_ARN,
  INSTANCE,
  SOURCE_ACCOUNT,
  SOURCE_KEY_ARN,
} from '../fixtures/production.ts'
import { failure, wireWorld, type WireWorld } from './wire-world.ts'

const policy = (destinationActions: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` },
        Action: 'kms:*',
      },
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${DESTINATION_ACCOUNT}:root` },
        Action: destinationActions,
      },
    ],
  })

describe('KMS key policy, one action at a time (over the wire)', () => {
  let w: WireWorld
  afterEach(async () => w.close())

  async function sharedSnapshot(): Promise<string> {
    await w.source.rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: INSTANCE,
        DBSnapshotIdentifier: 'shared',
      }),
    )
    await w.settle()
    await w.source.rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: 'shared',
        AttributeName: 'restore',
        ValuesToAdd: [DESTINATION_ACCOUNT],
      }),
    )
    return `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:snapshot:shared`
  }

  const copy = (arn: string, target: string) =>
    w.destination.rds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: arn,
        TargetDBSnapshotIdentifier: target,
        KmsKeyId: DESTINATION_KEY_ARN,
      }),
    )

  it('DescribeKey alone does not let the destination copy with the key; the four RDS actions do', async () => {
    w = await wireWorld()
    const arn = await sharedSnapshot()
    await w.source.kms.send(
      new PutKeyPolicyCommand({ KeyId: SOURCE_KEY_ARN, Policy: policy(['kms:DescribeKey']) }),
    )
    const described = await w.destination.kms.send(
      new DescribeKeyCommand({ KeyId: SOURCE_KEY_ARN }),
    )
    expect(described.KeyMetadata?.Arn).toBe(SOURCE_KEY_ARN)
    expect(await failure(copy(arn, 'copy-1'))).toMatchObject({ name: 'KMSKeyNotAccessibleFault' })

    const use = ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']
    await w.source.kms.send(new PutKeyPolicyCommand({ KeyId: SOURCE_KEY_ARN, Policy: policy(use) }))
    expect(
      await failure(w.destination.kms.send(new DescribeKeyCommand({ KeyId: SOURCE_KEY_ARN }))),
    ).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('kms:DescribeKey'),
    })
    const copied = await copy(arn, 'copy-2')
    expect(copied.DBSnapshot?.Status).toBe('copying')
  })

  it('each of the four actions is needed on its own', async () => {
    w = await wireWorld()
    const arn = await sharedSnapshot()
    const use = ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']
    for (const [n, missing] of use.entries()) {
      await w.source.kms.send(
        new PutKeyPolicyCommand({
          KeyId: SOURCE_KEY_ARN,
          Policy: policy(['kms:DescribeKey', ...use.filter((a) => a !== missing)]),
        }),
      )
      expect(await failure(copy(arn, `copy-${n}`))).toMatchObject({
        name: 'KMSKeyNotAccessibleFault',
      })
    }
  })
})
