// Superior and sibling sites (zhanqun_site_directory, migration 110100) with their ids: a cached
// home page that links them records which sites it shows, so a rename or a new host of one of them
// evicts exactly the pages that show it (issue 6, Cache: precise invalidation). The body is the
// same; a function's result columns cannot change in place, so it is dropped and made again.
import { sql, type Kysely } from 'kysely';

const body = (withId: boolean) => `
CREATE FUNCTION zhanqun_site_directory(p_site uuid)
RETURNS TABLE (relation text, ${withId ? 'site_id uuid, ' : ''}name text, host text, path_prefix text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  v_platform uuid; v_unit uuid; v_kind text; v_parent_site uuid; v_path text; v_parent_unit uuid;
  o_platforms text := coalesce(current_setting('zhanqun.platform_ids', true), '');
  o_sites text := coalesce(current_setting('zhanqun.site_ids', true), '');
  o_read text := coalesce(current_setting('zhanqun.read_platform_ids', true), '');
  o_mode text := coalesce(current_setting('zhanqun.mode', true), '');
BEGIN
  PERFORM set_config('zhanqun.platform_ids', '', true), set_config('zhanqun.read_platform_ids', '', true),
    set_config('zhanqun.mode', '', true), set_config('zhanqun.site_ids', p_site::text, true);
  SELECT s.platform_id, s.org_unit_id, s.kind, s.parent_site_id INTO v_platform, v_unit, v_kind, v_parent_site
    FROM site s WHERE s.id = p_site AND s.status = 'live' AND s.deleted_at IS NULL;
  IF NOT FOUND THEN
    PERFORM set_config('zhanqun.platform_ids', o_platforms, true), set_config('zhanqun.site_ids', o_sites, true),
      set_config('zhanqun.read_platform_ids', o_read, true), set_config('zhanqun.mode', o_mode, true);
    RETURN;
  END IF;
  PERFORM set_config('zhanqun.site_ids', '', true);
  PERFORM set_config('zhanqun.platform_ids', v_platform::text, true);
  SELECT u.path, u.parent_id INTO v_path, v_parent_unit FROM org_unit u WHERE u.id = v_unit;
  RETURN QUERY
    SELECT 'superior'::text, ${withId ? 's.id, ' : ''}s.name, d.host, d.path_prefix
    FROM site s JOIN org_unit u ON u.id = s.org_unit_id
    JOIN site_domain d ON d.site_id = s.id AND d.role = 'primary'
    WHERE s.platform_id = v_platform AND s.kind = 'portal' AND s.status = 'live' AND s.deleted_at IS NULL
      AND s.id <> p_site AND u.id <> v_unit AND starts_with(v_path, u.path)
    ORDER BY length(u.path), s.name;
  RETURN QUERY
    SELECT 'sibling'::text, ${withId ? 's.id, ' : ''}s.name, d.host, d.path_prefix
    FROM site s JOIN org_unit u ON u.id = s.org_unit_id
    JOIN site_domain d ON d.site_id = s.id AND d.role = 'primary'
    WHERE s.platform_id = v_platform AND s.kind = v_kind AND s.status = 'live' AND s.deleted_at IS NULL AND s.id <> p_site
      AND (CASE WHEN v_kind = 'sub_site' THEN s.parent_site_id = v_parent_site ELSE u.parent_id IS NOT DISTINCT FROM v_parent_unit END)
    ORDER BY s.name
    LIMIT 12;
  PERFORM set_config('zhanqun.platform_ids', o_platforms, true), set_config('zhanqun.site_ids', o_sites, true),
    set_config('zhanqun.read_platform_ids', o_read, true), set_config('zhanqun.mode', o_mode, true);
END $$;
REVOKE ALL ON FUNCTION zhanqun_site_directory(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION zhanqun_site_directory(uuid) TO zhanqun_app;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP FUNCTION zhanqun_site_directory(uuid);\n${body(true)}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP FUNCTION zhanqun_site_directory(uuid);\n${body(false)}`).execute(db);
}
