/**
 * Issue 7, "Timeouts that bound": calls that never answer, an endpoint that accepts connections and
 * never replies, a hung OIDC endpoint (at the start and at a mid-run re-mint), and a slow answer
 * followed by a cancel. Each run stops at its deadline (deadline-minutes, here a fraction of a
 * minute), names what was running, exits, and its post step bounds itself too.
 *
 * The upper bounds on durations are generous on purpose: they separate "stopped at the deadline"
 * from "hung until something else killed it", not fast from slow.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type Server, type Socket } from 'node:net'
import {
  ACCOUNTS,
  calls,
  createdSince,
  inventoryOf,
  ROLE_ARNS,
  runAction,
  startWorld,
  type Simulator,
} from './harness.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** A same-account refresh of prod-aurora into pr-1-app, placed in the production VPC. */
const clone = {
  'source-role-arn': ROLE_ARNS.source,
  source: 'prod-aurora',
  target: 'pr-1-app',
  'db-subnet-group': 'prod-db',
  'vpc-security-group-ids': 'sg-0970d00000000000a',
}

/** 0.1 minutes: the deadline is 6 s after the start. */
const SHORT = { 'deadline-minutes': '0.1' }
/** Stopped at a 6-second deadline, not hung: anything far below the 60-s request timeout. */
const WITHIN_BOUND_MS = 30_000
const TEST_TIMEOUT_MS = 120_000

/** The sim's log entries that hung (never answered), as `service:Operation`. */
function hung(world: Simulator): string[] {
  return world.requests.filter((r) => r.fault === 'hang').map((r) => `${r.service}:${r.operation}`)
}

