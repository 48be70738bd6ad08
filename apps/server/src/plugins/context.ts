import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import type { Database } from '@zhanqun/db/database';
import type { DbHandle } from '@zhanqun/db/connect';
import { normaliseHost } from '@zhanqun/tenancy/host';
import { createBlobStore, type BlobStore } from '@zhanqun/content/attachment/blob-store';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
    dbHandle: DbHandle;
    clock: Clock;
    config: Config;
    /** Where attachment bytes live (content-addressed files under BLOB_DIR). */
    blobs: BlobStore;
  }
  interface FastifyRequest {
    /** The Host header, normalised (lower case, no port, punycode); null when unusable. */
    hostname_: string | null;
    isAdminHost: boolean;
  }
}

export interface ContextOptions {
  config: Config;
  dbHandle: DbHandle;
  clock: Clock;
}

/** The application's shared parts as decorators: database, clock, config; and the request's host. */
export default fp(async function context(fastify: FastifyInstance, opts: ContextOptions) {
  fastify.decorate('db', opts.dbHandle.db);
  fastify.decorate('dbHandle', opts.dbHandle);
  fastify.decorate('clock', opts.clock);
  fastify.decorate('config', opts.config);
  fastify.decorate('blobs', createBlobStore(opts.config.blobDir));
  fastify.decorateRequest('hostname_', null);
  fastify.decorateRequest('isAdminHost', false);
  // A callback hook, not an async one: no promise and no extra tick on every request.
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.hostname_ = normaliseHost(request.headers.host ?? '');
    request.isAdminHost = request.hostname_ === opts.config.adminHost;
    done();
  });
}, { name: 'zq-context' });
