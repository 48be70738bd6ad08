import type { HelperDelegate } from 'handlebars';
import { gov_footer } from './gov_footer.js';
import { zq_foot } from './zq_foot.js';
import { zq_head } from './zq_head.js';

/** The engine's helpers, one per file. Themes may use these and nothing else. */
export const HELPERS: Record<string, HelperDelegate> = { zq_head, zq_foot, gov_footer };