/** Resolves once `condition` holds, checking every 20 ms. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('an AWS call that never answers', () => {
  it(
    'a Describe: stops at deadline-minutes while reading the source, says so, and exits',
    async () => {
      sim = await startWorld({
        scenario: {
          faults: { networkFaults: [{ kind: 'hang', operation: 'DescribeDBClusters' }] },
        },
      })
      const run = await runAction({ sim, inputs: { ...clone, ...SHORT } })
      expect(run.exitCode).toBe(1)
      expect(run.maskedLog).toContain(
        '::error title=rds-refresh failed::deadline-minutes (0.1) ran out while reading the source; the post step has nothing to remove.',
      )
      expect(run.maskedLog).toContain('What to do: Raise deadline-minutes')
      expect(run.durationMs).toBeLessThan(WITHIN_BOUND_MS)
      // The post step of a failed run also looks this run's resources up by tag; that look-up
      // meets the same hung call, and the post step's own bound ends it.
      expect(hung(sim)).toEqual(['rds:DescribeDBClusters', 'rds:DescribeDBClusters'])
      expect(calls(sim).filter((c) => !/Describe|sts:|oidc:/.test(c))).toEqual([])
      expect(run.post?.exitCode).toBe(0)
      expect(run.post?.durationMs).toBeLessThan(WITHIN_BOUND_MS)
      expect(run.post?.maskedLog).toContain("Could not look up this run's resources by tag")
      expect(run.post?.maskedLog).toContain('Nothing to clean up.')
    },
    TEST_TIMEOUT_MS,
  )

  it(
    'under the former name timeout-minutes: the same stop, and one deprecation warning, from the main step only',
    async () => {
      sim = await startWorld({
        scenario: {
          faults: { networkFaults: [{ kind: 'hang', operation: 'DescribeDBClusters' }] },
        },
      })
      const run = await runAction({ sim, inputs: { ...clone, 'timeout-minutes': '0.1' } })
      expect(run.exitCode).toBe(1)
      expect(run.maskedLog).toContain(
        '::error title=rds-refresh failed::deadline-minutes (0.1) ran out while reading the source',
      )
      const deprecation =
        /^::warning title=Deprecated input timeout-minutes \(use deadline-minutes\)::Input 'timeout-minutes' is deprecated: rename it to 'deadline-minutes'/
      expect(run.maskedLog.split('\n').filter((line) => deprecation.test(line))).toHaveLength(1)
      expect(run.post?.maskedLog).toContain('Nothing to clean up.')
      expect(run.post?.maskedLog).not.toContain('deprecated')
    },
    TEST_TIMEOUT_MS,
  )

  it(
    'a create: stops at deadline-minutes in the step that made the call, and nothing is left',
    async () => {
      sim = await startWorld({
        scenario: {
          faults: {
            networkFaults: [{ kind: 'hang', operation: 'RestoreDBClusterToPointInTime' }],
          },
        },
      })
      const before = inventoryOf(sim, ACCOUNTS.production)
      const run = await runAction({ sim, inputs: { ...clone, ...SHORT } })
      expect(run.exitCode).toBe(1)
      expect(run.maskedLog).toContain(
        '::error title=rds-refresh failed::deadline-minutes (0.1) ran out while step "clone-cluster" was running;',
      )
      expect(run.maskedLog).toContain('[clone-cluster] cancelled in')
      expect(run.summary).toContain('deadline-minutes (0.1) ran out')
      expect(run.durationMs).toBeLessThan(WITHIN_BOUND_MS)
      expect(hung(sim)).toEqual(['rds:RestoreDBClusterToPointInTime'])
      expect(run.post?.exitCode).toBe(0)
      // A hung call was never handled: AWS made nothing.
      expect(createdSince(before, inventoryOf(sim, ACCOUNTS.production))).toEqual({})
    },
    TEST_TIMEOUT_MS,
  )

  it(
    'after a create: names the step and what the post step removes; the post step bounds itself too',
    async () => {
      sim = await startWorld({
        scenario: {
          faults: {
            networkFaults: [
              { kind: 'hang', operation: 'CreateDBInstance' },
              { kind: 'hang', operation: 'DeleteDBCluster' },
            ],
          },
        },
      })
      const run = await runAction({ sim, inputs: { ...clone, ...SHORT } })
      expect(run.exitCode).toBe(1)
      expect(run.maskedLog).toContain(
        // The instance whose create call hung is recorded as an intent before the call.
        '::error title=rds-refresh failed::deadline-minutes (0.1) ran out while step "create-instances" was running; the post step removes db-cluster pr-1-app (destination account), db-instance pr-1-app-1 (destination account).',
      )
      expect(run.durationMs).toBeLessThan(WITHIN_BOUND_MS)

      // The post step's bound is deadline-minutes (at most 30): its hung deletion is reported, with
      // the command that removes the copy, and the post step still ends (without failing the job).
      const post = run.post
      expect(post?.exitCode).toBe(0)
      expect(post?.durationMs).toBeLessThan(WITHIN_BOUND_MS)
      expect(post?.maskedLog).toContain('Could not remove 1 resource(s); remove them by hand:')
      expect(post?.maskedLog).toContain(
        'aws rds delete-db-cluster --db-cluster-identifier pr-1-app --skip-final-snapshot --region us-east-1',
      )
      expect(post?.maskedLog).toContain("the post step's 0.1-minute bound ran out")
      expect(hung(sim)).toEqual(['rds:CreateDBInstance', 'rds:DeleteDBCluster'])
      // What it could not remove stays in the saved state, for whoever looks next.
      expect(post?.state.resources).toContain('pr-1-app')
    },
    TEST_TIMEOUT_MS,
  )
})

describe('an endpoint that accepts connections but never replies', () => {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  afterEach(async () => {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
  })

  it(
    'stops at deadline-minutes while signing in, and exits',
    async () => {
      sim = await startWorld()
      const silent = createServer((socket) => {
        sockets.add(socket)
        socket.resume()
      })
      server = silent
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
      const address = silent.address()
      if (address === null || typeof address === 'string') throw new Error('no port')
      const run = await runAction({
        sim,
        inputs: { ...clone, ...SHORT, 'endpoint-url': `http://127.0.0.1:${address.port}` },
      })
      expect(run.exitCode).toBe(1)
      expect(run.maskedLog).toContain(
        '::error title=rds-refresh failed::deadline-minutes (0.1) ran out while signing in to the accounts; the post step has nothing to remove.',
      )
      expect(run.durationMs).toBeLessThan(WITHIN_BOUND_MS)
      // The token came from GitHub (the simulator's stand-in); STS never answered.
      expect(calls(sim)).toEqual(['oidc:GetIdToken'])
      expect(sockets.size).toBeGreaterThan(0)
      expect(run.post?.maskedLog).toContain('Nothing to clean up.')
    },
    TEST_TIMEOUT_MS,
  )
})

describe('a hung OIDC token endpoint', () => {
  it(
    'at the start: stops at deadline-minutes while signing in, and exits',
    async () => {
      sim = await startWorld({
        scenario: { faults: { networkFaults: [{ kind: 'hang', operation: 'GetIdToken' }] } },
      })
      const run = await runAction({ sim, inputs: { ...clone, ...SHORT } })
      expect(run.exitCode).toBe(1)
      expect(run.maskedLog).toContain(
        '::error title=rds-refresh failed::deadline-minutes (0.1) ran out while signing in to the accounts;',
      )
      expect(run.durationMs).toBeLessThan(WITHIN_BOUND_MS)
      expect(hung(sim)).toEqual(['oidc:GetIdToken'])
      expect(calls(sim)).toEqual(['oidc:GetIdToken'])
    },
    TEST_TIMEOUT_MS,
  )

  it(
    'at a re-mint during the run: the run stops and exits; the post step, which cannot sign in, reports the copy',
    async () => {
      // Sessions of role-duration-seconds 900 last 900/450 = 2 real seconds, always inside the
      // 5-minute renewal window: every call re-mints. The clone's cluster takes 5 simulated
      // minutes, 5 real seconds.
      sim = await startWorld({ scenario: { clockScale: 60, credentialTimeScale: 450 } })
      const world = sim
      let ended = false
      const running = runAction({
        sim,
        inputs: { ...clone, 'deadline-minutes': '0.2', 'role-duration-seconds': '900' },
      }).finally(() => {
        ended = true
      })
      // Once the clone has started, every later token request hangs.
      await until(
        () => ended || world.requests.some((r) => r.operation === 'RestoreDBClusterToPointInTime'),
      )
      world.setFaults({ networkFaults: [{ kind: 'hang', operation: 'GetIdToken' }] })
      const run = await running
      expect(run.exitCode).toBe(1)
      expect(run.maskedLog).toMatch(
        /::error title=rds-refresh failed::deadline-minutes \(0\.2\) ran out while step "[a-z-]+" was running; the post step removes db-cluster pr-1-app \(destination account\)/,
      )
      expect(run.durationMs).toBeLessThan(WITHIN_BOUND_MS + 6_000)
      expect(hung(world)).toContain('oidc:GetIdToken')

      const post = run.post
      expect(post?.exitCode).toBe(0)
      expect(post?.durationMs).toBeLessThan(WITHIN_BOUND_MS + 6_000)
      expect(post?.maskedLog).toContain(
        "aws rds delete-db-cluster --db-cluster-identifier pr-1-app --skip-final-snapshot --region us-east-1  # delete its instances first   # could not sign in: the post step's 0.2-minute bound ran out",
      )
    },
    TEST_TIMEOUT_MS,
  )
})

describe('a slow answer, then a cancel', () => {
  it(
    'the cancel aborts the call in flight: the main step exits without waiting for the answer',
    async () => {
      // AWS acts at once, its answer would arrive two minutes later. Whether the post step then
      // knows about the clone is the ledger's business (intent before the call); this is timing.
      sim = await startWorld({
        scenario: {
          faults: {
            networkFaults: [
              { kind: 'delay', operation: 'RestoreDBClusterToPointInTime', delayMs: 120_000 },
            ],
          },
        },
      })
      const world = sim
      const run = await runAction({
        sim,
        inputs: { ...clone, 'deadline-minutes': '350' },
        cancelWhen: () =>
          world.requests.some((r) => r.operation === 'RestoreDBClusterToPointInTime'),
      })
      expect(run.exitCode).toBe(1)
      expect(run.maskedLog).toContain('Received SIGINT: stopping;')
      expect(run.maskedLog).toContain(
        '::error title=rds-refresh failed::The run was cancelled (SIGINT) while step "clone-cluster" was running;',
      )
      expect(run.durationMs).toBeLessThan(60_000)
      expect(run.post?.exitCode).toBe(0)
      expect(run.post?.durationMs).toBeLessThan(60_000)
    },
    TEST_TIMEOUT_MS,
  )
})
