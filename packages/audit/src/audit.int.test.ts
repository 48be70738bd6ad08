import { sql } from 'kysely';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@zhanqun/core/clock';
import { newId } from '@zhanqun/core/id';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { verifyChain } from './audit.verify.js';
import { writeAudit, writeAuditBatch } from './audit.writer.js';

describe('audit trail', () => {
  let t: TestDatabase | undefined;
  let platformId: string;
  const clock = new ManualClock('2026-11-27T02:00:00Z');
  const actor = { userId: null, label: 'test', ip: '127.0.0.1' };

  beforeEach(async () => {
    await t?.destroy();
    t = await createTestDatabase();
    platformId = newId();
    await t.db.insertInto('platform').values({ id: platformId, code: `p${platformId.slice(-8)}`, name: '测试平台', parent_platform_id: null, root_org_unit_id: null }).execute();
    for (let i = 1; i <= 5; i++) {
      clock.advance(1000);
      await inScope(t.db, { kind: 'platform', platformIds: [platformId] }, (trx) =>
        writeAudit(trx, clock, actor, { platformId, action: 'thing.change', objectType: 'thing', objectId: String(i), before: { n: i - 1 }, after: { n: i, 名称: '测试' } }));
    }
  });
  afterAll(async () => { await t?.destroy(); });

  it('should verify an untouched chain', async () => {
    expect(await verifyChain(t!.db, platformId)).toEqual({ ok: true, checked: 5 });
  });

  it('should append a batch to existing chains and to a new one, and still verify', async () => {
    const other = newId();
    await t!.db.insertInto('platform').values({ id: other, code: `q${other.slice(-8)}`, name: '另一平台', parent_platform_id: null, root_org_unit_id: null }).execute();
    const scope = { kind: 'platform', platformIds: [platformId, other] } as const;
    const events = Array.from({ length: 2_500 }, (_, i) => ({
      platformId: i % 5 === 0 ? other : platformId, siteId: null, action: 'site.create', objectType: 'site', objectId: String(i),
      after: { i, 名称: `站点${i}`, routes: [{ host: `s${i}.localhost`, role: 'primary' }], at: new Date('2026-11-27T02:00:00Z') },
    }));
    const ids = await inScope(t!.db, scope, (trx) => writeAuditBatch(trx, clock, actor, events));
    expect(ids).toHaveLength(2_500);
    // A single entry after the batch links to the batch's last one.
    await inScope(t!.db, scope, (trx) => writeAudit(trx, clock, actor, { platformId, action: 'thing.change', objectType: 'thing' }));
    expect(await verifyChain(t!.db, platformId)).toEqual({ ok: true, checked: 5 + 2_000 + 1 });
    expect(await verifyChain(t!.db, other)).toEqual({ ok: true, checked: 500 });
    await sql`update audit_log_entry set after = '{"i": -1}' where platform_id = ${other} and seq = 250`.execute(t!.db);
    expect((await verifyChain(t!.db, other)).firstBad).toMatchObject({ seq: 250, problem: 'edited' });
  });

  it('should name the first edited entry', async () => {
    await sql`update audit_log_entry set after = '{"n": 99}' where platform_id = ${platformId} and seq = 3`.execute(t!.db);
    expect((await verifyChain(t!.db, platformId)).firstBad).toMatchObject({ seq: 3, problem: 'edited' });
  });

  it('should notice a deleted entry in the middle and a truncated tail', async () => {
    await sql`delete from audit_log_entry where platform_id = ${platformId} and seq = 2`.execute(t!.db);
    expect((await verifyChain(t!.db, platformId)).firstBad).toMatchObject({ seq: 2, problem: 'deleted' });
  });

  it('should notice a truncated tail through the chain head', async () => {
    await sql`delete from audit_log_entry where platform_id = ${platformId} and seq = 5`.execute(t!.db);
    expect((await verifyChain(t!.db, platformId)).firstBad).toMatchObject({ seq: 5, problem: 'deleted' });
  });

  it('should not let the application role update or delete entries', async () => {
    const scope = { kind: 'platform', platformIds: [platformId] } as const;
    await expect(inScope(t!.db, scope, (trx) => sql`update audit_log_entry set actor_label = 'x'`.execute(trx))).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE' });
    await expect(inScope(t!.db, scope, (trx) => sql`delete from audit_log_entry`.execute(trx))).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE' });
  });

  it('should not show one platform the audit trail of another', async () => {
    const rows = await inScope(t!.db, { kind: 'platform', platformIds: [newId()] }, (trx) => trx.selectFrom('audit_log_entry').select('id').execute());
    expect(rows).toEqual([]);
  });
});
