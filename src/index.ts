import * as core from '@actions/core'
import { cancelledBy } from './engine/deadline.js'
import { describeCancel } from './engine/ledger.js'
import { errorMessage } from './errors.js'
import { failureTitle } from './github/annotations.js'
import { run } from './main.js'
import { runPost } from './post.js'
import { isPost, markMainStarted, savedInThisStep } from './state.js'

/**
 * One bundle serves the main step and the post step, told apart by saved state (as
 * actions/checkout does). This is the only place that fails the step.
 */
async function entry(): Promise<void> {
  if (isPost()) {
    try {
      await runPost()
    } catch (error) {
      core.warning(`Cleanup failed: ${errorMessage(error)}`, { title: 'rds-refresh: cleanup' })
    }
    return
  }
  markMainStarted()
  const controller = new AbortController()
  const cancel = (signal: string): void => {
    const { resources, outcome } = savedInThisStep()
    core.warning(`Received ${signal}: ${describeCancel(resources, outcome)}.`, {
      title: 'rds-refresh: cancelled',
    })
    controller.abort(cancelledBy(signal))
  }
  process.once('SIGINT', () => cancel('SIGINT'))
  process.once('SIGTERM', () => cancel('SIGTERM'))
  try {
    await run(controller.signal)
  } catch (error) {
    if (process.env.SHOW_STACK_TRACE === 'true' && error instanceof Error)
      core.debug(error.stack ?? '')
    // setFailed, with a title for the run page's annotation.
    process.exitCode = core.ExitCode.Failure
    core.error(errorMessage(error), { title: failureTitle(error) })
  }
}

/** Resolves once everything written to stdout and stderr has been handed to the OS. */
async function flushOutput(): Promise<void> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => stream.write('', () => resolve())),
    ),
  )
}

await entry()
// The step is over, but a request abandoned at a stop can still hold a socket open (the OIDC
// token request cannot be aborted, and a server may never close a connection), and Node would
// wait for it: the runner would then show the step running until the job's own timeout. Exit
// explicitly, with the exit code setFailed chose, once the output has been flushed.
await flushOutput()
process.exit()
