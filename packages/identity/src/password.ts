import { hash, verify } from '@node-rs/argon2';
import { invalid } from '@zhanqun/core/errors';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** A few of the most common passwords; the identity issue brings the full list. */
const COMMON = new Set(['123456789012', 'password1234', 'qwertyuiopas', '111111111111', 'admin1234567', 'zhanqun12345']);

/** Refuse passwords too short or too common (at least 12 characters). */
export function checkPasswordStrength(password: string, field = 'password'): void {
  if (password.length < 12) throw invalid(field, 'must be at least 12 characters');
  if (COMMON.has(password.toLowerCase())) throw invalid(field, 'is too common');
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
