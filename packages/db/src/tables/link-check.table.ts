import type { Selectable } from 'kysely';

/** One external link of an article, and what fetching it last said. */
export interface LinkCheckTable {
  site_id: string;
  article_id: string;
  url: string;
  status: 'pending' | 'ok' | 'broken';
  http_status: number | null;
  /** safe-fetch's error code: private_address, dns, timeout, http_error … */
  error: string | null;
  requested_at: Date;
  checked_at: Date | null;
}
export type LinkCheckRow = Selectable<LinkCheckTable>;
