/**
 * Network faults: a call that is never answered, and answers lost after AWS acted (the SDK then
 * retries a create that already happened). Over the wire, with the real SDK.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { CreateResourceShareCommand, RAMClient } from '@aws-sdk/client-ram'
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { CallContext, ServiceEnv } from '../src/core/types.ts'
import type { Services } from '../src/services/index.ts'
import type { Simulator } from '../src/index.ts'
import { clientConfig, fakeServices, source, start } from './helpers.ts'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** The fake services, counting how often CreateResourceShare's handler really ran. */
function countingServices(counter: { creates: number }) {
  return (env: ServiceEnv): Services => {
    const services = fakeServices(env)
    const create = services.handlers.ram.CreateResourceShare
    if (!create) throw new Error('fake RAM has no CreateResourceShare')
    return {
      ...services,
      handlers: {
        ...services.handlers,
        ram: {
          ...services.handlers.ram,
          CreateResourceShare: (ctx: CallContext) => {
            counter.creates += 1
            return create(ctx)
          },
        },
      },
    }
  }
}

const share = new CreateResourceShareCommand({ name: 'share', allowExternalPrincipals: true })

describe('network faults', () => {
  it('hang: the call is logged and never answered; the client gives up on its own timeout', async () => {
    sim = await start({
      scenario: {
        faults: { networkFaults: [{ kind: 'hang', operation: 'DescribeDBClusters', times: 1 }] },
      },
    })
    const rds = new RDSClient({
      ...clientConfig(sim),
      requestHandler: new NodeHttpHandler({ requestTimeout: 300, throwOnRequestTimeout: true }),
    })
    const error = await rds.send(new DescribeDBClustersCommand({})).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'TimeoutError' })
    // The next call is answered: asked without the short timeout, which a loaded machine can miss.
    const patient = new RDSClient(clientConfig(sim))
    await expect(patient.send(new DescribeDBClustersCommand({}))).resolves.toBeDefined()
    expect(sim.requests.map((r) => [r.operation, r.fault])).toEqual([
      ['DescribeDBClusters', 'hang'],
      ['DescribeDBClusters', undefined],
    ])
    rds.destroy()
    patient.destroy()
  })

  it('lose-answer: the handler runs, then the caller gets InternalFailure 500', async () => {
    const counter = { creates: 0 }
    sim = await start({
      services: countingServices(counter),
      scenario: {
        faults: { networkFaults: [{ kind: 'lose-answer', operation: 'CreateResourceShare' }] },
      },
    })
    const ram = new RAMClient(clientConfig(sim))
    const error = await ram.send(share).catch((e: unknown) => e)
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 500 } })
    expect(counter.creates).toBe(1)
    expect(sim.requests.at(-1)).toMatchObject({
      operation: 'CreateResourceShare',
      account: source,
      errorCode: 'InternalFailure',
      fault: 'lose-answer',
    })
    ram.destroy()
  })

  it('reset-after: the handler runs, then the connection drops without an answer; `times` bounds it', async () => {
    const counter = { creates: 0 }
    sim = await start({
      services: countingServices(counter),
      scenario: {
        faults: {
          networkFaults: [{ kind: 'reset-after', operation: 'CreateResourceShare', times: 1 }],
        },
      },
    })
    const once = new RAMClient(clientConfig(sim))
    const error = await once.send(share).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(counter.creates).toBe(1)
    await expect(once.send(share)).resolves.toMatchObject({ resourceShare: { name: 'share' } })
    expect(counter.creates).toBe(2)
    expect(sim.requests.map((r) => r.fault)).toEqual(['reset-after', undefined])
    once.destroy()
  })

  it('delay: the handler runs at once and the answer comes no sooner than delayMs', async () => {
    const counter = { creates: 0 }
    sim = await start({
      services: countingServices(counter),
      scenario: {
        faults: {
          networkFaults: [{ kind: 'delay', operation: 'CreateResourceShare', delayMs: 200 }],
        },
      },
    })
    const ram = new RAMClient(clientConfig(sim))
    const started = Date.now()
    await expect(ram.send(share)).resolves.toMatchObject({ resourceShare: { name: 'share' } })
    expect(Date.now() - started).toBeGreaterThanOrEqual(200)
    expect(sim.requests.at(-1)).toMatchObject({ fault: 'delay' })
    ram.destroy()
  })

  it('the OIDC token endpoint can hang', async () => {
    sim = await start({
      scenario: {
        faults: { networkFaults: [{ kind: 'hang', operation: 'GetIdToken', times: 1 }] },
      },
    })
    const url = `${sim.oidc.requestUrl}&audience=sts.amazonaws.com`
    const headers = { authorization: `Bearer ${sim.oidc.requestToken}` }
    const hung = await fetch(url, { headers, signal: AbortSignal.timeout(300) }).catch(
      (e: unknown) => e,
    )
    expect(hung).toMatchObject({ name: 'TimeoutError' })
    const answered = await fetch(url, { headers })
    expect(answered.status).toBe(200)
    expect(sim.requests.map((r) => [r.service, r.operation, r.fault])).toEqual([
      ['oidc', 'GetIdToken', 'hang'],
      ['oidc', 'GetIdToken', undefined],
    ])
  })
})
