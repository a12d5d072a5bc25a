import * as core from '@actions/core'
import { errorMessage } from './errors.js'
import { run } from './main.js'
import { runPost } from './post.js'
import { isPost, markMainStarted } from './state.js'

/**
 * One bundle serves the main step and the post step, told apart by saved state (as
 * actions/checkout does). This is the only place that fails the step.
 */
async function entry(): Promise<void> {
  if (isPost()) {
    try {
      await runPost()
    } catch (error) {
      core.warning(`Cleanup failed: ${errorMessage(error)}`)
    }
    return
  }
  markMainStarted()
  const controller = new AbortController()
  const cancel = (signal: string): void => {
    core.warning(`Received ${signal}: stopping; the post step removes what this run created.`)
    controller.abort(
      Object.assign(new Error(`The run was cancelled (${signal})`), { name: 'CancelledError' }),
    )
  }
  process.once('SIGINT', () => cancel('SIGINT'))
  process.once('SIGTERM', () => cancel('SIGTERM'))
  try {
    await run(controller.signal)
  } catch (error) {
    if (process.env.SHOW_STACK_TRACE === 'true' && error instanceof Error)
      core.debug(error.stack ?? '')
    core.setFailed(errorMessage(error))
  }
}

await entry()
