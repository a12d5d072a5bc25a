/**
 * Refreshes at once in one account share its RDS token bucket. `npm run bench` runs twenty against
 * RDS's own bucket (300 burst, 12/s); here four clones meet a bucket they overrun, so throttling
 * is certain however fast or slow the machine is: every refresh must finish,
 * no throttling error may reach a user, and the waits must poll within their budget.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { ACCOUNTS, inventoryOf, runAction, startWorld, type Simulator } from './harness.ts'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** The harness's default scale: three thousand simulated seconds per real second. */
const CLOCK_SCALE = 3000

/** The harness polls every 0.05 real seconds: 150 simulated seconds at that scale. */
const POLL_SIMULATED_SECONDS = 150

/**
 * Ten requests at once, then five per real second (on simulated time, so the rate is written per
 * simulated second). Four runs polling every 0.05 s ask for several times that even on a loaded
 * machine, so the bucket bites however slow the machine is, yet not so hard that the storm lasts
 * longer than a run: AWS's bucket is the same shape (300 at once, 12 per second).
 */
const BUCKET = { ratePerSecond: 5 / CLOCK_SCALE, burst: 10, time: 'simulated' } as const

const THROTTLING = /throttl|rate exceeded/i

/** A run's reads of its cluster outside waits, and each wait's first look. */
const OTHER_READS = 8

describe('refreshes at once under one token bucket', () => {
  it('all finish, no throttling reaches a user, and each wait polls within its budget', async () => {
    sim = await startWorld({
      scenario: { clockScale: CLOCK_SCALE, faults: { throttle: BUCKET } },
    })
    const world = sim
    const targets = ['pr-1', 'pr-2', 'pr-3', 'pr-4']
    const runs = await Promise.all(
      targets.map((target, i) =>
        runAction({
          sim: world,
          inputs: {
            'source-role-arn': 'arn:aws:iam::111111111111:role/rds-refresh-source',
            source: 'prod-aurora',
            target,
            'db-subnet-group': 'prod-db',
            'vpc-security-group-ids': 'sg-0970d00000000000a',
          },
          env: { GITHUB_RUN_ID: `${700 + i}` },
          post: false,
        }),
      ),
    )

    for (const run of runs) {
      expect(run.maskedLog.split('\n').filter((line) => line.startsWith('::error'))).toEqual([])
      expect(run.exitCode).toBe(0)
      for (const text of [run.maskedLog, run.summary, JSON.stringify(run.outputs)]) {
        expect(text).not.toMatch(THROTTLING)
      }
    }
    const clusters = inventoryOf(sim, ACCOUNTS.production)['db-clusters'] ?? []
    for (const target of targets) expect(clusters).toContain(`${target} (available)`)

    // The bucket bit: RDS answered Throttling, and what it let through fits the bucket.
    const rds = sim.requests.filter((r) => r.service === 'rds')
    expect(rds.filter((r) => r.errorCode === 'Throttling').length).toBeGreaterThan(0)
    const served = rds.filter((r) => r.fault !== 'throttle').map((r) => r.time)
    const seconds = ((served.at(-1) ?? 0) - (served[0] ?? 0)) / 1000
    expect(served.length).toBeLessThanOrEqual(BUCKET.burst + BUCKET.ratePerSecond * seconds + 1)

    // Each run's waits for its cluster asked at most once per interval, besides the first look of
    // each wait and the run's other reads of it (existence check, reading the copy at the end).
    for (const target of targets) {
      const polls = rds.filter(
        (r) =>
          r.operation === 'DescribeDBClusters' &&
          r.input.DBClusterIdentifier === target &&
          r.fault === undefined,
      )
      const span = ((polls.at(-1)?.time ?? 0) - (polls[0]?.time ?? 0)) / 1000
      expect(polls.length).toBeLessThanOrEqual(span / POLL_SIMULATED_SECONDS + OTHER_READS)
    }
  })
})
