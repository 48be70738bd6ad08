import { invalid, isCodedError } from '@zhanqun/core/errors';
import { CATALOGUES, t, type Locale } from '../i18n/i18n.js';

/** A url-encoded form body as @fastify/formbody parses it. */
export type FormBody = Record<string, string | string[] | undefined> | undefined;

/** A form value, trimmed; the first one when a name repeats. */
export function text(body: FormBody, name: string): string {
  const v = body?.[name];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
}

/** A form value, or null when left empty. */
export function optional(body: FormBody, name: string): string | null {
  return text(body, name) || null;
}

export function checked(body: FormBody, name: string): boolean {
  return text(body, name) !== '';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/**
 * An id chosen in a select, or null for the empty choice. A tampered value is refused here:
 * handed to Postgres it would be a 500 (invalid input syntax for type uuid), not a message.
 */
export function idOrNull(body: FormBody, name: string): string | null {
  const v = text(body, name);
  if (!v) return null;
  if (!isUuid(v)) throw invalid(name, 'must be a valid id');
  return v;
}

export function requiredId(body: FormBody, name: string): string {
  const v = idOrNull(body, name);
  if (!v) throw invalid(name, 'must not be empty');
  return v;
}

/** Every string value of the form, to fill it in again after a refusal. */
export function values(body: FormBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body ?? {})) if (k !== '_csrf') out[k] = Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  return out;
}

/** A refused input, ready to show: a translated message naming the field, and that field. */
export interface Refusal {
  message: string;
  field: string | null;
  status: number;
}

/** Reasons told apart by the English message of a ZQ_VALIDATION error (see the report on services). */
const REASONS: [RegExp, string][] = [
  [/must not be empty|needs its parent/, 'empty'],
  [/must be a valid id/, 'id'],
  [/listed twice/, 'duplicate'],
  [/not a valid host name/, 'host'],
  [/is reserved/, 'reserved'],
  [/prefix of another sub-site/, 'subsite_prefix_taken'],
  [/prefix of a sub-site/, 'subsite_prefix'],
  [/already|in use/, 'taken'],
  [/cannot be placed under/, 'parent_level'],
  [/merged into itself/, 'merge_self'],
  [/oversee itself/, 'oversee_self'],
  [/under itself|own sub-/, 'cycle'],
  [/same platform/, 'same_platform'],
  [/must be a department/, 'department'],
  [/has none of its own/, 'subsite_code'],
  [/portal belongs to/, 'portal_unit'],
  [/department site belongs/, 'department_unit'],
  [/primary host cannot be removed/, 'primary_remove'],
  [/not one of this site's|not an open column/, 'not_found'],
  [/external-link column/, 'link_target'],
  [/sub-columns first/, 'has_children'],
  [/sub-sites first/, 'has_subsites'],
  [/must be one of|must be up or down|must be zh-CN or en/, 'choice'],
  // identity: accounts, passwords, grants, tokens
  [/at least 12 characters/, 'password_short'],
  [/at most 256 characters/, 'password_long'],
  [/commonly used passwords/, 'password_common'],
  [/must differ from the current/, 'password_same'],
  [/is not your current password/, 'password_wrong'],
  [/contract has ended/, 'contract_ended'],
  [/needs its contract reference/, 'contract_ref'],
  [/must be a date/, 'date'],
  [/your own account/, 'own_account'],
  [/outsourced operator may not hold/, 'outsourced_role'],
  [/holds a whole platform/, 'platform_scope'],
  [/in your scope/, 'out_of_scope'],
  [/must be in the future/, 'future'],
  [/at least one column/, 'no_columns'],
  [/open column of the site/, 'not_found'],
  [/not one of yours/, 'not_yours'],
  [/do not match/, 'mismatch'],
];

const has = (key: string) => key in CATALOGUES['zh-CN'];

/** The label of a field name from a service (`hosts[1]` → the hosts field). */
export function fieldName(field: string): string {
  return field.replace(/\[\d+\]$/, '');
}

export interface RefusalOptions {
  /** Labels are looked up as `field.<ns>.<field>` first (`parentId` is a unit, a column or a site). */
  ns?: string;
  /** The form field a coded error is about when the error does not say (`ZQ_TENANCY_HOST_TAKEN` → `hosts`). */
  fields?: Record<string, string>;
}

/**
 * Turn a service's coded error (< 500) into what the form shows: `error.code.<CODE>` for coded
 * refusals, `reason.<reason>` or `invalid.<field>` for validation errors, each prefixed with the
 * field's label (`field.<name>`). Anything unknown falls back to the English message.
 * `fields` names the form field a coded error is about when the error does not say.
 */
export function toRefusal(err: unknown, locale: Locale, opts: RefusalOptions = {}): Refusal | null {
  if (!isCodedError(err)) return null;
  const status = err.statusCode ?? 500;
  if (status >= 500) return null;
  const field = err.field ? fieldName(err.field) : (opts.fields?.[err.code] ?? null);
  const labelKey = field && [`field.${opts.ns}.${field}`, `field.${field}`].find(has);
  const label = labelKey ? t(locale, labelKey) : field;
  let reason: string;
  if (err.code === 'ZQ_VALIDATION' && field) {
    const detail = err.message.replace(/^[^:]*:\s*/, '');
    const known = REASONS.find(([re]) => re.test(detail))?.[1];
    reason = known ? t(locale, `reason.${known}`) : has(`invalid.${field}`) ? t(locale, `invalid.${field}`) : detail;
  } else if (has(`error.code.${err.code}.${field}`) || has(`error.code.${err.code}`)) {
    reason = t(locale, has(`error.code.${err.code}.${field}`) ? `error.code.${err.code}.${field}` : `error.code.${err.code}`);
  } else {
    reason = err.message;
  }
  const message = label ? t(locale, 'form.field_error', { field: label, reason }) : reason;
  return { message, field, status: err.statusCode ?? 400 };
}

/** One option of a select. */
export interface Option {
  value: string;
  label: string;
  selected: boolean;
}

export function options(pairs: readonly (readonly [string, string])[], selected: string | null | undefined): Option[] {
  return pairs.map(([value, label]) => ({ value, label, selected: value === (selected ?? '') }));
}

/** Per-form state for a template: the values to show and the refusal, if this form was refused. */
export interface FormState {
  values: Record<string, string>;
  error: Refusal | null;
  /** `{ [field]: true }` for the field the refusal names, for aria-invalid. */
  invalid: Record<string, boolean>;
}

export function formState(vals: Record<string, string> = {}, error: Refusal | null = null): FormState {
  return { values: vals, error, invalid: error?.field ? { [error.field]: true } : {} };
}
