/** What one account owns in KMS, as plain data for tests and the simulator's inventory endpoint. */
import { allowsRdsUse, namedAccounts } from './policy.ts'
import type { KmsStore } from './store.ts'

export function keyInventory(store: KmsStore, account: string): Record<string, unknown[]> {
  const keys = [...store.keys.values()].filter((k) => k.account === account)
  const keyArns = new Set(keys.map((k) => k.arn))
  return {
    'kms-keys': keys.map((k) => ({
      keyId: k.keyId,
      arn: k.arn,
      manager: k.manager,
      enabled: k.enabled,
      description: k.description,
      // Accounts the policy names that may have RDS use the key.
      allowAccounts:
        k.manager === 'AWS'
          ? []
          : namedAccounts(k.policy, k.account).filter((a) => allowsRdsUse(k.policy, a)),
      creationDate: new Date(k.creationDate).toISOString(),
    })),
    'kms-aliases': [...store.aliases.values()]
      .filter((a) => a.account === account)
      .map((a) => ({ aliasName: a.name, aliasArn: a.arn, targetKeyId: a.targetKeyId })),
    // Grants on the account's keys and grants the account issued on other accounts' keys.
    'kms-grants': [...store.grants.values()]
      .filter((g) => keyArns.has(g.keyArn) || g.issuingAccount === account)
      .map((g) => ({
        grantId: g.grantId,
        keyArn: g.keyArn,
        issuingAccount: g.issuingAccount,
        granteePrincipal: g.granteePrincipal ?? g.granteeServicePrincipal,
        operations: [...g.operations],
        name: g.name,
      })),
  }
}
