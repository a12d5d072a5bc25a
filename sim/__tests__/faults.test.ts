import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds'
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { createFaultInjector } from '../src/faults.ts'
import type { Simulator } from '../src/index.ts'
import { clientConfig, destination, destinationKeys, source, start } from './helpers.ts'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

describe('fault injection', () => {
  it('throttles past the burst with Throttling "Rate exceeded", per account, and standard retries recover', async () => {
    // A token every 1000 s: the burst stays spent however slowly a loaded machine sends the calls.
    sim = await start({ scenario: { faults: { throttle: { ratePerSecond: 0.001, burst: 3 } } } })
    const once = new RDSClient(clientConfig(sim))
    for (let i = 0; i < 3; i++) await once.send(new DescribeDBClustersCommand({}))
    const error = await once.send(new DescribeDBClustersCommand({})).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    })
    expect(sim.requests.at(-1)).toMatchObject({
      errorCode: 'Throttling',
      fault: 'throttle',
      account: source,
    })
    // Another account has its own bucket.
    const other = new RDSClient(clientConfig(sim, destinationKeys))
    await expect(other.send(new DescribeDBClustersCommand({}))).resolves.toBeDefined()
    // The SDK's standard mode backs off (throttling base 500 ms) and the bucket refills: one token a
    // second. Drain the bucket first so the retrying client's first attempt is throttled.
    sim.setFaults({ throttle: { ratePerSecond: 1, burst: 1 } })
    while (
      await once.send(new DescribeDBClustersCommand({})).then(
        () => true,
        () => false,
      )
    );
    const retrying = new RDSClient({ ...clientConfig(sim), maxAttempts: 10, retryMode: 'standard' })
    const out = await retrying.send(new DescribeDBClustersCommand({}))
    expect(out.$metadata.attempts).toBeGreaterThan(1)
    const mine = sim.requests.filter((r) => r.account === source)
    expect(mine.slice(-(out.$metadata.attempts ?? 0)).map((r) => r.errorCode)).toEqual([
      ...Array.from({ length: (out.$metadata.attempts ?? 1) - 1 }, () => 'Throttling'),
      undefined,
    ])
    for (const client of [once, other, retrying]) client.destroy()
  })

  it("refills a `time: 'simulated'` bucket per simulated second, whatever real time does", () => {
    let real = 0
    let simulated = 0
    const faults = createFaultInjector(
      { throttle: { ratePerSecond: 2, burst: 3, time: 'simulated' } },
      { realNow: () => real, simulatedNow: () => simulated },
    )
    const call = () =>
      faults.check({ service: 'rds', operation: 'DescribeDBClusters', account: source })
    for (let i = 0; i < 3; i++) expect(call()).toBeUndefined()
    expect(call()?.kind).toBe('throttle')
    // An hour of real time refills nothing; half a simulated second refills one token.
    real += 3_600_000
    expect(call()?.kind).toBe('throttle')
    simulated += 500
    expect(call()).toBeUndefined()
    expect(call()?.kind).toBe('throttle')
    // The bucket holds at most `burst`.
    simulated += 60_000
    for (let i = 0; i < 3; i++) expect(call()).toBeUndefined()
    expect(call()?.error.code).toBe('Throttling')
  })

  it('answers seeded, repeatable InternalFailure 500s', async () => {
    const codes = async () => {
      const instance = await start({ scenario: { faults: { internalErrorRate: 0.5, seed: 42 } } })
      const client = new RDSClient(clientConfig(instance))
      const seen: string[] = []
      for (let i = 0; i < 12; i++) {
        const result = await client.send(new DescribeDBClustersCommand({})).catch((e: unknown) => e)
        seen.push(
          result instanceof Error
            ? `${result.name}/${String((result as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode)}`
            : 'ok',
        )
      }
      expect(instance.requests.filter((r) => r.fault === 'internal').length).toBe(
        seen.filter((s) => s !== 'ok').length,
      )
      client.destroy()
      await instance.close()
      return seen
    }
    const first = await codes()
    expect(first).toContain('ok')
    expect(first).toContain('InternalFailure/500')
    expect(await codes()).toEqual(first)
  })

  it('fails a named call with a named error `times` times, optionally for one account', async () => {
    sim = await start({
      scenario: {
        faults: {
          failCalls: [
            {
              operation: 'DescribeDBClusters',
              code: 'DBClusterNotFoundFault',
              message: 'gone',
              status: 404,
              times: 2,
              account: source,
            },
            { operation: 'DescribeKey', code: 'DependencyTimeoutException', status: 500 },
          ],
        },
      },
    })
    const rds = new RDSClient(clientConfig(sim))
    const results = []
    for (let i = 0; i < 3; i++) {
      results.push(
        await rds.send(new DescribeDBClustersCommand({})).then(
          () => 'ok',
          (e: Error) => `${e.name}: ${e.message}`,
        ),
      )
    }
    expect(results).toEqual(['DBClusterNotFoundFault: gone', 'DBClusterNotFoundFault: gone', 'ok'])
    const kms = new KMSClient(clientConfig(sim, destinationKeys))
    expect(
      await kms.send(new DescribeKeyCommand({ KeyId: 'k' })).catch((e: unknown) => e),
    ).toMatchObject({
      name: 'DependencyTimeoutException',
      $fault: 'server',
    })
    expect(sim.requests.map((r) => [r.operation, r.account, r.errorCode, r.fault])).toEqual([
      ['DescribeDBClusters', source, 'DBClusterNotFoundFault', 'injected'],
      ['DescribeDBClusters', source, 'DBClusterNotFoundFault', 'injected'],
      ['DescribeDBClusters', source, undefined, undefined],
      ['DescribeKey', destination, 'DependencyTimeoutException', 'injected'],
    ])
    sim.setFaults({})
    await expect(kms.send(new DescribeKeyCommand({ KeyId: 'k' }))).resolves.toBeDefined()
    rds.destroy()
    kms.destroy()
  })

  it('fails only the requests whose input has the named member values', async () => {
    sim = await start({
      scenario: {
        faults: {
          failCalls: [
            {
              operation: 'DescribeDBClusters',
              code: 'InvalidDBClusterStateFault',
              input: { DBClusterIdentifier: 'prod-aurora' },
            },
          ],
        },
      },
    })
    const rds = new RDSClient(clientConfig(sim))
    await expect(
      rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'prod-aurora' })),
    ).rejects.toMatchObject({ name: 'InvalidDBClusterStateFault' })
    await expect(rds.send(new DescribeDBClustersCommand({}))).resolves.toBeDefined()
    expect(sim.requests.map((r) => r.fault)).toEqual(['injected', undefined])
    rds.destroy()
  })
})

