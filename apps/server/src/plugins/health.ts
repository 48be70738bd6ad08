import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { migrationsCurrent, migrationStatus } from '@zhanqun/db/migrator';

/** /healthz: the process is alive. /readyz: the database answers and no migration is pending. */
export default async function health(fastify: FastifyInstance) {
  let current = false;
  fastify.get('/healthz', { config: { permission: 'public' }, logLevel: 'warn' }, async (_request, reply) => {
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });
  fastify.get('/readyz', { config: { permission: 'public' }, logLevel: 'warn' }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await sql`select 1`.execute(fastify.db);
      if (!current) {
        if (!(await migrationsCurrent(fastify.db))) {
          const { pending } = await migrationStatus(fastify.db);
          return reply.code(503).send({ status: 'migrations_pending', pending });
        }
        current = true;
      }
      return reply.send({ status: 'ready', database: fastify.dbHandle.kind });
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.code(503).send({ status: 'database_unavailable' });
    }
  });
}
