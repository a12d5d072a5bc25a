/** Master password rules shared by ModifyDBCluster and ModifyDBInstance. [M-RDS; aws-reference G1] */
import { invalidValue } from './common.ts'

/** 8–41 printable ASCII characters, excluding `/`, `"`, `@` and space. */
export function checkPassword(password: string): void {
  if (password.length < 8 || password.length > 41) {
    throw invalidValue(
      `The parameter MasterUserPassword is not a valid password because it is ${password.length < 8 ? 'shorter than 8' : 'longer than 41'} characters.`,
    )
  }
  if (!/^[\x21-\x7e]+$/.test(password) || /[/"@]/.test(password)) {
    throw invalidValue(
      `The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '"', ' ' may be used.`,
    )
  }
}
