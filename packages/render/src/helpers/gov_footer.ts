// # gov_footer helper
// Usage: {{gov_footer}}. What every government site must show: sponsoring unit (主办单位),
// site identification code (网站标识码), ICP and public-security filing numbers with their links,
// the 党政机关 mark, contact, and the entry to report an error (我为政府网站找错).
import Handlebars from 'handlebars';
import type { PageContext } from '../theme-context.js';

const esc = Handlebars.Utils.escapeExpression;

export function gov_footer(this: unknown, options: Handlebars.HelperOptions): Handlebars.SafeString {
  const f = (options.data.root as PageContext).footer;
  const psbCode = f.psbNumber?.match(/\d+/)?.[0];
  const parts = [
    `<p>主办单位：${esc(f.sponsor ?? f.siteName)}${f.contact ? `　联系方式：${esc(f.contact)}` : ''}</p>`,
    '<p>',
    f.siteIdCode ? `网站标识码：${esc(f.siteIdCode)}　` : '',
    f.icpNumber ? `<a href="https://beian.miit.gov.cn/" rel="noopener">${esc(f.icpNumber)}</a>　` : '',
    f.psbNumber
      ? `<a href="https://www.beian.gov.cn/portal/registerSystemInfo${psbCode ? `?recordcode=${esc(psbCode)}` : ''}" rel="noopener">${esc(f.psbNumber)}</a>`
      : '',
    '</p>',
    '<p class="gov-mark"><span class="dzjg" title="党政机关">党政机关</span>',
    `　<a href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?siteCode=${esc(f.siteIdCode ?? '')}" rel="noopener">我为政府网站找错</a></p>`,
  ];
  return new Handlebars.SafeString(`<div class="gov-footer">${parts.join('')}</div>`);
}
