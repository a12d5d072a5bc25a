/**
 * `npm run bench`: how close each method comes to the fastest AWS allows.
 *
 * Each scenario runs the bundled action against the simulator with AWS-like durations (minutes),
 * then reads the simulator's timeline:
 * - critical path: the simulated time during which AWS was working on the copy (the union of the
 *   intervals in which a resource on the way to the copy was changing state), the least any tool
 *   calling these APIs could take;
 * - span: from the action's first change to its last call (simulated time);
 * - ratio = span / critical path: 1.00 would mean the action never left AWS idle.
 * Deletions of intermediates are kept off the critical path; where a tool would delete the
 * temporary instance before the hand-off (the AWS blog pipeline), that deletion is added to show
 * what it would cost.
 *
 *   npm run bench                 # all scenarios, 3 runs each
 *   npm run bench -- --runs 1 --scale 60
 */
import { startSimulator, type Simulator } from '../sim/src/index.ts'
import { productionFixture, ROLE_ARNS } from '../sim/fixtures/production.ts'
import type { TimelineEvent } from '../sim/src/core/types.ts'
import { runAction } from './local-runner.ts'

interface Scenario {
  readonly name: string
  readonly inputs: Record<string, string>
  /** Identifier of the relay's temporary instance, whose deletion must stay off the path. */
  readonly tempInstancePrefix?: string
  /** The simulator world's answer on Multi-AZ DB cluster snapshot sharing (default `refused`). */
  readonly multiAzSnapshotSharing?: 'refused' | 'share' | 'share-and-restore'
}

const REGION = 'us-east-1'
const STAGING = {
  'destination-role-arn': ROLE_ARNS.staging,
  'kms-key-id': `arn:aws:kms:${REGION}:222222222222:alias/rds-staging`,
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': 'sg-05a9e00000000000a',
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'Aurora clone, same account',
    inputs: {
      source: 'prod-aurora',
      target: 'bench-clone',
      'db-subnet-group': 'prod-db',
      'vpc-security-group-ids': 'sg-0970d00000000000a',
    },
  },
  {
    name: 'Aurora clone, cross-account',
    inputs: { ...STAGING, source: 'prod-aurora', target: 'bench-xclone' },
  },
  {
    name: 'Multi-AZ DB cluster relay, cross-account, 7 steps (AWS refuses the share)',
    inputs: { ...STAGING, source: 'prod-multiaz', target: 'bench-multiaz' },
    tempInstancePrefix: 'rds-refresh-',
  },
  {
    name: 'Multi-AZ DB cluster relay, cross-account, direct path (AWS shares and restores)',
    inputs: { ...STAGING, source: 'prod-multiaz', target: 'bench-multiaz' },
    multiAzSnapshotSharing: 'share-and-restore',
  },
  {
    name: 'DB instance relay, cross-account',
    inputs: {
      ...STAGING,
      source: 'prod-pg',
      target: 'bench-pg',
      'db-parameter-group': 'staging-pg16',
    },
  },
]

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index > 0 ? Number(process.argv[index + 1]) : fallback
}

const runs = option('runs', 3)
// 60× keeps real HTTP latency (a few ms) small against simulated minutes.
const scale = option('scale', 60)

interface Measure {
  readonly ok: boolean
  readonly spanSeconds: number
  readonly criticalSeconds: number
  readonly tempDeleteSeconds: number
  readonly requests: number
}

const STEADY = new Set([
  'available',
  'ACTIVE',
  'ACCEPTED',
  'created',
  'deleted',
  'DELETED',
  'active',
])

