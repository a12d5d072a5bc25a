import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CreateGrantCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import {
  AcceptResourceShareInvitationCommand,
  CreateResourceShareCommand,
  DeleteResourceShareCommand,
  GetResourceSharesCommand,
  RAMClient,
} from '@aws-sdk/client-ram'
import type { Simulator } from '../src/index.ts'
import { loadModel } from '../src/model.ts'
import {
  clientConfig,
  created,
  destination,
  destinationKeys,
  sendSigned,
  start,
} from './helpers.ts'

const grantOperations = loadModel('kms').shapes.GrantOperation?.enum ?? []
let sim: Simulator
let kms: KMSClient
let ram: RAMClient
beforeAll(async () => {
  sim = await start()
  kms = new KMSClient(clientConfig(sim, destinationKeys))
  ram = new RAMClient(clientConfig(sim))
})
afterAll(async () => {
  kms.destroy()
  ram.destroy()
  await sim.close()
})

describe('AWS JSON 1.1 with the real KMS client', () => {
  it('routes by X-Amz-Target and round-trips epoch-second timestamps', async () => {
    const out = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/refresh' }))
    expect(out.KeyMetadata).toMatchObject({
      AWSAccountId: destination,
      CreationDate: created,
      Enabled: true,
      KeyManager: 'CUSTOMER',
    })
    expect(sim.requests.at(-1)).toMatchObject({
      service: 'kms',
      operation: 'DescribeKey',
      account: destination,
      input: { KeyId: 'alias/refresh' },
    })
  })

  it('answers errors as __type with the SDK class name and status', async () => {
    const error = await kms
      .send(
        new CreateGrantCommand({
          KeyId: 'k',
          GranteePrincipal: 'arn:aws:iam::1:root',
          Operations: ['Decrypt'],
        }),
      )
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'NotFoundException',
      message: 'Key not found',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('answers ValidationException in Coral words for a missing member, a bad enum and a length', async () => {
    const missing = await kms.send(new DescribeKeyCommand({} as never)).catch((e: unknown) => e)
    expect(missing).toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    })
    const several = await kms
      .send(
        new CreateGrantCommand({ KeyId: '', GranteePrincipal: 'p', Operations: ['Fly' as never] }),
      )
      .catch((e: unknown) => e)
    expect(several).toMatchObject({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value 'Fly' at 'operations.1.member' failed to satisfy constraint: Member must satisfy enum value set: " +
        `[${grantOperations.join(', ')}]`,
    })
  })

  it('rejects unknown members and wrong JSON types in raw requests', async () => {
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.DescribeKey',
    }
    const unknown = await sendSigned(sim, 'kms', JSON.stringify({ KeyId: 'k', Colour: 'red' }), {
      headers,
    })
    expect(unknown.status).toBe(400)
    expect(JSON.parse(unknown.text)).toEqual({
      __type: 'ValidationException',
      message: 'Unrecognized parameter: Colour',
    })
    const typed = await sendSigned(sim, 'kms', JSON.stringify({ KeyId: 7 }), { headers })
    expect(JSON.parse(typed.text)).toEqual({
      __type: 'SerializationException',
      message: 'Cannot deserialize value of keyId: must be a string',
    })
  })
})

describe('REST-JSON with the real RAM client', () => {
  it('routes by method and path and round-trips body members, lists and timestamps', async () => {
    const out = await ram.send(
      new CreateResourceShareCommand({
        name: 'share',
        resourceArns: ['arn:aws:rds:eu-west-1:111111111111:cluster:app'],
        principals: [destination],
        allowExternalPrincipals: false,
        tags: [{ key: 'k', value: 'v' }],
        clientToken: 'token-1',
      }),
    )
    expect(out.resourceShare).toMatchObject({
      name: 'share',
      allowExternalPrincipals: false,
      status: 'ACTIVE',
      creationTime: created,
      tags: [{ key: 'k', value: 'v' }],
    })
    expect(out.clientToken).toBe('token-1')
    expect(sim.requests.at(-1)?.input).toEqual({
      name: 'share',
      resourceArns: ['arn:aws:rds:eu-west-1:111111111111:cluster:app'],
      principals: [destination],
      allowExternalPrincipals: false,
      tags: [{ key: 'k', value: 'v' }],
      clientToken: 'token-1',
    })
  })

  it('binds query-string members (DELETE /deleteresourceshare?resourceShareArn=…)', async () => {
    const arn = 'arn:aws:ram:eu-west-1:111111111111:resource-share/abc'
    const out = await ram.send(new DeleteResourceShareCommand({ resourceShareArn: arn }))
    expect(out.returnValue).toBe(true)
    expect(sim.requests.at(-1)).toMatchObject({
      operation: 'DeleteResourceShare',
      input: { resourceShareArn: arn },
    })
  })

  it('answers errors with x-amzn-ErrorType and the modeled status', async () => {
    const error = await ram
      .send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: 'arn:x' }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ResourceShareInvitationArnNotFoundException',
      message: 'not found',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('answers MissingRequiredParameterException and InvalidParameterException for bad input', async () => {
    const missing = await ram
      .send(new GetResourceSharesCommand({} as never))
      .catch((e: unknown) => e)
    expect(missing).toMatchObject({
      name: 'MissingRequiredParameterException',
      message: 'The request must contain the parameter resourceOwner',
      $metadata: { httpStatusCode: 400 },
    })
    const badEnum = await ram
      .send(new GetResourceSharesCommand({ resourceOwner: 'EVERYONE' as never }))
      .catch((e: unknown) => e)
    expect(badEnum).toMatchObject({
      name: 'InvalidParameterException',
      message:
        "Invalid value 'EVERYONE' for parameter resourceOwner: must satisfy enum value set: [SELF, OTHER-ACCOUNTS]",
    })
  })

  it('answers 501 NotImplemented for a modeled operation the services do not handle', async () => {
    const error = await ram
      .send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } })
  })
})
