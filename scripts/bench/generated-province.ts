/**
 * A generated province for the benches (bulk-provision.ts, public-pages.ts): the org tree and the
 * site CSV that `importOrgUnits` and `provisionSites` read.
 */

export const CITIES = 11;
export const COUNTIES = 100;
export const PROVINCE_DEPTS = 50;
export const CITY_DEPTS = 40;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export interface GeneratedProvince { orgCsv: string; siteCsv: string; sites: number; subSites: number }

export interface GenerateOptions {
  /** Every site `status=live` (default: every other one, the rest stay `provisioning`). */
  allLive?: boolean;
}

/**
 * 1 province, 11 cities, 100 counties with division codes; departments at each level; the
 * county departments (which may not have independent sites, 集约化) become sub-sites of their
 * county's portal. Sizes are cut to `total` sites.
 */
export function generateProvince(total: number, opts: GenerateOptions = {}): GeneratedProvince {
  const org = ['name,level,division_code,parent,short_name', '演示省,province,360000,,'];
  const site = ['code,name,kind,org_unit,parent_site,path_prefix,site_id_code,hosts,icp_number,psb_number,sponsor,contact,template,status'];
  let bm = 10_000_000;
  const hosts = (code: string, i: number) => (i % 3 === 0 ? `www.${code}.gov.cn;${code}.gov.cn` : `www.${code}.gov.cn`);
  const add = (code: string, name: string, kind: string, unit: string, extra: { parent?: string; prefix?: string; sidc?: string; hosts?: string }) => {
    site.push([code, name, kind, unit, extra.parent ?? '', extra.prefix ?? '', extra.sidc ?? '', extra.hosts ?? '',
      `赣ICP备${pad(site.length, 8)}号`, '', `${name}办公室`, '0791-00000000', 'standard', opts.allLive || site.length % 2 ? 'live' : ''].join(','));
  };
  add('jx', '演示省人民政府', 'portal', '360000', { sidc: '3600000001', hosts: 'www.jx.gov.cn;jx.gov.cn' });
  for (let d = 1; d <= PROVINCE_DEPTS; d++) {
    org.push(`演示省第${pad(d)}厅,department,,360000,`);
    add(`jx-d${pad(d)}`, `演示省第${pad(d)}厅`, 'department', `演示省第${pad(d)}厅`, { sidc: `bm${++bm}`, hosts: hosts(`jxd${pad(d)}`, d) });
  }
  let county = 0;
  const counties: { code: string; division: string; name: string }[] = [];
  for (let c = 1; c <= CITIES; c++) {
    const cityDiv = `36${pad(c)}00`;
    org.push(`演示${pad(c)}市,city,${cityDiv},360000,`);
    add(`c${pad(c)}`, `演示${pad(c)}市人民政府`, 'portal', cityDiv, { sidc: `${cityDiv}0001`, hosts: hosts(`c${pad(c)}`, c) });
    for (let d = 1; d <= CITY_DEPTS; d++) {
      org.push(`演示${pad(c)}市第${pad(d)}局,department,,${cityDiv},`);
      add(`c${pad(c)}-d${pad(d)}`, `演示${pad(c)}市第${pad(d)}局`, 'department', `演示${pad(c)}市第${pad(d)}局`, { sidc: `bm${++bm}`, hosts: hosts(`c${pad(c)}d${pad(d)}`, d) });
    }
    const inCity = Math.floor(COUNTIES / CITIES) + (c <= COUNTIES % CITIES ? 1 : 0);
    for (let k = 1; k <= inCity; k++, county++) {
      const division = `36${pad(c)}${pad(k)}`;
      const code = `c${pad(c)}x${pad(k)}`;
      org.push(`演示${pad(c)}市${pad(k)}县,county,${division},${cityDiv},`);
      add(code, `演示${pad(c)}市${pad(k)}县人民政府`, 'portal', division, { sidc: `${division}0001`, hosts: hosts(code, k) });
      counties.push({ code, division, name: `演示${pad(c)}市${pad(k)}县` });
    }
  }
  const portalsAndDepts = site.length - 1;
  const perCounty = Math.max(0, Math.ceil((total - portalsAndDepts) / counties.length));
  let subSites = 0;
  for (let s = 1; s <= perCounty; s++) {
    for (const c of counties) {
      if (site.length - 1 >= total) break;
      const unit = `${c.name}第${pad(s)}局`;
      org.push(`${unit},department,,${c.division},`);
      // Every other sub-site has a host of its own; the rest live only under the county's hosts.
      add(`${c.code}-s${pad(s)}`, unit, 'sub_site', unit, { parent: c.code, prefix: `s${pad(s)}`, hosts: s % 2 ? `s${pad(s)}.${c.code}.gov.cn` : '' });
      subSites++;
    }
  }
  return { orgCsv: org.join('\n'), siteCsv: site.join('\n'), sites: site.length - 1, subSites };
}
