/**
 * `npm run demo`: start the local AWS simulator with a production-like two-account world, run the
 * bundled action against it exactly as the GitHub runner would (main step, then post step), and
 * print the log, the outputs and where the job summary was written.
 *
 *   npm run demo                      # cross-account Aurora clone, prod-aurora → pr-123-app
 *   npm run demo -- source=prod-multiaz target=staging-db   # any input as name=value
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startSimulator } from '../sim/src/index.ts'
import { productionFixture, ROLE_ARNS } from '../sim/fixtures/production.ts'
import { policyFilesFor, shippedPolicy, type PolicyMethod } from '../sim/fixtures/shipped-iam.ts'
import { ROOT, runAction } from './local-runner.ts'

const overrides = Object.fromEntries(
  process.argv
    .slice(2)
    .map((arg) => arg.split('='))
    .filter((parts): parts is [string, string] => parts.length === 2 && Boolean(parts[0])),
)

const sim = await startSimulator({ fixture: productionFixture(), scenario: { clockScale: 600 } })
console.log(`Local AWS simulator at ${sim.url} (simulated time runs 600× faster)\n`)
try {
  const inputs: Record<string, string> = {
    'aws-region': sim.region,
    'endpoint-url': sim.url,
    'source-role-arn': ROLE_ARNS.source,
    'destination-role-arn': ROLE_ARNS.staging,
    source: 'prod-aurora',
    target: 'pr-123-app',
    'kms-key-id': `arn:aws:kms:${sim.region}:222222222222:alias/rds-staging`,
    'db-subnet-group': 'staging-db',
    'vpc-security-group-ids': 'sg-05a9e00000000000a',
    'db-cluster-parameter-group': 'staging-aurora-pg16',
    'db-parameter-group': 'staging-pg16',
    'poll-interval-seconds': '0.2',
    ttl: '72h',
    ...overrides,
  }
  // The roles hold the shipped IAM policies (iam/), as a user's would.
  const files = policyFilesFor({
    oneAccount: inputs['source-role-arn'] === inputs['destination-role-arn'],
    lifecycle: inputs.operation === 'delete' || inputs.operation === 'sweep',
    method: (inputs.method ?? 'auto') as PolicyMethod,
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
  const run = await runAction({
    inputs,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: sim.oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim.oidc.requestToken,
    },
    echo: true,
  })
  const out = join(ROOT, '.demo')
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