describe('request log', () => {
  it('records seq, service, operation, account, key, input, outcome and real start/end', async () => {
    sim = await start({ scenario: { clockScale: 600 } })
    const rds = new RDSClient(clientConfig(sim))
    const before = Date.now()
    await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'app', MaxRecords: 20 }))
    await rds.send(
      new DescribeDBClustersCommand({ Filters: [{ Name: 'engine', Values: ['aurora-mysql'] }] }),
    )
    const [first, second] = sim.requests
    expect(first).toMatchObject({
      seq: 1,
      service: 'rds',
      operation: 'DescribeDBClusters',
      account: source,
      accessKeyId: 'AKIASOURCE0000000001',
      input: { DBClusterIdentifier: 'app', MaxRecords: 20 },
    })
    expect(first?.errorCode).toBeUndefined()
    expect(second).toMatchObject({
      seq: 2,
      input: { Filters: [{ Name: 'engine', Values: ['aurora-mysql'] }] },
    })
    expect(first?.startedAt).toBeGreaterThanOrEqual(before)
    expect(first?.endedAt).toBeGreaterThanOrEqual(first?.startedAt ?? 0)
    // Simulated time runs 600x: a few real ms are seconds of simulated time, starting at real now.
    expect(first?.time).toBeGreaterThanOrEqual(before - 1000)
    expect(sim.world.clock.now()).toBeGreaterThan(Date.now())
    expect(sim.inventory(source)).toEqual({ 'db-cluster': [source] })
    rds.destroy()
  })
})
