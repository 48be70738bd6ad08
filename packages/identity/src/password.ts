import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { invalid } from '@zhanqun/core/errors';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** About 49,000 passwords seen most in breaches (zxcvbn's list), plus our own obvious ones. */
const COMMON: ReadonlySet<string> = new Set([
  ...(dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()),
  'zhanqun12345', 'zhanqun123456', 'admin1234567', 'password1234',
]);

/** Refuse passwords shorter than 12 characters or on the common-password list. */
export function checkPasswordStrength(password: string, field = 'password'): void {
  if (password.length < 12) throw invalid(field, 'must be at least 12 characters');
  if (password.length > 256) throw invalid(field, 'must be at most 256 characters');
  if (COMMON.has(password.toLowerCase())) throw invalid(field, 'is on the list of commonly used passwords');
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
