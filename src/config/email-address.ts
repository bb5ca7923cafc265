import { isEmail } from 'class-validator';

/**
 * An account's email address as registration accepts it (src/auth/dto/register.dto.ts): one
 * address, no display name, no IP literal, at most 254 characters (RFC 5321). Used for
 * BOOTSTRAP_ADMIN_EMAIL and `cli create-admin --email`, so no path creates an account that
 * registration would refuse.
 */
export function isAccountEmail(value: string): boolean {
  return value.length <= 254 && isEmail(value, { allow_display_name: false, allow_ip_domain: false });
}
