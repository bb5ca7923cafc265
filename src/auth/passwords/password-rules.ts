import { ProblemException } from '../../http/problem.exception.js';
import { assessPassword, normalisePassword, type PasswordContext } from './password-policy.js';

/** Applies the password policy for a request field, as a 400 with an `errors` entry (docs/http-contract.md#auth). */
export async function acceptablePassword(field: string, password: string, context: PasswordContext): Promise<string> {
  const problems = await assessPassword(password, context);
  if (problems.length > 0) {
    throw new ProblemException(400, {
      detail: 'The password does not meet the password policy.',
      errors: problems.map((message) => ({ field, message: `${field} ${message}` })),
    });
  }
  return normalisePassword(password);
}
