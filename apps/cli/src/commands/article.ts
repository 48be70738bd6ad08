/**
 * `article …` and `terms …`: the publishing workflow from the command line. Every workflow verb
 * acts as a named account (`--as <username>`), with that account's grants, so the audit trail
 * and the publication record name a person and "nobody approves their own revision" holds here
 * as in the console.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { ServiceContext } from '@zhanqun/audit/context';
import { systemClock } from '@zhanqun/core/clock';
import { formatZoned, fromZoned } from '@zhanqun/core/time';
import type { Database } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { ARTICLE_STATES, listArticles, stateOf, type ArticleState } from '@zhanqun/content/article-list.repository';
import * as articleRepository from '@zhanqun/content/article.repository';
import { createDraft } from '@zhanqun/content/article.service';
import { importTerms, listTerms } from '@zhanqun/content/checks/serious-error.service';
import { publicationHistory, publishApproved, withdrawArticle } from '@zhanqun/content/publishing.service';
import { approveTask, requestChanges, runsOf, submitForReview } from '@zhanqun/content/workflow.service';
import { can, type Permission } from '@zhanqun/identity/policy';
import { loadPrincipal, scopeOf } from '@zhanqun/identity/principal';
import { NO_SITES } from '@zhanqun/identity/user.service';
import type { ImportError } from '@zhanqun/tenancy/csv-import';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { list, need, optional, platformContext, printImportErrors, readCsv, RefusedError, UsageError, type Values } from '../cli-support.js';

const at = (d: Date | string | null) => (d ? formatZoned(new Date(d), 'yyyy-MM-dd HH:mm') : '-');

/** Act as a named account: its grants decide what it may do, its name goes into the trail. */
export async function asAccount(db: Kysely<Database>, values: Values): Promise<ServiceContext> {
  const username = need(values, 'as');
  const user = await inScope(db, NO_SITES, (trx) => trx.selectFrom('app_user').select(['id', 'disabled_at']).where('username', '=', username).executeTakeFirst());
  if (!user) throw new RefusedError(`账号 ${username} 不存在（字段 --as）(no such account)`);
  const principal = await loadPrincipal(db, user.id);
  if (!principal || principal.disabled) throw new RefusedError(`账号 ${username} 已停用（字段 --as）(account disabled)`);
  const now = systemClock.now();
  return {
    db, clock: systemClock, actor: { userId: user.id, label: `cli:${username}` },
    scope: await scopeOf(db, principal, now),
    can: (permission, target) => can(principal, permission as Permission, target, systemClock.now()),
  };
}

/** A site by code, read under the account's scope (another tenant's site is simply not there). */
export async function siteOf(ctx: ServiceContext, values: Values) {
  const code = list(values, 'site')[0]?.toLowerCase();
  if (!code) throw new UsageError('缺少参数 --site (missing --site)');
  const site = await inScope(ctx.db, ctx.scope, (trx) => siteRepository.findByCode(trx, code));
  if (!site) throw new RefusedError(`网站 ${code} 不存在或不在您的权限范围内（字段 --site）(no such site in your scope)`);
  return site;
}

/** `--at "2026-11-28 09:00"` in the platform zone (Beijing time), to the minute. */
function parseAt(values: Values): Date | null {
  const raw = optional(values, 'at');
  if (!raw) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(raw);
  const d = m ? fromZoned(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) : null;
  if (!d || formatZoned(d, 'yyyy-MM-dd HH:mm') !== raw.replace('T', ' ')) throw new UsageError(`--at 须为 "yyyy-MM-dd HH:mm"（北京时间）(got "${raw}")`);
  return d;
}

function articleId(positionals: string[]): string {
  const id = positionals[2];
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new UsageError('请给出稿件 id (give the article id)');
  return id;
}

