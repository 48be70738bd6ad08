/**
 * V8 settings of the server process, set before the rest of it loads: server.ts imports this
 * module first, and ES modules run in import order.
 *
 * No allocation-site pretenuring. V8 watches where objects are made, and once most of a site's
 * objects outlive a young-generation collection it allocates that site's objects in the old
 * generation from then on. Rendering a page from Postgres keeps a request's objects alive across
 * collections (the query is in flight), so the HTTP layer's own sites (request, response, their
 * streams' state) got pretenured; afterwards every cache hit allocated its request's objects in
 * the old generation. Measured on a server that had warmed 10,000 pages, under wrk: a young
 * collection every ~80 ms took 10–14 ms instead of ~1 ms (the old objects point at young ones,
 * and each is a root), a full collection every ~5 s, the heap swinging 120 → 480 MB, and hits
 * cost ~25 % more CPU. Without pretenuring the same run held the heap at 119–132 MB with 0.7–1.3 ms
 * young collections. What this process keeps long (the page cache, the site directory) is made
 * once and copied once or twice by the young collector before it settles.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
