import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { isValidCidr } from '../ip-allowlist.js';

@ValidatorConstraint({ name: 'cidr' })
export class CidrConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && value.length <= 64 && isValidCidr(value);
  }

  defaultMessage(): string {
    return 'each allowedIps entry must be an IPv4 or IPv6 address or CIDR';
  }
}
