import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { zonedDate } from '@zhanqun/core/time';
import { writeAuditBatch } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { NewOrgUnitRow, OrgUnitLevel, OrgUnitRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { chunks, parseImportCsv, sortErrors, type ImportError, type ImportMode, type ImportResult } from './csv-import.js';
import { ORG_UNIT_COLUMNS, PARENT_LEVELS } from './org-unit.service.js';
import { PlatformAdminRequiredError } from './tenancy.errors.js';

/** The columns of an org-unit import file; name and level are required. */
export const ORG_CSV_COLUMNS = ['name', 'level', 'division_code', 'parent', 'short_name'] as const;
const REQUIRED = ['name', 'level'] as const;
const LEVELS = Object.keys(PARENT_LEVELS) as OrgUnitLevel[];
const DIVISION_CODE = /^\d{6}(\d{3})?$/;
const UNITS_PER_INSERT = 2_000; // 11 parameters a row

export interface OrgImportOptions {
  mode: ImportMode;
  /** The platform the units join; defaults to the scope's only platform. */
  platformId?: string;
}

export interface OrgImportResult extends ImportResult {
  units: { line: number; id: string; name: string }[];
}

type Unit = Pick<OrgUnitRow, 'id' | 'parent_id' | 'path' | 'level' | 'name' | 'division_code'> & { line?: number };

/**
 * Import org units (the province tree) from a CSV file in one transaction. A row's parent is a
 * division code or the exact name of a unit already on the platform or earlier in the file; the
 * parent must be able to hold the child (PARENT_LEVELS, as createOrgUnit). Division codes and
 * names under one parent must not repeat. One `org_unit.create` audit entry per unit.
 */
export async function importOrgUnits(ctx: ServiceContext, csvText: string, opts: OrgImportOptions): Promise<OrgImportResult> {
  if (ctx.scope.kind !== 'platform') throw new PlatformAdminRequiredError();
  const platformId = opts.platformId ?? (ctx.scope.platformIds.length === 1 ? ctx.scope.platformIds[0] : undefined);
  if (!platformId || !ctx.scope.platformIds.includes(platformId)) throw invalid('platformId', 'name the platform the units join');
  const parsed = parseImportCsv(csvText, ORG_CSV_COLUMNS, REQUIRED);
  if (parsed.fatal) return { imported: 0, errors: parsed.errors, units: [] };

  return inScope(ctx.db, ctx.scope, async (trx) => {
    const known: Unit[] = await trx.selectFrom('org_unit').select(['id', 'parent_id', 'path', 'level', 'name', 'division_code'])
      .where('platform_id', '=', platformId).execute();
    const refused = new Map<string, number>(); // names and codes of refused rows, for their children's messages
    const errors: ImportError[] = [...parsed.errors];
    const rows: (NewOrgUnitRow & { id: string })[] = [];
    const lines = new Map<string, number>();
    const today = zonedDate(ctx.clock.now());

    for (const { line, values } of parsed.records) {
      const rowErrors: ImportError[] = [];
      const fail = (field: string, message: string) => rowErrors.push({ line, field, message });
      const name = values.name!;
      const level = values.level!.toLowerCase() as OrgUnitLevel;
      const code = values.division_code || null;
      if (!name) fail('name', 'must not be empty');
      if (!LEVELS.includes(level)) fail('level', `must be one of ${LEVELS.join(', ')}`);
      if (code && !DIVISION_CODE.test(code)) fail('division_code', 'must be a 6- or 9-digit administrative division code');
      const sameCode = code ? known.find((u) => u.division_code === code) : undefined;
      if (sameCode) fail('division_code', `${code} already belongs to ${sameCode.name}${sameCode.line ? ` (line ${sameCode.line})` : ''}`);

      let parent: Unit | undefined;
      const ref = values.parent!;
      if (ref) {
        const matches = known.filter((u) => (DIVISION_CODE.test(ref) ? u.division_code === ref : u.name === ref));
        if (matches.length === 1) parent = matches[0];
        else if (matches.length > 1) fail('parent', `${ref} names ${matches.length} org units; use a division code or a unique name`);
        else if (refused.has(ref)) fail('parent', `parent ${ref} (line ${refused.get(ref)}) is not imported`);
        else fail('parent', `org unit ${ref} not found on the platform or earlier in the file`);
      }
      if (LEVELS.includes(level) && (!ref || parent) && !PARENT_LEVELS[level].includes(parent?.level ?? null)) {
        fail('parent', `a ${level} cannot be placed under ${parent ? `a ${parent.level}` : 'nothing'}`);
      }
      const sibling = name && (!ref || parent) ? known.find((u) => u.name === name && u.parent_id === (parent?.id ?? null)) : undefined;
      if (sibling) fail('name', `${name} already exists under this parent${sibling.line ? ` (line ${sibling.line})` : ''}`);

      if (rowErrors.length) {
        errors.push(...rowErrors);
        if (name) refused.set(name, line);
        if (code) refused.set(code, line);
        continue;
      }
      const id = newId();
      const row = {
        id, platform_id: platformId, parent_id: parent?.id ?? null, path: `${parent?.path ?? '/'}${id}/`, level, name,
        short_name: values.short_name || null, division_code: code, valid_from: today, valid_to: null, oversight_unit_id: null,
      };
      rows.push(row);
      lines.set(id, line);
      known.push({ ...row, line });
    }

    if (opts.mode === 'all_or_nothing' && errors.length) return { imported: 0, errors: sortErrors(errors), units: [] };
    const inserted: OrgUnitRow[] = [];
    // File order keeps every parent in the same or an earlier INSERT than its children.
    for (const part of chunks(rows, UNITS_PER_INSERT)) {
      inserted.push(...await trx.insertInto('org_unit').values(part).returning(ORG_UNIT_COLUMNS).execute());
    }
    const root = inserted.find((u) => u.parent_id === null);
    if (root) {
      await trx.updateTable('platform').set({ root_org_unit_id: root.id }).where('id', '=', platformId).where('root_org_unit_id', 'is', null).execute();
    }
    await writeAuditBatch(trx, ctx.clock, ctx.actor, inserted.map((u) => ({
      platformId, action: 'org_unit.create', objectType: 'org_unit', objectId: u.id, after: u,
    })));
    return {
      imported: inserted.length,
      errors: sortErrors(errors),
      units: inserted.map((u) => ({ line: lines.get(u.id)!, id: u.id, name: u.name })),
    };
  });
}
