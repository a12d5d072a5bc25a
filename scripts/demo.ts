/**
 * `npm run demo`: start the local AWS simulator with a production-like two-account world, run the
 * bundled action against it exactly as the GitHub runner would (main step, then post step), and
 * print the log, the outputs and where the job summary was written.
 *
 *   npm run demo                      # cross-account Aurora clone, prod-aurora → pr-123-app
 *   npm run demo -- source=prod-multiaz target=staging-db   # any input as name=value
 *   npm run demo -- --fixture my-accounts.ts operation=plan source=… target=…
 *
 * With `--fixture` (a world like sim/fixtures/your-accounts.ts) the simulator serves that world
 * and the demo's own inputs, which name the demo world's resources, are left out: give every input
 * your workflow gives, as name=value.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startSimulator, type Simulator } from '../sim/src/index.ts'
import { loadFixture } from '../sim/src/load-fixture.ts'
import { ROLE_ARNS } from '../sim/fixtures/production.ts'
import { policyFilesFor, policyMethodOf, shippedPolicy } from '../sim/fixtures/shipped-iam.ts'
import { ROOT, runAction } from './local-runner.ts'

const args = parseArgs({
  options: {
    fixture: { type: 'string' },
    /** Where the job summary is written (default .demo/ in the repository). */
    out: { type: 'string', default: join(ROOT, '.demo') },
  },
  allowPositionals: true,
})
const overrides = Object.fromEntries(
  args.positionals
    .filter((arg) => arg.indexOf('=') > 0)
    .map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]),
)

/** What the demo world's run needs besides the simulator itself. */
function demoInputs(region: string): Record<string, string> {
  return {
    'source-role-arn': ROLE_ARNS.source,
    'destination-role-arn': ROLE_ARNS.staging,
    source: 'prod-aurora',
    target: 'pr-123-app',
    'kms-key-id': `arn:aws:kms:${region}:222222222222:alias/rds-staging`,
    'db-subnet-group': 'staging-db',
    'vpc-security-group-ids': 'sg-05a9e00000000000a',
    'db-cluster-parameter-group': 'staging-aurora-pg16',
    'db-parameter-group': 'staging-aurora-pg16-instances',
    ttl: '72h',
  }
}

/** Gives the run's two roles the shipped IAM policies for what it does. */
function grantShippedPolicies(sim: Simulator, inputs: Record<string, string>): void {
  const files = policyFilesFor({
    oneAccount: inputs['source-role-arn'] === inputs['destination-role-arn'],
    lifecycle: inputs.operation === 'delete' || inputs.operation === 'sweep',
    method: policyMethodOf(inputs.method),
  })
  const accountOf = (arn: string) => arn.split(':')[4] ?? ''
  const accounts = {
    source: accountOf(inputs['source-role-arn'] ?? ''),
    destination: accountOf(inputs['destination-role-arn'] ?? ''),
  }
  sim.iam.setRolePolicies(inputs['destination-role-arn'] ?? '', [
    shippedPolicy(files.destination, accounts),
  ])
  sim.iam.setRolePolicies(inputs['source-role-arn'] ?? '', [shippedPolicy(files.source, accounts)])
}

const fixture = await loadFixture(args.values.fixture)
const sim = await startSimulator({ fixture, scenario: { clockScale: 600 } })
console.log(`Local AWS simulator at ${sim.url} (simulated time runs 600× faster)\n`)
try {
  const inputs: Record<string, string> = {
    'aws-region': sim.region,
    'endpoint-url': sim.url,
    'poll-interval-seconds': '0.2',
    ...(args.values.fixture === undefined ? demoInputs(sim.region) : {}),
    ...overrides,
  }
  // The roles hold the shipped IAM policies (iam/), as a user's would.
  if (inputs['source-role-arn'] && inputs['destination-role-arn']) grantShippedPolicies(sim, inputs)
  const run = await runAction({
    inputs,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: sim.oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim.oidc.requestToken,
    },
    echo: true,
  })
  const out = args.values.out
  mkdirSync(out, { recursive: true })
  const summaryPath = join(out, 'summary.md')
  writeFileSync(summaryPath, run.summary)
  console.log('\n── Outputs ──')
  for (const [name, value] of Object.entries(run.outputs))
    console.log(`${name.padEnd(24)} ${value}`)
  console.log(`\n── Job summary written to ${summaryPath}`)
  if (run.post) {
    console.log('\n── Post step ──')
    process.stdout.write(run.post.log)
  }
  console.log(`\nMain step exit code ${run.exitCode}; ${sim.requests.length} AWS requests served.`)
  process.exitCode = run.exitCode
} finally {
  await sim.close()
}
