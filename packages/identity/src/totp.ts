import { generateHOTP } from '@oslojs/otp';
import { sha256 } from '@oslojs/crypto/sha2';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { webcrypto } from 'node:crypto';

const STEP_SECONDS = 30;
const DIGITS = 6;

/** A new TOTP key, base32 as authenticator apps expect it. */
export function generateTotpKey(): string {
  return encodeBase32UpperCaseNoPadding(webcrypto.getRandomValues(new Uint8Array(20)));
}

/** The code for a moment (from the injectable clock, so tests need no sleeping). */
export function totpCode(keyBase32: string, at: Date): string {
  return generateHOTP(decodeBase32IgnorePadding(keyBase32), BigInt(Math.floor(at.getTime() / 1000 / STEP_SECONDS)), DIGITS);
}

/**
 * The time step a code belongs to, accepting the current step and its neighbours (±30 s of clock
 * drift) but none at or before `lastStep`, so a code seen once cannot be replayed; else null.
 */
export function matchTotpStep(keyBase32: string, code: string, at: Date, lastStep: number | null = null): number | null {
  const clean = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const now = Math.floor(at.getTime() / 1000 / STEP_SECONDS);
  for (const step of [now - 1, now, now + 1]) {
    if (lastStep !== null && step <= lastStep) continue;
    if (totpCode(keyBase32, new Date(step * STEP_SECONDS * 1000)) === clean) return step;
  }
  return null;
}

/** Accept the current code and its neighbours (±30 s of clock drift). */
export function verifyTotpCode(keyBase32: string, code: string, at: Date, lastStep: number | null = null): boolean {
  return matchTotpStep(keyBase32, code, at, lastStep) !== null;
}

/** otpauth:// URI for enrolling an authenticator app. */
export function totpUri(issuer: string, account: string, keyBase32: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${keyBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`;
}

/** Ten single-use recovery codes (xxxx-xxxx-xxxx) and the hashes to store. */
export function generateRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const raw = encodeBase32UpperCaseNoPadding(webcrypto.getRandomValues(new Uint8Array(8))).slice(0, 12).toLowerCase();
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
  });
  return { codes, hashes: codes.map(hashSecret) };
}

/** SHA-256 of a secret that is high-entropy already (tokens, recovery codes). */
export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret.trim().toLowerCase())));
}