/** Union of the intervals in which a resource was changing state, deletions excluded. */
function busyIntervals(events: readonly TimelineEvent[], since: number): [number, number][] {
  const byResource = new Map<string, TimelineEvent[]>()
  for (const e of events) {
    if (e.time < since) continue
    const key = `${e.account}/${e.resourceType}/${e.identifier}`
    byResource.set(key, [...(byResource.get(key) ?? []), e])
  }
  const intervals: [number, number][] = []
  for (const list of byResource.values()) {
    const sorted = [...list].sort((a, b) => a.time - b.time)
    for (let i = 0; i + 1 < sorted.length; i++) {
      const e = sorted[i] as TimelineEvent
      const next = sorted[i + 1] as TimelineEvent
      if (STEADY.has(e.status) || /delet/i.test(e.status)) continue
      intervals.push([e.time, next.time])
    }
  }
  return intervals
}

function unionLength(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  let total = 0
  let end = -Infinity
  for (const [start, stop] of sorted) {
    if (stop <= end) continue
    total += stop - Math.max(start, end)
    end = stop
  }
  return total
}

function tempDeletion(events: readonly TimelineEvent[], since: number, prefix?: string): number {
  if (!prefix) return 0
  const temp = events.filter(
    (e) => e.time >= since && e.resourceType === 'db-instance' && e.identifier.startsWith(prefix),
  )
  const start = temp.find((e) => e.status === 'deleting')?.time
  const end = temp.find((e) => e.status === 'deleted')?.time
  return start !== undefined && end !== undefined ? end - start : 0
}

async function measure(sim: Simulator, scenario: Scenario): Promise<Measure> {
  const since = sim.world.clock.now()
  const firstRequest = sim.requests.length
  const run = await runAction({
    inputs: {
      'aws-region': sim.region,
      'endpoint-url': sim.url,
      'source-role-arn': ROLE_ARNS.source,
      // The default 10-second poll, in simulated time.
      'poll-interval-seconds': String(10 / scale),
      ...scenario.inputs,
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: sim.oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim.oidc.requestToken,
    },
    post: false,
  })
  const requests = sim.requests.slice(firstRequest)
  const changes = requests
    .filter((r) => r.service === 'rds' || r.service === 'ram')
    .filter((r) => !/^(Describe|List|Get)/.test(r.operation))
  const start = changes[0]?.time ?? since
  const end = requests[requests.length - 1]?.time ?? start
  const events = sim.timeline.events
  return {
    ok: run.exitCode === 0,
    spanSeconds: (end - start) / 1000,
    criticalSeconds: unionLength(busyIntervals(events, start)) / 1000,
    tempDeleteSeconds: tempDeletion(events, start, scenario.tempInstancePrefix) / 1000,
    requests: requests.length,
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`

console.log(
  `rds-refresh benchmark: ${runs} run(s) per scenario, simulated time at ${scale}×, default 10 s poll\n`,
)
console.log(
  '| scenario | critical path | action | ratio | requests | temp-instance deletion on the path would make it |',
)
console.log('|---|---|---|---|---|---|')
let failures = 0
for (const scenario of SCENARIOS) {
  const results: Measure[] = []
  for (let i = 0; i < runs; i++) {
    const sim = await startSimulator({
      fixture: productionFixture(),
      scenario: { clockScale: scale, multiAzSnapshotSharing: scenario.multiAzSnapshotSharing },
    })
    try {
      results.push(
        await measure(sim, {
          ...scenario,
          inputs: { ...scenario.inputs, target: `${scenario.inputs.target}-${i}` },
        }),
      )
    } finally {
      await sim.close()
    }
  }
  if (results.some((r) => !r.ok)) {
    failures += 1
    console.log(`| ${scenario.name} | — | failed | — | — | — |`)
    continue
  }
  const critical = median(results.map((r) => r.criticalSeconds))
  const span = median(results.map((r) => r.spanSeconds))
  const temp = median(results.map((r) => r.tempDeleteSeconds))
  const blog = temp > 0 ? `${((span + temp) / critical).toFixed(2)}× (+${minutes(temp)})` : 'n/a'
  console.log(
    `| ${scenario.name} | ${minutes(critical)} | ${minutes(span)} | ${(span / critical).toFixed(2)}× | ${median(results.map((r) => r.requests))} | ${blog} |`,
  )
}
process.exitCode = failures > 0 ? 1 : 0
