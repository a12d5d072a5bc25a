/**
 * Runs the simulator until SIGINT/SIGTERM and prints what a runner needs to talk to it.
 *
 *   node sim/src/cli.ts [--port N] [--scale N] [--credential-scale N] [--fixture <module>]
 *
 * `--fixture` names a module whose default export (or `fixture` export) is a function returning a
 * Fixture; without it, the production-like world of sim/fixtures/production.ts is served.
 */
import { parseArgs } from 'node:util'
import { startSimulator } from './index.ts'
import { loadFixture } from './load-fixture.ts'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      scale: { type: 'string', default: '1' },
      'credential-scale': { type: 'string', default: '1' },
      fixture: { type: 'string' },
    },
  })
  const fixture = await loadFixture(values.fixture)
  const sim = await startSimulator({
    fixture,
    port: Number(values.port),
    scenario: {
      clockScale: Number(values.scale),
      credentialTimeScale: Number(values['credential-scale']),
    },
  })
  const lines = [
    `AWS simulator listening on ${sim.url} (region ${sim.region})`,
    '',
    `AWS_ENDPOINT_URL=${sim.url}`,
    `AWS_REGION=${sim.region}`,
    `ACTIONS_ID_TOKEN_REQUEST_URL=${sim.oidc.requestUrl}`,
    `ACTIONS_ID_TOKEN_REQUEST_TOKEN=${sim.oidc.requestToken}`,
    '',
    ...fixture.accounts.flatMap((account) => [
      `# account ${account.id} (${account.name})`,
      ...(account.roles ?? []).map(
        (role) => `#   role arn:aws:iam::${account.id}:role/${role.name}`,
      ),
      ...(account.staticCredentials ?? []).map(
        (key) => `#   static key ${key.accessKeyId} / ${key.secretAccessKey}`,
      ),
    ]),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  const stop = () => {
    void sim.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

await main()