export async function articleCommand(db: Kysely<Database>, command: string, values: Values, positionals: string[]): Promise<number> {
  const ctx = await asAccount(db, values);
  const site = await siteOf(ctx, values);
  switch (command) {
    case 'list': {
      const state = optional(values, 'state');
      if (state && !(ARTICLE_STATES as readonly string[]).includes(state)) throw new UsageError(`--state 须为 ${ARTICLE_STATES.join('|')}`);
      const { rows, total } = await inScope(db, ctx.scope, (trx) => listArticles(trx, site.id, {
        ...(state ? { state: state as ArticleState } : {}), ...(optional(values, 'q') ? { q: optional(values, 'q')! } : {}), limit: 100, offset: 0,
      }));
      for (const r of rows) console.log(`${r.id}  ${stateOf(r).padEnd(13)} ${at(r.updated_at)}  ${r.column_name}  ${r.title}`);
      console.log(`共 ${total} 篇 (${total} articles)`);
      return 0;
    }
    case 'create': {
      const columnPath = need(values, 'column');
      const column = await inScope(db, ctx.scope, (trx) => trx.selectFrom('site_column').select('id')
        .where('site_id', '=', site.id).where('path', '=', columnPath).where('deleted_at', 'is', null).executeTakeFirst());
      if (!column) throw new RefusedError(`栏目 ${columnPath} 不存在（字段 --column）(no such column)`);
      const bodyFile = need(values, 'body-file');
      let bodyHtml: string;
      try {
        bodyHtml = readFileSync(bodyFile, 'utf8');
      } catch (err) {
        throw new UsageError(`无法读取文件 ${bodyFile} (cannot read the file): ${(err as Error).message}`);
      }
      const article = await createDraft(ctx, site.id, {
        columnId: column.id, title: need(values, 'title'), bodyHtml,
        documentNumber: optional(values, 'document-number') ?? null, issuingOrgan: optional(values, 'issuing-organ') ?? null,
      });
      console.log(`已创建草稿 (draft created) ${article.id}`);
      return 0;
    }
    case 'show': {
      const id = articleId(positionals);
      const data = await inScope(db, ctx.scope, async (trx) => {
        const article = await articleRepository.findById(trx, site.id, id);
        return article && { article, runs: await runsOf(trx, site.id, id), publications: await publicationHistory(trx, site.id, id) };
      });
      if (!data) throw new RefusedError(`稿件 ${id} 不存在 (no such article)`);
      const a = data.article;
      console.log(`${a.draft_title}\n  id ${a.id}  ${a.live ? '已发布 live' : '未发布 not live'}  ${a.url_path ?? ''}  ${a.index_number ?? ''}`);
      for (const r of data.runs) {
        console.log(`  审核 run ${r.id} ${r.status} ${at(r.submitted_at)}`);
        for (const t of r.tasks) console.log(`    ${t.step} ${t.status}${t.comment ? ` — ${t.comment}` : ''}`);
      }
      for (const p of data.publications) {
        console.log(`  ${p.action} ${at(p.released_at)}  撰稿 ${p.written_by_name ?? '-'}  审核 ${p.reviewed_by_name ?? '-'}  保密审查 ${p.secrecy_waived ? '免审' : (p.secrecy_reviewed_by_name ?? '-')}  签发 ${p.released_by_name ?? '-'}`);
      }
      return 0;
    }
    case 'submit': {
      const run = await submitForReview(ctx, site.id, articleId(positionals));
      console.log(`已送审 (submitted): run ${run.id}，环节 ${run.steps.join(' → ')}`);
      return 0;
    }
    case 'approve':
    case 'reject': {
      const id = articleId(positionals);
      const open = (await inScope(db, ctx.scope, (trx) => runsOf(trx, site.id, id))).find((r) => r.status === 'in_progress');
      if (!open) throw new RefusedError(`稿件 ${id} 没有进行中的审核 (not in review)`);
      if (command === 'approve') {
        const run = await approveTask(ctx, site.id, open.id, { comment: optional(values, 'comment') ?? null });
        console.log(run.status === 'approved' ? '审核通过，可以发布 (approved: ready to publish)' : '本环节已通过，进入下一环节 (step approved)');
      } else {
        await requestChanges(ctx, site.id, open.id, { reason: need(values, 'reason') });
        console.log('已退回修改 (sent back)');
      }
      return 0;
    }
    case 'publish': {
      const r = await publishApproved(ctx, site.id, articleId(positionals), { at: parseAt(values) });
      console.log(r.status === 'scheduled' ? `已定时发布 (scheduled) ${at(r.article.scheduled_publish_at)}` : `已发布 (published) ${r.article.url_path}`);
      return 0;
    }
    case 'withdraw': {
      const r = await withdrawArticle(ctx, site.id, articleId(positionals), { reason: need(values, 'reason'), at: parseAt(values) });
      console.log(r.status === 'scheduled' ? `已定时撤稿 (withdrawal scheduled) ${at(r.article.scheduled_withdraw_at)}` : '已撤稿 (withdrawn)');
      return 0;
    }
  }
  throw new UsageError(`未知命令 article ${command} (unknown command)`);
}

/** `terms import <csv> --platform <code>` and `terms list --platform <code>`: the serious-error list. */
export async function termsCommand(db: Kysely<Database>, command: string, values: Values, positionals: string[]): Promise<number> {
  const { platform, ctx } = await platformContext(db, need(values, 'platform'));
  if (command === 'list') {
    const { items, total } = await inScope(db, ctx.scope, (trx) => listTerms(trx, platform.id, { ...(optional(values, 'q') ? { q: optional(values, 'q')! } : {}), limit: 200 }));
    for (const t of items) console.log(`${t.kind === 'forbidden' ? '禁用词' : '错误表述'}  ${t.term}${t.correction ? ` → ${t.correction}` : ''}`);
    console.log(`共 ${total} 条 (${total} terms)`);
    return 0;
  }
  const path = positionals[2];
  if (!path) throw new UsageError('用法 usage: zhanqun terms import <csv> --platform <code>');
  try {
    const result = await importTerms(ctx, platform.id, readCsv(path));
    console.log(`已导入 ${result.imported} 条，跳过已有 ${result.skipped} 条 (imported ${result.imported}, skipped ${result.skipped})`);
    return 0;
  } catch (err) {
    const errors = (err as { details?: { errors?: ImportError[] } }).details?.errors;
    if (!errors?.length) throw err;
    printImportErrors(errors);
    console.error('有错误，未导入任何词条 (nothing imported)');
    return 1;
  }
}
