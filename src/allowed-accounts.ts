import type { Accounts } from './credentials.js'
import { ActionError } from './errors.js'
import type { Settings } from './settings.js'

/**
 * `allowed-account-ids`, as configure-aws-credentials has it: when the list is set, every account
 * the run assumed must be on it. Checked right after the accounts are confirmed, so a wrong role
 * (or a role that moved to another account) stops the run before any change.
 */
export function checkAllowedAccounts(settings: Settings, accounts: Accounts): void {
  const allowed = settings.allowedAccountIds
  if (allowed.length === 0) return
  // One role serves both sides in one account: name it as the destination, where changes happen.
  const sessions = accounts.sameAccount
    ? [accounts.destination]
    : [accounts.source, accounts.destination]
  for (const session of sessions) {
    if (allowed.includes(session.accountId)) continue
    throw new ActionError({
      summary: `The ${session.role} account ${session.accountId} (${session.callerArn}) is not in allowed-account-ids (${allowed.join(', ')}); nothing was changed`,
      side: session.role,
      accountId: session.accountId,
      hint: `Check ${session.role === 'source' ? 'source-role-arn' : 'destination-role-arn'} names a role in an allowed account, or add ${session.accountId} to allowed-account-ids if this account is meant to be used.`,
    })
  }
}
