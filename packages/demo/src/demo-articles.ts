/**
 * Fictional demo articles for the seeded demo province 演示省. Every unit, person, company, school,
 * river and phone number produced here is invented (phone numbers use the non-existent 0000 area code).
 * Output is fully deterministic: a seeded PRNG (mulberry32) and a fixed reference day (2026-11-27).
 */
export type DemoUnitLevel = 'province' | 'city' | 'county' | 'department' | 'township';
export interface DemoUnit {
  /** Full unit name, e.g. '演示省人民政府', '青川市人民政府', '安和县人民政府', '演示省教育厅', '城关镇人民政府' */
  unitName: string;
  /** Short place or department name used in text, e.g. '演示省', '青川市', '安和县', '省教育厅', '城关镇' */
  shortName: string;
  level: DemoUnitLevel;
  /** Document number prefix, e.g. '演府发', '青府办发', '安府字', '演教发' */
  docPrefix: string;
  /** Deterministic seed so the same unit always gets the same articles. */
  seed: number;
}
export interface DemoArticle {
  columnPath: string;
  title: string;
  summary: string;
  bodyHtml: string;
  source: string;
  author: string | null;
  documentNumber: string | null;
  issuingOrgan: string | null;
  dateWritten: string | null;
  topicCategory: string | null;
  validity: 'valid' | 'amended' | 'repealed' | null;
  keywords: string;
  daysAgo: number;
  hour: number;
  minute: number;
}

export const DEMO_COLUMN_PATHS: readonly string[] = Object.freeze([
  '/xwdt/yw/', '/xwdt/bmdt/', '/xwdt/xzdt/', '/xwdt/tzgg/', '/zwgk/zcwj/gfxwj/', '/zwgk/zcwj/qtwj/', '/zwgk/zcwj/zcjd/', '/zwgk/ghjh/fzgh/',
  '/zwgk/ghjh/ndjh/', '/zwgk/rsxx/rsrm/', '/zwgk/rsxx/gwyzk/', '/zwgk/czxx/czyjs/', '/zwgk/zdly/jy/', '/zwgk/zdly/sthj/', '/zwgk/zdly/xczx/', '/zwgk/yjgl/',
]);
const TOWNSHIP_COLUMNS: readonly string[] = ['/xwdt/yw/', '/xwdt/tzgg/', '/zwgk/zcwj/qtwj/', '/zwgk/zdly/xczx/'];
const WEIGHT: Readonly<Record<string, number>> = { '/xwdt/yw/': 6, '/xwdt/tzgg/': 5, '/xwdt/bmdt/': 3, '/xwdt/xzdt/': 2, '/zwgk/zcwj/qtwj/': 1.5, '/zwgk/zdly/xczx/': 1.2 };
const COLUMN_META: Readonly<Record<string, { cat: string; kw: readonly string[] }>> = {
  '/zwgk/rsxx/rsrm/': { cat: '劳动、人事、监察', kw: ['人事任免', '职务任免', '干部任用'] },
  '/zwgk/rsxx/gwyzk/': { cat: '劳动、人事、监察', kw: ['公务员招考', '考试录用', '公开招聘'] },
  '/zwgk/czxx/czyjs/': { cat: '财政、金融、审计', kw: ['部门预算', '预决算公开', '三公经费'] },
};
/** Generation order: policy documents first so that 政策解读 can refer to them. */
const GEN_ORDER = ['/zwgk/zcwj/gfxwj/', '/zwgk/zcwj/qtwj/'];

// ---------------------------------------------------------------- randomness, dates, html
type Rng = () => number;
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function pick<T>(r: Rng, arr: readonly T[]): T {
  const v = arr[Math.floor(r() * arr.length)];
  if (arr.length === 0 || v === undefined) throw new Error('pick: empty array');
  return v;
}
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const shuffle = <T>(r: Rng, arr: readonly T[]): T[] => arr.map((x) => ({ x, k: r() })).sort((a, b) => a.k - b.k).map((o) => o.x);
const take = <T>(r: Rng, arr: readonly T[], n: number): T[] => shuffle(r, arr).slice(0, n);

interface Ymd { y: number; m: number; d: number }
const NOW: Ymd = { y: 2026, m: 11, d: 27 };
const mdays = (y: number, m: number): number => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
function addDays(t: Ymd, n: number): Ymd {
  let { y, m, d } = t;
  d += n;
  while (d < 1) { m -= 1; if (m < 1) { m = 12; y -= 1; } d += mdays(y, m); }
  while (d > mdays(y, m)) { d -= mdays(y, m); m += 1; if (m > 12) { m = 1; y += 1; } }
  return { y, m, d };
}
const pad = (n: number): string => String(n).padStart(2, '0');
const iso = (t: Ymd): string => `${t.y}-${pad(t.m)}-${pad(t.d)}`;
const cn = (t: Ymd): string => `${t.y}年${t.m}月${t.d}日`;
const cmd = (t: Ymd): string => `${t.m}月${t.d}日`;
const CN_NUM = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

const p = (s: string): string => `<p>${s}</p>`;
const h3 = (s: string): string => `<h3>${s}</h3>`;
const ul = (items: readonly string[]): string => `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
const ol = (items: readonly string[]): string => `<ol>${items.map((i) => `<li>${i}</li>`).join('')}</ol>`;
const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]): string =>
  `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((x) => `<td>${x}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
const clean = (s: string): string => s.replace(/[<>&"'\u0000-\u001f]/g, '').trim();

// ---------------------------------------------------------------- topics (all content fictional)
interface Topic {
  k: string; core: string; cat: string; d: readonly [string, string, string]; kw: readonly string[]; plan: string;
  /** Progress clause; {lo-hi} = random number, {~lo-hi} = scaled by unit level. */
  prog: string; ms: readonly string[]; q: string; vo: readonly [string, string]; goal: string;
  ind: readonly (readonly [name: string, unit: string, base: string, growth: number])[];
}
const T = (k: string, core: string, cat: string, d: readonly [string, string, string], kw: string, plan: string, prog: string, ms: string, q: string, vo: readonly [string, string], goal: string, ind: Topic['ind']): Topic =>
  ({ k, core, cat, d, kw: kw.split('、'), plan, prog, ms: ms.split('|'), q, vo, goal, ind });
const TOPICS: readonly Topic[] = [
  T('优化营商环境', '发展改革|发展和改革', '综合政务', ['省发展改革委', '发展改革委', '经济发展办公室'], '营商环境、放管服、经营主体', '营商环境优化提升', '新登记经营主体{~1200-5600}户，同比增长{5.1-14.8}%，政务服务事项网上可办率达到{96.1-99.6}%', '持续深化“放管服”改革，全面推行经营主体登记“一件事”集成办理|健全涉企问题常态化收集和快速响应机制，确保企业诉求事事有回应|规范涉企行政检查，坚决防止多头检查、重复检查|强化惠企政策直达快享，推动更多政策“免申即享”', '营商环境就是生产力。我们将坚持以企业需求为导向，在政策落实、要素保障、服务效能上持续用力，让经营主体安心发展、放心投资。', ['企业负责人', '从申请到拿证只用了半天时间，工作人员全程帮办代办，我们感受到了实实在在的便利。'], '持续优化营商环境，激发经营主体活力', [['经营主体总量', '万户', '{~3.2-9.8}', 1.3], ['政务服务事项网上可办率', '%', '{95.0-97.5}', 1.02]]),
  T('乡村振兴', '农业农村', '农业、林业、水利', ['省农业农村厅', '农业农村局', '农业农村综合服务中心'], '乡村振兴、和美乡村、产业帮扶', '农业农村现代化', '实施产业帮扶项目{~12-96}个，脱贫人口和监测对象人均纯收入同比增长{6.2-11.5}%，农村居民人均可支配收入达到{1.6-2.4}万元', '守牢不发生规模性返贫致贫底线，落实常态化防止返贫致贫帮扶措施|做强做优乡村特色产业，完善联农带农利益联结机制|扎实推进乡村建设行动，持续改善农村人居环境|深化农村改革，发展壮大新型农村集体经济', '乡村振兴关键在产业、根本在人才。我们将把联农带农作为项目安排的重要依据，让更多农民群众在产业发展中稳定增收。', ['脱贫户', '村里的合作社带着我们种特色果蔬，家里收入比前年多了一万多元，日子越过越有盼头。'], '学习运用“千万工程”经验，扎实推进乡村全面振兴', [['农村居民人均可支配收入', '万元', '{1.6-2.2}', 1.32], ['农村卫生厕所普及率', '%', '{82.0-92.5}', 1.06]]),
  T('安全生产', '应急', '公安、安全、司法', ['省应急管理厅', '应急管理局', '平安建设办公室'], '安全生产、隐患排查、治本攻坚', '安全生产', '累计检查生产经营单位{~320-1800}家次，排查整改各类安全隐患{~900-5200}项，生产安全事故起数和死亡人数实现“双下降”', '压紧压实安全生产责任，层层传导工作压力|深入推进安全生产治本攻坚三年行动，聚焦重点行业领域开展隐患排查整治|强化执法检查，对重大事故隐患实行挂牌督办、闭环管理|加强安全宣传教育培训，提升全社会安全意识和应急能力', '安全生产没有旁观者，更没有局外人。各级各部门要把“时时放心不下”的责任感落实到行动上，坚决防范遏制重特大事故发生。', ['企业安全管理人员', '检查组帮我们逐项查找隐患、对照标准整改，企业的安全管理更规范了。'], '防范化解重大安全风险，坚决遏制重特大生产安全事故', [['亿元地区生产总值生产安全事故死亡率', '人', '{0.010-0.025}', 0.8], ['安全生产标准化达标企业', '家', '{~40-180}', 1.3]]),
  T('防汛抗旱', '水利', '农业、林业、水利', ['省水利厅', '水利局', '农业农村综合服务中心'], '防汛抗旱、汛期、水旱灾害防御', '水安全保障', '排查整治水库、堤防、山洪灾害危险区等风险隐患{~60-420}处，修订完善防汛应急预案{~20-150}件，组织开展防汛应急演练{~8-46}场次', '严格落实以行政首长负责制为核心的防汛抗旱责任制|加强雨情水情监测预报预警，确保预警信息及时直达基层一线|抓好水库、淤地坝和山洪灾害危险区安全度汛，提前转移避险人员|备足备齐抢险物资和救援力量，做到召之即来、来之能战', '防汛工作责任重于泰山。我们将坚持人民至上、生命至上，立足防大汛、抗大旱、抢大险，确保人民群众生命财产安全。', ['村干部', '预警信息第一时间发到手机上，我们按照预案提前组织群众转移，心里很踏实。'], '做好水旱灾害防御工作，保障人民群众生命财产安全', [['病险水库除险加固完成数', '座', '{~5-60}', 1.5], ['农田灌溉水有效利用系数', '—', '{0.550-0.580}', 1.04]]),
  T('秋冬季森林防火', '林业', '农业、林业、水利', ['省林业局', '林业局', '农业农村综合服务中心'], '森林防火、野外用火、火灾隐患', '林业保护发展', '组织开展森林防火巡查{~500-3600}人次，清理林下可燃物{~300-2500}亩，查处违规野外用火行为{~10-80}起', '严格落实森林防火责任制，确保每一片山林都有人管、有人巡|强化野外火源管控，在重点林区、重要路口设置检查卡点|加强物资储备和扑火队伍建设，做到打早、打小、打了|广泛开展防火宣传，提升群众文明用火意识', '森林防火是生态安全的底线。秋冬季天干物燥，火险等级高，我们将坚持预防为主、积极消灭，全力守护绿水青山。', ['护林员', '秋冬季是森林防火的关键期，我们每天都要把责任区巡查一遍，守好这片林子。'], '加强森林草原防灭火工作，保护森林资源和人民群众生命财产安全', [['森林覆盖率', '%', '{38.5-62.0}', 1.03], ['森林火灾受害率', '‰', '{0.05-0.30}', 0.8]]),
  T('义务教育优质均衡发展', '教育', '教育', ['省教育厅', '教育局', '社会事务办公室'], '义务教育、优质均衡、学位供给', '教育事业', '新建改扩建中小学校{~3-28}所，新增学位{~1800-12000}个，义务教育阶段课后服务覆盖率达到{97.0-99.8}%', '持续扩大优质教育资源供给，推进学区化集团化办学|加强教师队伍建设，深入推进义务教育教师“县管校聘”管理改革|深化“双减”工作，提升课堂教学质量和课后服务水平|加强校园安全管理，守牢师生安全底线', '办好人民满意的教育，就是要让每一个孩子都能享有公平而有质量的教育。我们将在学位供给、师资配置、质量提升上持续发力。', ['学生家长', '新学校就在家门口，孩子上学近了，课后服务也很丰富，我们家长很放心。'], '推进义务教育优质均衡发展，办好人民满意的教育', [['义务教育巩固率', '%', '{97.0-98.5}', 1.01], ['公办幼儿园在园幼儿占比', '%', '{52.0-65.0}', 1.1]]),
  T('医疗保障', '医疗保障|卫生健康', '卫生、体育', ['省医疗保障局', '医疗保障局', '社会事务办公室'], '医疗保障、城乡居民医保、异地就医', '医疗保障事业', '基本医疗保险参保率稳定在{95.0-97.5}%以上，住院费用跨省直接结算{~1.2-9.8}万人次，为参保群众减轻医疗费用负担{~0.8-6.5}亿元', '做好城乡居民基本医疗保险集中参保缴费工作|深化医保支付方式改革，提升医保基金使用效能|推进异地就医直接结算扩面提质，方便群众看病就医|持续开展医保基金监管专项整治，守护好群众的“看病钱”', '医保基金是人民群众的“看病钱”“救命钱”。我们将坚持便民、惠民、利民，让参保群众看病就医更省心、更放心。', ['参保群众', '在外地住院也能直接结算，不用先垫钱再回来报销，省了不少事。'], '健全多层次医疗保障体系，减轻群众就医负担', [['基本医疗保险参保率', '%', '{95.0-97.0}', 1.01], ['住院费用跨省直接结算率', '%', '{70.0-82.0}', 1.12]]),
  T('城市更新', '住房', '城乡建设、环境保护', ['省住房和城乡建设厅', '住房和城乡建设局', '村镇建设管理办公室'], '城市更新、老旧小区改造、城市体检', '城市更新', '开工改造城镇老旧小区{~12-180}个，惠及居民{~0.2-3.5}万户，新建改造燃气、供排水等地下管网{~15-160}公里', '坚持“先体检、后更新”，以城市体检查找问题短板|稳步推进城镇老旧小区和城中村改造|加快城市地下管网更新改造，提升城市安全韧性|完善社区养老、托育等公共服务设施，打造完整社区', '城市更新既是民生工程，也是发展工程。我们将坚持群众出题、政府答题，把好事办好、把实事办实。', ['小区居民', '改造后小区道路平整了，加装了电梯，还有了休闲广场，住着越来越舒心。'], '实施城市更新行动，推动城市高质量发展', [['城镇老旧小区改造完成数', '个', '{~20-160}', 1.6], ['城市生活污水集中收集率', '%', '{68.0-80.0}', 1.1]]),
  T('数字政府建设', '数据', '综合政务', ['省政务服务和数据管理局', '政务服务和数据管理局', '党政综合办公室'], '数字政府、政务服务、一网通办', '数字政府建设', '政务服务事项“一网通办”率达到{92.0-98.5}%，上线“高效办成一件事”重点事项{12-26}项，累计共享交换数据{~0.6-8.5}亿条', '推进政务数据共享和业务协同，打破“数据壁垒”|深化“高效办成一件事”改革，推动更多事项免证办、就近办、掌上办|加强政务云和网络安全保障，筑牢数字安全屏障|推动数字技术在基层治理中的融合应用', '数字政府建设的出发点和落脚点是便民利企。我们将以数据赋能为抓手，让数据多跑路、群众少跑腿。', ['办事群众', '现在很多事项在手机上就能办，不用来回跑窗口，确实方便多了。'], '加快数字政府建设，提升政务服务效能', [['政务服务事项网上可办率', '%', '{90.0-96.0}', 1.04], ['“一件事”集成办理事项', '项', '{12-20}', 1.6]]),
  T('12345热线服务', '政务服务', '综合政务', ['省政务服务和数据管理局', '政务服务和数据管理局', '党政综合办公室'], '12345热线、接诉即办、民生诉求', '政务服务便民热线', '12345政务服务便民热线受理群众诉求{~2.1-18.6}万件，按时办结率{97.0-99.5}%，群众满意率{93.0-98.0}%', '完善“接诉即办”工作机制，做到事事有回应、件件有着落|加强热线知识库建设，提高一次性答复率|对高频诉求开展专题分析，推动“办好一件事”向“办好一类事”延伸|强化督办考核，对推诿扯皮、敷衍应付的严肃问责', '12345热线连着千家万户，是倾听群众呼声的重要渠道。我们将坚持民有所呼、我有所应，用心用情解决好群众急难愁盼问题。', ['群众', '打了一个电话，没过几天问题就解决了，工作人员还专门回访，很满意。'], '提升12345政务服务便民热线服务水平，更好回应群众诉求', [['热线诉求按时办结率', '%', '{95.0-97.5}', 1.02], ['群众满意率', '%', '{90.0-94.0}', 1.04]]),
  T('高标准农田建设', '农业农村', '农业、林业、水利', ['省农业农村厅', '农业农村局', '农业农村综合服务中心'], '高标准农田、粮食安全、耕地保护', '高标准农田建设', '新建和改造提升高标准农田{~0.8-12.5}万亩，项目区粮食亩均增产{40-110}公斤，粮食播种面积稳定在{~28-260}万亩以上', '严格项目建设管理，落实项目法人制、招投标制、工程监理制|强化工程质量监督，确保建一亩、成一亩|健全建后管护机制，落实管护主体和管护责任|坚决遏制耕地“非农化”、防止“非粮化”', '高标准农田是粮食安全的“压舱石”。我们将坚持质量第一，把每一块高标准农田都建成旱涝保收、高产稳产的良田。', ['种粮大户', '地平了、渠通了、路宽了，浇地再也不用发愁，今年每亩多收了一百多斤粮食。'], '加强高标准农田建设，提升粮食综合生产能力', [['高标准农田面积', '万亩', '{~20-120}', 1.12], ['粮食综合生产能力', '万吨', '{~12-90}', 1.05]]),
  T('生态环境保护督察整改', '生态环境', '城乡建设、环境保护', ['省生态环境厅', '生态环境局', '村镇建设管理办公室'], '督察整改、生态环境保护、污染防治', '生态环境保护', '督察反馈问题已完成整改{~6-48}项，办结群众信访举报件{~30-360}件，空气质量优良天数比例达到{82.0-93.5}%', '坚持问题导向，逐项建立整改台账，实行销号管理|深入打好蓝天、碧水、净土保卫战|举一反三开展同类问题排查整治，防止问题反弹回潮|严格环境执法监管，依法查处各类环境违法行为', '督察整改是推动生态环境质量改善的重要抓手。我们将以最坚决的态度、最有力的举措，确保整改任务按期保质完成。', ['周边居民', '以前一到晚上就有异味，现在整改到位了，环境明显变好了。'], '扎实做好生态环境保护督察整改，持续改善生态环境质量', [['空气质量优良天数比例', '%', '{82.0-90.0}', 1.03], ['地表水考核断面水质优良比例', '%', '{80.0-92.0}', 1.04]]),
  T('就业援助', '人力资源', '劳动、人事、监察', ['省人力资源和社会保障厅', '人力资源和社会保障局', '社会事务办公室'], '就业援助、稳就业、技能培训', '就业促进', '城镇新增就业{~0.3-4.6}万人，帮助就业困难人员实现就业{~200-3600}人，开展职业技能培训{~0.2-3.8}万人次', '深入开展就业援助月等公共就业服务专项活动|加大高校毕业生、农民工、就业困难人员等重点群体帮扶力度|大力开展职业技能培训，提升劳动者就业能力|落实就业补贴政策，扶持创业带动就业', '就业是最基本的民生。我们将聚焦重点群体，把岗位送到家门口、把服务送到心坎上，确保零就业家庭动态清零。', ['求职者', '在招聘会上找到了离家近的工作，还参加了免费的技能培训，心里踏实多了。'], '做好就业援助工作，促进高质量充分就业', [['城镇新增就业', '万人', '{~0.5-4.2}', 1.05], ['职业技能培训', '万人次', '{~0.2-3.0}', 1.2]]),
  T('养老服务', '民政|卫生健康', '民政、扶贫、救灾', ['省民政厅', '民政局', '社会事务办公室'], '养老服务、居家养老、老年助餐', '养老服务体系', '新建社区养老服务设施{~8-96}个，发展老年助餐点{~20-260}个，为{~0.3-4.5}万名经济困难老年人发放养老服务补贴', '完善县、乡、村三级养老服务网络|大力发展老年助餐服务，提升服务可及性|推进特困人员供养服务设施改造提升|加强养老服务机构安全管理和服务质量监管', '让老年人老有所养、老有所依，是我们的责任所在。我们将持续织密养老服务网络，让老年人在家门口享受便捷服务。', ['老年居民', '助餐点的饭菜可口又实惠，每天还有人陪我们聊天、做活动，晚年生活很舒心。'], '健全养老服务体系，提升老年人获得感幸福感', [['社区养老服务设施覆盖率', '%', '{78.0-88.0}', 1.1], ['养老机构护理型床位占比', '%', '{55.0-65.0}', 1.15]]),
  T('科技创新', '科技', '科技', ['省科学技术厅', '科学技术局', '经济发展办公室'], '科技创新、高新技术企业、成果转化', '科技创新', '新认定高新技术企业{~8-160}家，技术合同成交额{~1.2-48.0}亿元，同比增长{8.0-21.0}%', '强化企业科技创新主体地位，推动创新要素向企业集聚|加快科技成果转移转化，打通成果转化“最后一公里”|加强创新平台建设，培育壮大科技型中小企业|落实研发费用加计扣除等政策，激发企业创新活力', '创新是引领发展的第一动力。我们将以企业需求为导向，推动更多科技成果从“实验室”走向“生产线”。', ['企业研发负责人', '研发费用加计扣除政策为我们减轻了负担，企业有更多资金投入新产品研发。'], '深入实施创新驱动发展战略，加快培育新质生产力', [['高新技术企业数', '家', '{~30-600}', 1.4], ['研究与试验发展经费投入强度', '%', '{1.2-2.4}', 1.2]]),
  T('公共文化服务', '文化', '文化、广电、新闻出版', ['省文化和旅游厅', '文化和旅游局', '综合文化站'], '公共文化服务、文化惠民、全民阅读', '文化和旅游发展', '开展文化惠民演出{~60-680}场次，举办全民阅读活动{~40-420}场，接待游客{~120-2600}万人次', '完善公共文化服务设施网络，推进城市书房、乡村文化广场建设|深入开展文化惠民活动，丰富群众精神文化生活|加强文物和非物质文化遗产保护利用|推动文旅深度融合，培育文旅消费新场景', '公共文化服务要让群众唱主角。我们将把更多优质文化资源送到基层，让群众在家门口享受文化盛宴。', ['群众', '文艺演出送到了家门口，我们不出村就能看上精彩节目，文化生活越来越丰富。'], '健全现代公共文化服务体系，满足人民群众精神文化需求', [['每万人拥有公共文化设施面积', '平方米', '{1100-1800}', 1.15], ['年接待游客', '万人次', '{~120-2600}', 1.3]]),
  T('财政资金监管', '财政', '财政、金融、审计', ['省财政厅', '财政局', '财政所'], '财政资金、预算绩效、惠民惠农', '财政改革发展', '一般公共预算收入完成{~3.2-85.0}亿元，民生支出占一般公共预算支出比重达到{76.0-84.0}%，通过“一卡通”发放惠民惠农补贴资金{~0.4-9.8}亿元', '严格预算执行管理，坚持党政机关习惯过紧日子|全面实施预算绩效管理，提高财政资金使用效益|加强惠民惠农财政补贴资金“一卡通”管理|强化财会监督，严肃财经纪律', '财政资金是人民群众的血汗钱。我们将把每一分钱都花在刀刃上、紧要处，切实兜牢“三保”底线。', ['基层财务人员', '补贴资金通过“一卡通”直接发放到群众手中，公开透明，群众很认可。'], '加强财政资金监管，提高财政资金使用效益', [['一般公共预算收入', '亿元', '{~3.2-80.0}', 1.25], ['民生支出占比', '%', '{75.0-82.0}', 1.03]]),
];
const topic = (k: string): Topic => pick(() => 0, TOPICS.filter((t) => t.k === k));
const GWGK = T('政务公开', '政务服务', '综合政务', ['省政府办公厅', '政府办公室', '党政综合办公室'], '政务公开、政策解读、信息公开', '政务公开', '主动公开政府信息{~800-6200}条，发布政策解读{~40-360}篇，依法办理政府信息公开申请{~20-180}件', '围绕稳增长、优环境、惠民生加强政策发布和解读回应|规范政府信息公开申请办理，依法保障公众知情权|推进基层政务公开标准化规范化建设|加强政府网站和政务新媒体建设管理，提升信息发布质量', '政务公开是建设法治政府、服务型政府的重要抓手。', ['群众', '政策文件和解读都能在网上查到，看得懂、用得上。'], '全面推进政务公开，提升政府透明度和公信力', [['主动公开政府信息', '条', '{~800-6200}', 1.2], ['政策解读发布', '篇', '{~40-360}', 1.2]]);
const SURNAMES = [...'李王张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高'];
const GIVEN = ['明远', '文静', '海涛', '秀英', '振华', '晓燕', '志明', '雅琴', '丽娟', '慧敏', '桂兰', '玉兰', '俊杰', '淑珍', '晨阳', '思源', '嘉宁', '书航', '若楠', '子谦', '景行', '清和', '安然', '博文', '静怡', '浩然', '雨桐', '承志'];
const TOWNS = ['青石镇', '柳湾镇', '桃源乡', '松岭镇', '白沙乡', '云溪街道', '东坪镇', '石门乡', '河西街道', '双桥镇'];
const VILLAGES = ['东坪村', '石桥村', '南沟村', '柳湾村', '杏林村', '红岩村', '新丰村', '清泉社区', '槐树村', '前进村'];
const DIV = ['办公室主任', '政策法规处处长', '规划财务处处长', '人事处处长', '综合执法监督处处长', '科技信息处处长'];
const DIV_DEP = ['办公室副主任', '政策法规处副处长', '规划财务处副处长', '人事处副处长', '机关党委专职副书记', '综合执法监督处副处长'];

// ---------------------------------------------------------------- unit context
interface Lv { sc: string; boss: string; dep: string; sub: string; att: string; meeting: string; higher: string; area: string; scale: number; media: string; office: string; place: string }
function levelInfo(u: DemoUnit): Lv {
  const U = u.shortName, N = u.unitName;
  const gov = (sc: string, boss: string, sub: string, att: string, area: string, scale: number, media: string): Lv =>
    ({ sc, boss, dep: '副' + boss, sub, att, meeting: `${U}政府常务会议`, higher: sc === '省' ? '党中央、国务院' : '党中央、国务院和省委、省政府', area, scale, media, office: N + '办公室', place: U });
  switch (u.level) {
    case 'province': return gov('省', '省长', '各市人民政府，省政府各部门、各直属机构：', '各市政府和省直有关部门负责同志参加会议。', '各市', 8, N + '门户网站');
    case 'city': return gov('市', '市长', '各县（市、区）人民政府，市政府各部门、各直属机构：', '各县（市、区）政府和市直有关部门负责同志参加会议。', '各县（市、区）', 3, U + '融媒体中心');
    case 'county': return gov('县', '县长', '各乡镇人民政府、街道办事处，县政府各部门：', '各乡镇（街道）和县直有关部门负责同志参加会议。', '各乡镇（街道）', 1, U + '融媒体中心');
    case 'township': {
      const sc = U.endsWith('街道') ? '街道' : U.endsWith('乡') ? '乡' : '镇';
      return { sc, boss: sc === '街道' ? '街道办事处主任' : sc + '长', dep: sc === '街道' ? '街道办事处副主任' : '副' + sc + '长', sub: `各村（社区），${sc}属各单位：`, att: `${sc}领导班子成员、各村（社区）党组织书记参加会议。`, meeting: `${U}党政联席会议`, higher: '上级党委、政府', area: '各村（社区）', scale: 0.15, media: U + '党政综合办公室', office: U + '党政综合办公室', place: U };
    }
    default: {
      const place = /^(.+?[省市县区])/.exec(N)?.[1] ?? '演示省';
      const sc = place.slice(-1), last = U.slice(-1);
      const boss = ({ 厅: '厅长', 局: '局长', 委: '主任' } as Record<string, string>)[last] ?? '主要负责同志';
      const mach = ['厅', '局', '委'].includes(last) ? last + '机关' : '机关';
      return { sc, boss, dep: boss === '主要负责同志' ? '分管负责同志' : '副' + boss, sub: `各${sc === '省' ? '市' : '县（市、区）'}相关部门，${mach}各处室、直属各单位：`, att: `${mach}各处室和直属单位主要负责同志参加会议。`, meeting: `${U}党组会议`, higher: '党中央、国务院和省委、省政府', area: sc === '省' ? '各市' : '各县（市、区）', scale: sc === '省' ? 8 : sc === '市' ? 3 : 1, media: N + '办公室', office: N + '办公室', place };
    }
  }
}

interface PolicyRef { docName: string; docNo: string; t: Topic; daysAgo: number }
interface Ctx { r: Rng; lv: DemoUnitLevel; name: string; U: string; /** place name for documents (a department's province/city) */ P: string; L: Lv; t: Topic; v: number; pub: Ymd; wr: Ymd; yr: number; scale: number; names: Set<string>; pool: PolicyRef[] }
interface Draft { title: string; body: string[]; source: string; summary?: string; doc?: boolean; docName?: string; t?: Topic; cat?: string; author?: boolean; daysAgo?: number }
type Gen = (c: Ctx) => Draft | null;

function nameOf(r: Rng, names: Set<string>): string {
  for (let i = 0; i < 30; i++) { const n = pick(r, SURNAMES) + pick(r, GIVEN); if (!names.has(n)) { names.add(n); return n; } }
  return pick(r, SURNAMES) + pick(r, GIVEN);
}
const person = (c: Ctx): string => nameOf(c.r, c.names);
const phone = (c: Ctx): string => `0000-${int(c.r, 2, 8)}${String(int(c.r, 0, 999999)).padStart(6, '0')}`;
const md = (c: Ctx, back = int(c.r, 0, 2)): string => cmd(addDays(c.pub, -back));
const S = (c: Ctx): string => '全' + c.L.sc;
/** Quote text for embedding inside “…”: inner double quotes become single quotes. */
const q2 = (s: string): string => s.replace(/“/g, '‘').replace(/”/g, '’');
function numv(c: Ctx, spec: string): [number, number] {
  const m = /^\{(~?)(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\}$/.exec(spec);
  if (!m) return [0, 0];
  const lo = Number(m[2]), hi = Number(m[3]), dec = (m[2]?.split('.')[1] ?? '').length;
  const v = (lo + c.r() * (hi - lo)) * (m[1] ? c.scale : 1);
  return [Math.max(dec === 0 ? 1 : 10 ** -dec, Number(v.toFixed(dec))), dec];
}
const fill = (c: Ctx, s: string): string => s.replace(/\{~?\d+(?:\.\d+)?-\d+(?:\.\d+)?\}/g, (spec) => { const [v, dec] = numv(c, spec); return v.toFixed(dec); });
function dsn(c: Ctx, t: Topic = c.t): [full: string, short: string] {
  if (c.lv === 'province') return [c.U + t.d[0].slice(1), t.d[0]];
  if (c.lv === 'city' || c.lv === 'county') return [c.U + t.d[1], c.L.sc + t.d[1]];
  if (c.lv === 'township') return [c.U + t.d[2], c.L.sc + t.d[2]];
  return [c.name, c.U];
}
const sign = (org: string, d: Ymd): string => p(`${org}　${cn(d)}`);
function holiday(c: Ctx): string {
  const m = c.pub.m;
  return m <= 4 ? `${c.yr}年劳动节` : m <= 6 ? `${c.yr}年端午节` : m <= 9 ? `${c.yr}年中秋节、国庆节` : `${c.yr + 1}年元旦`;
}
const mkTown = (t: string): string => (t.endsWith('街道') ? t + '办事处' : t + '人民政府');

// ---------------------------------------------------------------- body builders
interface NewsOpt { lead: string; meet: boolean; spk: string; subj?: string; scope?: string; att?: string }
function news(c: Ctx, o: NewsOpt): string[] {
  const t = c.t, ms = take(c.r, t.ms, 3), subj = o.subj ?? c.U, sc = o.scope ?? S(c), prog = fill(c, t.prog);
  if (o.meet) return [p(o.lead), p(`会议指出，今年以来，${sc}上下认真贯彻落实${c.L.higher}决策部署，${prog}，${t.k}工作取得积极进展。但也要清醒看到，当前工作中仍存在一些短板和弱项，必须以更加有力的举措抓好落实。`), p(`会议强调，${ms.map((m) => '要' + m).join('；')}。各级各部门要切实扛起责任，细化工作举措，确保各项任务落地落实。`), p(`${o.spk}在讲话中指出：“${q2(t.q)}”`), p(o.att ?? c.L.att)];
  const voice = c.r() < 0.5 ? [p(`${t.vo[0]}${person(c)}说：“${q2(t.vo[1])}”`)] : [];
  return [p(o.lead), p(`据了解，今年以来，${sc}${prog}。${subj}坚持问题导向和目标导向，建立健全${t.k}工作推进机制，实行清单化管理、项目化推进，确保各项任务落地见效。同时，注重强化部门协同和上下联动，定期调度重点任务进展，及时研究解决工作推进中的困难和问题，形成了齐抓共管的良好工作格局。`), p(`${o.spk}表示：“${q2(t.q)}”`), ...voice, p(`下一步，${subj}将${ms.join('，')}，推动${t.k}工作不断取得新成效。`)];
}
const duty = (t: Topic): string => p(`各单位要充分认识做好${t.k}工作的重要意义，切实增强责任感和紧迫感。主要负责同志要亲自研究部署、亲自协调推动，分管负责同志要具体抓好落实，确保各项措施落地见效。对工作中推诿扯皮、落实不力造成不良影响的，将依规依纪严肃追责问责。`);
const nd = (c: Ctx, title: string, o: NewsOpt, source = c.L.media): Draft => ({ title, body: news(c, o), source, author: true });
/** 一、二、三 section style document body (意见、方案、要点、计划). */
function sections(c: Ctx, docName: string, heads: readonly [string, string, string] = ['总体要求', '重点任务', '保障措施'], signDate: Ymd | null = c.wr): string[] {
  const t = c.t, [, ds] = dsn(c), sc = S(c);
  return [p(`${c.L.sub}现将《${docName}》印发给你们，请结合实际认真贯彻落实。`), h3(docName), h3('一、' + heads[0]),
    p(`坚持以人民为中心的发展思想，完整准确全面贯彻新发展理念，${t.goal}。到${c.yr + 2}年，${sc}${t.k}体制机制更加健全，${fill(c, t.prog)}，主要指标达到${c.L.sc === '省' ? '全国' : '全省'}先进水平。`),
    h3('二、' + heads[1]), ol(t.ms.map((m) => m + '。')), h3('三、' + heads[2]),
    p(`（一）加强组织领导。各地各部门要把${t.k}摆上重要议事日程，主要负责同志亲自抓、负总责。（二）强化要素保障。统筹安排财政资金，加强人才、用地等要素支撑。（三）严格督导考核。${ds}要会同有关部门加强跟踪问效，对工作推进不力的及时督促整改。`),
    ...(signDate ? [sign(c.name, signDate)] : [])];
}
/** 第一条…第五条 style regulatory body (办法、细则、规范). */
function articles(c: Ctx, docName: string, kind: string): string[] {
  const t = c.t, [, ds] = dsn(c), ms = take(c.r, t.ms, 4);
  return [p(`${c.L.sub}现将《${docName}》印发给你们，请认真贯彻执行。`), h3(docName),
    p(`第一条　为${t.goal}，根据有关法律法规和政策规定，结合本${c.L.sc}实际，制定本${kind}。`),
    p(`第二条　本${kind}适用于本${c.L.sc}行政区域内${t.k}相关工作。${ds}负责${t.k}工作的统筹协调和监督管理，其他有关部门按照各自职责做好相关工作。`),
    p(`第三条　${t.k}工作应当遵循以下要求：${ms.map((m, i) => `（${CN_NUM[i] ?? ''}）${m}`).join('；')}。`),
    p(`第四条　各有关单位应当建立健全工作台账和信息报送制度。${ds}应当定期组织开展监督检查，对工作推进不力、问题整改不到位的单位予以通报，并督促限期整改。`),
    p(`第五条　本${kind}由${ds}负责解释，自${cn(addDays(c.pub, 30))}起施行，有效期${pick(c.r, [3, 5])}年。`)];
}
function indRows(c: Ctx, ts: readonly Topic[]): string[][] {
  return ts.flatMap((t) => t.ind).map(([name, unit, spec, g]) => {
    const [b, dec] = numv(c, spec), tgt = unit === '%' ? Math.min(99.5, b * g) : b * g;
    return [name, unit, b.toFixed(dec), tgt.toFixed(dec), g < 1 || unit === '%' ? '约束性' : '预期性'];
  });
}
const money = (n: number): string => n.toFixed(2);

// ---------------------------------------------------------------- column generators
const run = (c: Ctx, vs: readonly (() => Draft | null)[]): Draft | null => { const f = vs[c.v % vs.length]; return f ? f() : null; };
const G: Readonly<Record<string, Gen>> = {
  '/xwdt/yw/': (c) => {
    const { t, U, L } = c, [, ds] = dsn(c), n = person(c);
    const where = c.lv === 'township' ? pick(c.r, VILLAGES) : c.lv === 'city' || c.lv === 'county' ? pick(c.r, TOWNS) : '基层';
    return run(c, [
      () => nd(c, `${U}召开${t.k}工作推进会`, { lead: `${md(c)}，${U}召开${t.k}工作推进会，总结前一阶段工作，分析当前形势，安排部署下一步重点任务。${L.dep}${n}出席会议并讲话。`, meet: true, spk: n }),
      () => nd(c, `${L.meeting}研究部署${t.k}等工作`, { lead: `${md(c)}，${L.boss}${n}主持召开${L.meeting}，听取${ds}关于${t.k}工作情况的汇报，研究部署下一阶段重点工作。`, meet: true, spk: n }),
      () => nd(c, `${L.dep}${n}到${where}调研${t.k}工作`, { lead: `${md(c)}，${L.dep}${n}到${where}调研${t.k}工作，深入一线实地察看项目推进情况，听取有关情况汇报，现场协调解决困难问题。`, meet: false, spk: n }),
      () => nd(c, `${U}${t.k}工作取得阶段性成效`, { lead: `今年以来，${U}坚持把${t.k}作为一项重要工作来抓，着力${t.goal}，各项工作取得阶段性成效。`, meet: false, spk: `${ds}负责人${n}` }),
      () => nd(c, `${U}开展${t.k}专项督导检查`, { lead: `${md(c)}起，${U}抽调精干力量组成${int(c.r, 3, 8)}个督导组，采取明查暗访相结合的方式，深入${L.area}开展${t.k}专项督导检查。`, meet: false, spk: `督导组负责人${n}` }),
      () => nd(c, `${U}举办${t.k}专题培训班`, { lead: `${md(c, 3)}至${md(c, 1)}，${U}举办${t.k}专题培训班，邀请专家学者和业务骨干围绕政策解读、实务操作等内容进行授课，${int(c.r, 6, 24) * 10}余名相关工作人员参加培训。`, meet: false, spk: `${ds}负责人${n}` }),
      () => nd(c, `${U}部署推进${t.k}重点任务`, { lead: `${md(c)}，${U}召开专题会议，对${t.k}重点任务进行再部署、再推进。${L.boss}${n}出席会议并讲话。`, meet: true, spk: n }),
    ]);
  },
  '/xwdt/bmdt/': (c) => {
    const { t } = c, [dsf, ds] = dsn(c), n = person(c), q = CN_NUM[Math.max(0, Math.ceil(c.pub.m / 3) - 1)] ?? '四';
    const o = (lead: string, spk = `${ds}负责人${n}`): NewsOpt => ({ lead, meet: false, spk });
    return run(c, [
      () => nd(c, `${ds}召开${t.k}工作座谈会`, o(`${md(c)}，${ds}召开${t.k}工作座谈会，邀请企业、基层单位和群众代表参加，面对面听取意见建议，共商推进举措。`), dsf),
      () => nd(c, `${ds}开展${t.k}专项检查`, o(`近日，${ds}组织${int(c.r, 2, 6)}个检查组，对${c.L.area}${t.k}工作开展专项检查，重点检查责任落实、制度执行和问题整改等情况。`), dsf),
      () => nd(c, `${ds}举办${t.k}业务培训班`, o(`${md(c)}，${ds}举办${t.k}业务培训班，围绕政策要求、工作流程和典型案例进行系统讲解，进一步提升干部业务能力。`), dsf),
      () => nd(c, `${ds}多措并举推进${t.k}`, o(`今年以来，${ds}聚焦${t.k}重点任务，细化工作举措，压实工作责任，推动各项工作取得明显成效。`), dsf),
      () => nd(c, `${ds}深入基层开展${t.k}政策宣讲`, o(`近日，${ds}组织业务骨干深入${c.L.area}开展${t.k}政策宣讲活动，通过集中宣讲、入户讲解、发放资料等方式，把政策送到群众身边。`), dsf),
      () => nd(c, `${ds}召开第${q}季度${t.k}工作调度会`, { lead: `${md(c)}，${ds}召开第${q}季度${t.k}工作调度会，逐项听取重点任务进展情况，研究解决存在的困难和问题。`, meet: true, spk: `${ds}主要负责同志${n}` }, dsf),
    ]);
  },
  '/xwdt/xzdt/': (c) => {
    const { t } = c, town = pick(c.r, TOWNS), vil = pick(c.r, VILLAGES), n = person(c), sc = '全' + (town.endsWith('街道') ? '街道' : town.slice(-1));
    const cc: Ctx = { ...c, scale: 0.15 };
    const o = (lead: string, meet = false): NewsOpt => ({ lead, meet, spk: `${town}党委书记${n}`, subj: town, scope: sc, att: `${town}领导班子成员、各村（社区）党组织书记参加会议。` });
    return run(c, [
      () => nd(cc, `${town}扎实推进${t.k}工作`, o(`今年以来，${town}把${t.k}作为民生实事来抓，成立工作专班，细化任务清单，推动各项工作扎实开展。`), mkTown(town)),
      () => nd(cc, `${town}${vil}多举措推进${t.k}`, o(`走进${town}${vil}，处处可见${t.k}带来的新变化。今年以来，${vil}在${town}党委、政府指导下，因地制宜推进${t.k}各项工作。`), mkTown(town)),
      () => nd(cc, `${town}开展${t.k}集中宣传活动`, o(`${md(c)}，${town}在${vil}文化广场开展${t.k}集中宣传活动，通过设置咨询台、发放宣传资料、现场答疑等方式，向群众普及相关政策知识。`), mkTown(town)),
      () => nd(cc, `${town}召开${t.k}专题部署会`, o(`${md(c)}，${town}召开${t.k}专题部署会，传达学习上级有关会议精神，安排部署近期重点工作。`, true), mkTown(town)),
    ]);
  },
  '/xwdt/tzgg/': (c) => {
    const { t, U, yr } = c, [dsf, ds] = dsn(c), n = person(c), ms = take(c.r, t.ms, 3), tel = phone(c), pub = c.pub, off = c.L.office;
    return run(c, [
      () => ({ title: `关于开展${yr}年${t.k}专项检查的通知`, source: off, body: [p(c.L.sub), p(`为${t.goal}，根据工作安排，决定在${S(c)}范围内开展${yr}年${t.k}专项检查。现将有关事项通知如下：`), h3('一、检查时间'), p(`${cn(addDays(pub, 3))}至${cn(addDays(pub, 30))}，分单位自查、集中检查、整改落实三个阶段进行。第一阶段由各单位对照检查内容全面开展自查；第二阶段组织检查组采取查阅资料、实地察看、随机抽查等方式进行集中检查；第三阶段督促各单位对发现的问题逐项整改销号。`), h3('二、检查内容'), ul(ms.map((m) => m + '的情况')), h3('三、工作要求'), p(`各单位要高度重视，认真组织自查，于${cn(addDays(pub, 15))}前将自查报告报送${ds}。对检查发现的问题，要建立台账、限期整改。联系人：${n}，联系电话：${tel}。`), sign(off, pub)] }),
      () => ({ title: `关于进一步做好${t.k}工作的通知`, source: off, body: [p(c.L.sub), p(`为${t.goal}，切实做好当前和今后一个时期${t.k}工作，经${U}人民政府同意，现就有关事项通知如下：`), ol(t.ms.map((m) => m + '。')), duty(t), p(`各单位要结合实际制定具体工作方案，明确责任分工和时间节点。请于${cn(addDays(pub, 20))}前将贯彻落实情况书面报送${ds}。联系人：${n}，联系电话：${tel}。`), sign(off, pub)] }),
      () => {
        const orgs = take(c.r, TOPICS, 3).map((x) => (c.lv === 'township' ? pick(c.r, VILLAGES) + '村民委员会' : dsn(c, x)[0]));
        const rows = [...orgs.map((o2, i) => [i + 1, '先进集体', o2]), ...[0, 1, 2, 3].map((i) => [i + 4, '先进个人', `${person(c)}（${pick(c.r, orgs)}）`])];
        return { title: `关于${yr}年度${t.k}先进集体和先进个人拟表彰对象的公示`, source: dsf, body: [p(`为表彰先进、树立典型，进一步调动广大干部职工做好${t.k}工作的积极性，经基层推荐、资格审查和研究审定，拟对以下${orgs.length}个先进集体和4名先进个人予以表彰。上述集体和个人在${t.k}工作中积极作为、成效明显，具有较好的示范带动作用。现予以公示。`), table(['序号', '类别', '名称（姓名及单位）'], rows), p(`公示时间：${cn(pub)}至${cn(addDays(pub, 7))}。公示期间，如对公示对象有异议，可通过来电、来信等方式向${ds}反映。反映情况要实事求是，以真实姓名反映问题，并提供必要的调查核实线索。联系电话：${tel}。`), p('本次评选坚持公开、公平、公正原则，严格按照评选条件和程序进行，注重向基层和工作一线倾斜。公示结束后，对公示无异议或反映问题经核实不影响表彰的，将按程序报批后予以表彰。'), sign(dsf, pub)] };
      },
      () => {
        const post = pick(c.r, c.lv === 'province' || c.lv === 'department' ? ['编外聘用人员', '政务服务窗口工作人员', '劳务派遣工作人员'] : ['社区工作者', '编外聘用人员', '乡村公益性岗位人员', '专职消防员', '政务服务窗口工作人员']), k = int(c.r, 5, 40);
        return { title: `${U}关于公开招聘${yr}年${post}的公告`, source: off, cat: '劳动、人事、监察', t: topic('就业援助'), body: [p(`根据工作需要，经研究决定，面向社会公开招聘${post}${k}名。招聘工作坚持公开、平等、竞争、择优的原则，现将有关事项公告如下：`), h3('一、招聘条件'), ul(['具有中华人民共和国国籍，遵守宪法和法律，具有良好的品行', '年龄18周岁以上、35周岁以下，具有大专及以上学历', '身体健康，具有正常履行岗位职责的身体条件和心理素质', '曾因犯罪受过刑事处罚或被开除公职的人员不得报考']), h3('二、报名方式'), p(`报名时间为${cn(addDays(pub, 1))}至${cn(addDays(pub, 7))}，每天上午9:00至12:00、下午2:30至5:30。报考人员须携带本人身份证、学历证书原件及复印件到现场报名，也可通过本网站下载报名表。`), h3('三、考试和聘用'), p('考试采取笔试和面试相结合的方式进行，笔试主要测试报考人员的综合知识和岗位所需的基本能力，面试主要测评报考人员的综合素质。按照考试总成绩从高分到低分确定体检和考察人选。体检、考察合格的，经公示无异议后办理聘用手续。'), p(`咨询电话：${tel}。`), sign(off, pub)] };
      },
      () => {
        const hol = holiday(c), svc = pick(c.r, ['政务服务大厅办公时间调整', '政务服务不打烊服务安排', '12345热线服务安排']);
        return { title: `关于${hol}期间${svc}的公告`, source: off, t: topic('12345热线服务'), body: [p(`根据国家法定节假日安排，结合工作实际，现将${hol}期间${U}${svc.replace(/调整|安排/, '')}有关事项公告如下：`), p('一、节假日期间，政务服务大厅暂停现场综合受理业务，节后第一个工作日起恢复正常办公。确有紧急事项需要办理的，可提前通过电话预约，工作人员将提供预约办理服务。自助服务区24小时开放，办事群众可通过自助终端办理社保查询、证明打印等高频事项。'), p('二、节假日期间，12345政务服务便民热线实行全天候值守，群众可通过热线反映诉求、咨询政策，热线将按照“接诉即办”要求及时分办转办。'), p(`三、企业和群众可通过政务服务网、政务服务移动端等渠道在线申报，相关事项在节后按规定时限依次办理。由此给您带来的不便，敬请谅解。咨询电话：${tel}。`), p('四、节日期间，各值班人员要坚守岗位，严格落实值班值守和信息报送制度，遇有突发情况及时按程序报告并妥善处置，确保政务服务工作平稳有序。'), sign(off, pub)] };
      },
      () => {
        const doc = `${c.P}${t.k}实施方案（征求意见稿）`;
        return { title: `关于征求《${doc}》意见的公告`, source: dsf, body: [p(`为${t.goal}，${ds}在深入调研的基础上，起草了《${doc}》。为增强政策制定的科学性和透明度，现向社会公开征求意见。`), p(`社会公众可在${cn(pub)}至${cn(addDays(pub, 30))}期间，通过以下方式提出意见建议：`), ul(['登录本网站“政民互动”栏目，在意见征集专区在线提交', `信函寄至${dsf}，请在信封上注明“意见征集”字样`, `电话反映：${tel}（工作日上午9:00至12:00、下午2:30至5:30）`]), p(`征求意见稿共分总体要求、重点任务、保障措施三个部分，重点明确了${ms.join('、')}等方面的具体举措。`), p(`征求意见结束后，${ds}将认真研究吸纳各方面意见建议，进一步修改完善方案内容，并按程序报批后印发实施。对意见建议的采纳情况，将通过适当方式予以反馈。`), sign(dsf, pub)] };
      },
    ]);
  },
  '/zwgk/zcwj/gfxwj/': (c) => {
    const { t, U, name } = c;
    const mk = (docName: string, title: string, body: () => string[]): Draft => ({ title: title.length <= 40 ? title : title.replace(name, ''), body: body(), source: name, doc: true, docName });
    return run(c, [
      () => { const d = `${c.P}${t.k}管理办法`; return mk(d, `${name}关于印发《${d}》的通知`, () => articles(c, d, '办法')); },
      () => { const d = `${c.P}${t.k}实施细则`; return mk(d, `${name}关于印发《${d}》的通知`, () => articles(c, d, '细则')); },
      () => { const d = `${c.P}${t.k}若干措施`; return mk(d, `${name}关于印发《${d}》的通知`, () => sections(c, d)); },
      () => { const d = `关于进一步加强${t.k}工作的意见`; return mk(d, name + d, () => sections(c, d).slice(1).map((x, i) => (i === 0 ? x.replace(/^<h3>.*<\/h3>$/, p(`${c.L.sub}为${t.goal}，现提出如下意见。`)) : x))); },
      () => { const d = `${c.P}${t.k}工作规范（试行）`; return mk(d, `${name}关于印发《${d}》的通知`, () => articles(c, d, '规范')); },
    ]);
  },
  '/zwgk/zcwj/qtwj/': (c) => {
    const { t, U, name, yr, L } = c, [, ds] = dsn(c);
    const mk = (docName: string, title: string, body: () => string[]): Draft => ({ title, body: body(), source: name, doc: true, docName });
    return run(c, [
      () => { const d = `${c.P}${t.k}三年行动方案（${yr}—${yr + 2}年）`; return mk(d, `关于印发《${d}》的通知`, () => sections(c, d)); },
      () => { const d = `关于切实做好${yr}年${t.k}工作的通知`; return mk(d, d, () => [p(L.sub), p(`为${t.goal}，现就切实做好${yr}年${t.k}工作有关事项通知如下：`), ol(t.ms.map((m) => m + '。')), p(`各单位要强化责任担当，细化工作措施，确保各项任务按期完成。工作中遇到的重大问题，请及时报告${ds}。`), duty(t), p(`${ds}将会同有关部门加强工作指导和督促检查，适时组织开展专项督查，督查结果纳入年度目标责任考核。`), sign(name, c.wr)]); },
      () => {
        const d = `关于调整${U}${t.k}工作领导小组成员的通知`, members = [0, 1, 2, 3].map(() => `${person(c)}（${dsn(c, pick(c.r, TOPICS))[1]}负责同志）`);
        return mk(d, d, () => [p(L.sub), p(`因人事变动和工作需要，经研究，决定对${U}${t.k}工作领导小组成员进行调整。调整后的组成人员如下：`), ul([`组　长：${person(c)}（${L.boss}）`, `副组长：${person(c)}（${L.dep}）`, `成　员：${members.join('、')}`]), p(`领导小组负责统筹协调、研究解决${t.k}工作中的重大问题。领导小组办公室设在${ds}，承担领导小组日常工作。领导小组实行定期会议制度，原则上每半年召开一次全体会议，研究部署重点工作，听取成员单位工作情况汇报。领导小组成员如有变动，由所在单位接任工作的同志自行替补，不再另行发文。`), p(`各成员单位要按照职责分工，各司其职、密切配合，主动研究${t.k}工作中的重要问题，及时报送工作进展情况，形成推动工作的强大合力。`), sign(name, c.wr)]);
      },
      () => { const d = `${c.P}${yr}年${t.k}工作要点`; return mk(d, `关于印发${d}的通知`, () => sections(c, d, ['工作目标', '重点任务', '工作要求'])); },
      () => { const d = `关于${yr}年${t.k}工作情况的通报`; return mk(d, d, () => [p(L.sub), p(`今年以来，${S(c)}各级各部门认真落实${t.k}各项部署，${fill(c, t.prog)}，工作取得积极成效。现将有关情况通报如下：`), h3('一、主要成效'), ul(take(c.r, t.ms, 3).map((m) => `${m}，取得明显进展。`)), h3('二、存在问题和下一步要求'), p(`从督查情况看，个别单位还存在思想认识不到位、工作推进不平衡等问题。各单位要对照通报要求认真查摆，${t.ms[0] ?? ''}，确保各项工作落到实处。对本次通报中工作成效突出的单位，要认真总结经验做法，发挥示范带动作用；对工作相对滞后的单位，要深入分析原因，制定整改措施，限期迎头赶上。`), sign(name, c.wr)]); },
    ]);
  },
  '/zwgk/zcwj/zcjd/': (c) => {
    const ref = c.pool.shift();
    const t = ref?.t ?? c.t, cc: Ctx = { ...c, t }, [dsf, ds] = dsn(cc), doc = ref?.docName ?? `${c.U}${t.k}管理办法`;
    const abbr = /(办法|细则|措施|意见|方案|要点|规范|通知|通报)(（[^）]*）)?$/.exec(doc)?.[1] ?? '文件';
    const titles = [`《${doc}》政策解读`, `《${doc}》解读`, doc.startsWith('关于') ? `《${doc}》问答` : `关于《${doc}》的政策解读`, `${doc}政策解读`];
    const title = [...titles.slice(c.v % 3), ...titles].find((x) => x.length <= 40) ?? `${c.U}${t.k}政策解读`;
    return { title, t, source: dsf, daysAgo: ref ? Math.max(0, ref.daysAgo - int(c.r, 0, 5)) : undefined, body: [
      p(`近日，${c.name}印发《${doc}》（${ref ? ref.docNo + '，' : ''}以下简称《${abbr}》）。为便于社会公众和有关单位准确理解、贯彻落实，现就有关内容解读如下。`),
      h3('一、起草背景'), p(`${t.k}事关经济社会发展全局和人民群众切身利益。近年来，${S(c)}${t.k}工作取得积极成效，但也存在体制机制不够完善、工作推进不够平衡等问题。为${t.goal}，${ds}在深入调研、广泛征求意见的基础上，起草形成了《${abbr}》。`),
      h3('二、主要内容'), p(`《${abbr}》立足${c.U}实际，围绕${t.k}明确了目标任务、职责分工和保障措施，主要包括以下内容：`), ul(t.ms.map((m) => m + '。')),
      h3('三、解读机关及联系方式'), p(`解读机关：${dsf}；解读人：${person(c)}；联系电话：${phone(c)}。`)] };
  },
  '/zwgk/ghjh/fzgh/': (c) => {
    const { t, U, name } = c, other = pick(c.r, TOPICS.filter((x) => x !== t)), sc = S(c);
    const body = (doc: string, ts: readonly Topic[], withSign: boolean, area = ts.map((x) => x.plan).join('、')): string[] => [p(`${doc}根据${c.L.sc === '省' ? '国家' : '上级'}有关规划部署和${c.P}经济社会发展实际编制，主要阐明“十五五”时期${sc}${area}的总体思路、主要目标和重点任务，是今后五年推进相关工作的重要依据。规划期为2026—2030年，展望到2035年。`),
      h3('一、发展基础'), p(`“十四五”时期，${sc}${ts.map((x) => fill(c, x.prog)).join('；')}，为“十五五”时期发展奠定了坚实基础。同时也要看到，发展不平衡不充分问题仍然存在，基础设施和公共服务短板仍需加快补齐。`),
      h3('二、主要目标'), p(`到2030年，${sc}${area}水平迈上新台阶，重点领域改革取得突破，人民群众获得感、幸福感、安全感持续增强。主要指标如下：`), table(['指标名称', '单位', '2025年基期值', '2030年目标值', '属性'], indRows(c, ts)),
      h3('三、主要任务'), ul(ts.flatMap((x) => x.ms.slice(0, 2)).map((m) => m + '。')), ...(withSign ? [sign(name, c.wr)] : [])];
    return run(c, [
      () => { const d = `${c.P}“十五五”${t.plan}规划`; return { title: `关于印发${d}的通知`, source: name, doc: true, docName: d, body: body(d, [t], true) }; },
      () => ({ title: `${c.P}${t.plan}专项规划（2026—2030年）`, source: dsn(c)[0], body: body('本规划', [t], false) }),
      () => (c.lv === 'department' ? null : { title: `${c.P}国民经济和社会发展第十五个五年规划纲要`, source: name, cat: '国民经济管理、国有资产监管', body: body('本纲要', [t, other], false, '经济社会发展') }),
      () => ({ title: `${c.P}“十五五”${t.plan}规划（公开征求意见稿）`, source: dsn(c)[0], body: body('本规划', [t], false) }),
    ]);
  },
  '/zwgk/ghjh/ndjh/': (c) => {
    const { t, U, yr } = c;
    return run(c, [
      () => ({ title: `${c.P}${yr}年${t.k}工作要点`, source: dsn(c)[0], body: sections(c, `${c.P}${yr}年${t.k}工作要点`, ['工作目标', '重点任务', '工作要求'], null).slice(1) }),
      () => { const d = `${c.P}${yr}年${t.k}工作计划`; return { title: `关于印发${d}的通知`, source: c.name, doc: true, docName: d, body: sections(c, d, ['工作目标', '重点任务', '工作要求']) }; },
      () => ({ title: `${U}${yr}年政务公开工作要点`, source: c.L.office, t: GWGK, body: sections({ ...c, t: GWGK }, `${U}${yr}年政务公开工作要点`, ['总体要求', '重点任务', '组织保障'], null).slice(1) }),
      () => {
        if (c.lv === 'department') return null;
        const ts = take(c.r, TOPICS, 5);
        return { title: `${U}${yr}年重点民生实事项目计划`, source: c.L.office, cat: '综合政务', body: [p(`为持续保障和改善民生，${U}在广泛征集群众意见的基础上，经研究确定${yr}年重点民生实事项目${ts.length}大类。现将项目计划公布如下，接受社会监督。`), table(['序号', '项目类别', '主要建设内容', '责任单位'], ts.map((x, i) => [i + 1, x.k, (x.ms[0] ?? '') + '，' + fill(c, x.prog.split('，')[0] ?? ''), dsn(c, x)[1]])), p('各责任单位要细化实施方案，明确时间节点，实行项目化管理、清单式推进，每季度末报送项目进展情况。'), p(`项目实施情况将通过本网站定期公开。欢迎社会各界通过12345政务服务便民热线对民生实事项目实施情况进行监督，提出意见建议。`)] };
      },
    ]);
  },
  '/zwgk/rsxx/rsrm/': (c) => {
    const { name, yr, L } = c, lead = person(c);
    const seen = new Set<string>();
    const post1 = (dep: boolean): string => {
      if (c.lv === 'department') return name + pick(c.r, dep ? DIV_DEP : DIV);
      const full = dsn(c, pick(c.r, TOPICS))[0], last = full.slice(-1);
      const head = last === '委' || full.endsWith('中心') || full.endsWith('办公室') ? '主任' : last === '厅' ? '厅长' : last === '所' ? '所长' : last === '站' ? '站长' : '局长';
      return full + (dep ? '副' : '') + head;
    };
    const post = (dep: boolean): string => { let x = post1(dep); for (let i = 0; i < 12 && seen.has(x); i++) x = post1(dep); seen.add(x); return x; };
    const item = (kind: 0 | 1, nm = person(c)): string => (kind === 0 ? `任命${nm}为${post(c.r() < 0.6)}${c.r() < 0.4 ? '（试用期一年）' : ''}` : `免去${nm}的${post(c.r() < 0.6)}职务`);
    const body = (kinds: readonly (0 | 1)[]): string[] => [p(L.sub), p(`经${L.meeting}研究，决定：`), ul(kinds.map((k, i) => item(k, i === 0 ? lead : undefined) + (i === kinds.length - 1 ? '。' : '；'))),
      ...(kinds.includes(0)
        ? [p(`以上同志的任职时间自${cn(addDays(c.pub, -int(c.r, 1, 6)))}起计算。请有关单位按照干部管理权限，抓紧做好工作交接，确保各项工作有序衔接、平稳推进。`), p('希望以上同志珍惜组织信任，尽快进入角色，认真履职尽责，严守纪律规矩，在新的岗位上作出新的更大贡献。请各有关单位按照规定程序及时办理相关手续，并做好干部人事档案材料的归档工作。')]
        : [p('以上同志免职后，另有任用的，按照干部管理权限另行办理。请有关单位抓紧做好工作交接，确保工作交接期间各项工作有序衔接、平稳推进，不因人员变动影响正常工作。'), p('请各有关单位按照规定程序及时办理相关手续，做好干部人事档案材料的归档工作，并按有关规定做好干部离任审计等工作。')]),
      sign(name, c.pub)];
    const mk = (title: string, kinds: readonly (0 | 1)[], what: string): Draft => ({ title, source: name, body: body(kinds), summary: `经${L.meeting}研究，决定${what}。现将有关任免事项予以公布。` });
    return run(c, [
      () => mk(`${name}关于${lead}等同志职务任免的通知`, [0, 0, 0, 1, 0, 1, 1, 0, 1], `${lead}等同志职务任免`),
      () => mk(`关于${lead}等同志任职的通知`, [0, 0, 0, 0, 0, 0, 0, 0], `任命${lead}等同志职务`),
      () => mk(`${name}任免工作人员（${yr}年第${int(c.r, 3, 18)}期）`, [0, 0, 1, 0, 1, 0, 1, 0], `${lead}等同志职务任免`),
      () => mk(`关于${lead}等同志免职的通知`, [1, 1, 1, 1, 1, 1, 1, 1], `免去${lead}等同志职务`),
    ]);
  },
  '/zwgk/rsxx/gwyzk/': (c) => {
    const { U, yr } = c, hr = dsn(c, topic('就业援助'))[0], tel = phone(c), pub = c.pub, n = int(c.r, 6, 9);
    const exam = (): string => `1${String(yr).slice(2)}${String(int(c.r, 0, 9999999)).padStart(7, '0')}`;
    const jobs = (): string => `${dsn(c, pick(c.r, TOPICS))[0]}${pick(c.r, ['一级科员', '一级主任科员', '四级主任科员'])}`;
    const std = (title: string, intro: string, a: [string, string], b: [string, string], notes: readonly string[]): Draft => ({ title, source: hr, body: [p(intro), h3('一、' + a[0]), p(a[1]), h3('二、' + b[0]), p(b[1]), h3('三、注意事项'), ul(notes), p('报考人员应认真阅读本公告，并及时关注本网站发布的相关信息。因报考人员个人原因未能按时参加相关环节的，视为自动放弃。对违反考试纪律的，将按照有关规定严肃处理。'), p(`咨询电话：${tel}；监督电话：${phone(c)}。`), sign(hr, pub)] });
    return run(c, [
      () => ({ title: `${U}${yr}年度考试录用公务员拟录用人员公示（第${CN_NUM[int(c.r, 0, 2)] ?? '一'}批）`, source: hr, body: [p(`根据《中华人民共和国公务员法》和《公务员录用规定》等法律法规，按照${yr}年度考试录用公务员工作安排，经笔试、面试、体检和考察等程序，确定${n}名拟录用人员，现予以公示。`), table(['序号', '姓名', '性别', '准考证号', '拟录用职位'], Array.from({ length: n }, (_, i) => [i + 1, person(c), pick(c.r, ['男', '女']), exam(), jobs()])), p(`公示期为5个工作日（${cn(pub)}至${cn(addDays(pub, 7))}）。公示期间，如对拟录用人员有异议，可以书面或电话形式向公务员主管部门反映。反映问题要实事求是，署名或当面反映的应提供本人真实姓名和联系方式。公示期满，没有问题或者反映有问题经查实不影响录用的，按照规定程序办理录用手续。`), p(`联系电话：${tel}。`), sign(hr, pub)] }),
      () => std(`${U}${yr}年度考试录用公务员面试公告`, `根据${yr}年度考试录用公务员工作安排，经资格复审，现将面试有关事项公告如下：`, ['面试时间和地点', `面试定于${cn(addDays(pub, 8))}举行，地点另行通知。考生须于当日上午7:30前到达候考室报到，逾期未报到的视为自动放弃面试资格。`], ['面试方式', '面试采取结构化面试方式进行，主要测评考生的综合分析、语言表达、组织协调和应变能力等。面试成绩满分为100分，合格分数线为60分。面试结束后，按照笔试成绩和面试成绩各占50%的比例计算考试总成绩，并在本网站公布。'], ['考生须携带本人有效居民身份证和面试通知书参加面试', '面试期间考生不得携带手机等通讯工具进入考场', '考生应自觉遵守考场纪律，服从工作人员管理']),
      () => std(`关于${U}${yr}年度考试录用公务员体检有关事项的公告`, `根据公务员录用体检有关规定，现将${U}${yr}年度考试录用公务员体检有关事项公告如下：`, ['体检时间和地点', `体检定于${cn(addDays(pub, 5))}进行，考生须于当日上午7:00在指定地点集合，统一前往体检医院。`], ['体检标准', '体检按照《公务员录用体检通用标准（试行）》及其操作手册执行，体检费用由考生本人承担。对体检结论有疑问的，考生可在接到体检结论通知之日起7日内申请复检，复检只能进行一次，结果以复检结论为准。'], ['体检前一天请注意休息，勿熬夜，勿饮酒', '体检当日须空腹，女性考生避开生理期', '考生须携带本人有效居民身份证和近期免冠照片2张']),
      () => std(`${U}${yr}年事业单位公开招聘工作人员公告`, `为满足事业单位用人需求，经研究决定，面向社会公开招聘事业单位工作人员${int(c.r, 20, 120)}名。现将有关事项公告如下：`, ['报名条件', '具有中华人民共和国国籍，遵守宪法和法律，具有良好的品行和岗位所需的专业或技能条件，年龄一般为18周岁以上、35周岁以下。'], ['报名时间和方式', `报名采取网上报名方式，报名时间为${cn(addDays(pub, 3))}至${cn(addDays(pub, 9))}。每名考生限报一个岗位，报名与考试时使用的身份证须一致。`], ['招聘岗位、人数及条件详见招聘岗位表', '笔试和面试成绩按照各占50%的比例合成考试总成绩', '考生报名时应诚信报考，提交的材料须真实有效']),
      () => std(`${U}${yr}年度公开遴选公务员公告`, `为进一步优化公务员队伍结构，根据《公务员公开遴选办法》，经研究决定，面向${c.L.sc === '省' ? '全省' : '全' + c.L.sc}公开遴选公务员${int(c.r, 5, 30)}名。`, ['遴选范围和条件', '遴选对象为在编在岗的公务员（含参照公务员法管理的机关单位工作人员），具有2年以上基层工作经历，近三年年度考核均为称职以上等次。'], ['遴选程序', `遴选按照报名与资格审查、笔试、面试、考察、决定和公示等程序进行，报名时间为${cn(addDays(pub, 2))}至${cn(addDays(pub, 8))}。笔试主要测试政策理论水平、分析解决问题能力和文字表达能力，面试主要测评岗位履职能力。`], ['报名人员须经所在单位同意', '遴选职位及具体条件详见职位表', '遴选公务员试用期为一年']),
    ]);
  },
  '/zwgk/czxx/czyjs/': (c) => {
    const { U, yr, L } = c, fin = topic('财政资金监管'), gov = c.lv === 'province' || c.lv === 'city' || c.lv === 'county';
    const org = c.lv === 'department' || c.lv === 'township' ? c.name : dsn(c, pick(c.r, TOPICS))[0];
    const base = (L.scale >= 8 ? 30000 : L.scale >= 3 ? 9000 : 2500) * (0.5 + c.r());
    const rows = [['一般公共预算财政拨款收入', 0.82], ['政府性基金预算财政拨款收入', 0.05], ['事业收入', 0.09], ['其他收入', 0.04]] as const;
    const vals = rows.map(([k, s]) => { const cur = Math.round(base * s * (0.9 + c.r() * 0.2) * 100) / 100, prev = Math.round((cur / (0.94 + c.r() * 0.16)) * 100) / 100; return [k, cur, prev] as const; });
    const tc = vals.reduce((a, v) => a + v[1], 0), tp = vals.reduce((a, v) => a + v[2], 0), pct = (a: number, b: number): string => (((a - b) / b) * 100).toFixed(1);
    const tblOf = (y: number, kind: string): string => table(['项目', `${y}年${kind}数（万元）`, `${y - 1}年${kind}数（万元）`, '增减（%）'], [...vals.map(([k, a, b]) => [k, money(a), money(b), pct(a, b)]), ['收入合计', money(tc), money(tp), pct(tc, tp)]]);
    const tbl = tblOf(yr, '预算'), debt = (L.scale >= 8 ? 1800 : L.scale >= 3 ? 420 : 65) * (0.7 + c.r() * 0.6);
    const sg = (L.scale >= 3 ? 20 : 6) * (0.5 + c.r());
    const bud = (kind: '预算' | '决算', y: number): Draft => ({ title: `${org}${y}年部门${kind}公开`, source: org, cat: '财政、金融、审计', t: fin, body: [
      p(`根据《中华人民共和国预算法》和预决算公开有关规定，现将${org}${y}年部门${kind}情况公开如下。`),
      p(`一、收支${kind}总体情况。${y}年收入${kind}${money(tc)}万元，比上年${tc >= tp ? '增加' : '减少'}${money(Math.abs(tc - tp))}万元，主要原因是${tc >= tp ? '保障重点项目和民生支出需要' : '严格落实过紧日子要求，压减一般性支出'}。支出${kind}与收入${kind}相等，其中基本支出占${(55 + c.r() * 15).toFixed(1)}%，项目支出占其余部分。`), tblOf(y, kind),
      p(`二、“三公”经费情况。${y}年“三公”经费${kind}${money(sg)}万元，其中因公出国（境）费0万元，公务用车购置及运行维护费${money(sg * 0.7)}万元，公务接待费${money(sg * 0.3)}万元，较上年下降${(3 + c.r() * 9).toFixed(1)}%，主要原因是厉行节约、从严控制公务接待和公务用车支出。`),
      p(`三、名词解释。一般公共预算财政拨款收入：指本级财政当年拨付的资金。“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。`)] });
    return run(c, [
      () => bud('预算', yr),
      () => bud('决算', yr - 1),
      () => (gov ? { title: `${U}${yr - 1}年预算执行情况和${yr}年预算草案的报告`, source: dsn(c, fin)[0], t: fin, body: [p('各位代表：受政府委托，现将预算执行情况和预算草案提请大会审议，并请政协委员和其他列席人员提出意见。'), h3(`一、${yr - 1}年预算执行情况`), p(`${yr - 1}年，${S(c)}${fill(c, fin.prog)}。全年预算执行情况总体良好，“三保”支出得到有效保障，重点领域支出保障有力。`), h3(`二、${yr}年预算草案`), p(`${yr}年预算安排坚持量入为出、收支平衡，优先保障基本民生、工资发放和机构正常运转，集中财力支持重大战略任务和重点项目。部门预算收入情况示例如下：`), tbl, h3('三、完成全年预算任务的主要措施'), ul(fin.ms.map((m) => m + '。'))] } : null),
      () => (gov ? { title: `${U}${yr}年政府债务限额及余额情况`, source: dsn(c, fin)[0], t: fin, body: [p(`根据预算法和地方政府债务信息公开有关规定，现将${U}${yr}年政府债务限额及余额情况公开如下。`), table(['项目', '债务限额（亿元）', '债务余额（亿元）'], [['一般债务', money(debt * 0.4), money(debt * 0.37)], ['专项债务', money(debt * 0.6), money(debt * 0.55)], ['合计', money(debt), money(debt * 0.92)]]), p(`截至${cn(addDays(c.pub, -int(c.r, 20, 40)))}，${U}政府债务余额控制在限额以内，债务风险总体可控，各项债务指标均处于合理区间。新增债券资金主要用于交通基础设施、保障性安居工程、农林水利、生态环保等领域重点项目建设。`), p('下一步，将严格落实政府债务限额管理和预算管理制度，加强债券资金使用监管，坚决遏制隐性债务增量，切实防范化解债务风险。'), p('说明：政府债务限额由上级人民政府核定，报本级人民代表大会常务委员会批准。一般债务主要用于没有收益的公益性项目，以一般公共预算收入偿还；专项债务主要用于有一定收益的公益性项目，以对应的政府性基金收入或专项收入偿还。'), sign(dsn(c, fin)[0], c.pub)] } : null),
      () => ({ ...bud('预算', yr), title: `${org}${yr}年“三公”经费预算情况说明` }),
      () => ({ ...bud('决算', yr - 1), title: `${org}${yr - 1}年度部门整体支出绩效自评情况` }),
    ]);
  },
  '/zwgk/zdly/jy/': (c) => {
    const t = topic('义务教育优质均衡发展'), cc: Ctx = { ...c, t }, { yr } = c, U = c.lv === 'department' ? c.L.place : c.U, [dsf, ds] = dsn(cc), tel = phone(c), pub = c.pub, town = pick(c.r, TOWNS);
    const place = c.lv === 'department' ? c.L.place : U, schools = [`${place}实验小学`, `${place}第一中学`, `${place}第二中学`, `${town}中心小学`, `${town}中心幼儿园`, `${place}机关幼儿园`];
    const d = (title: string, body: string[]): Draft => ({ title, source: dsf, t, body });
    return run(c, [
      () => d(`${U}${yr}年义务教育阶段学校招生入学工作方案`, [p(`为做好${yr}年义务教育阶段学校招生入学工作，保障适龄儿童少年依法接受义务教育，结合实际，制定本方案。`), h3('一、招生原则'), p('坚持义务教育免试入学、相对就近入学原则，公办学校与民办学校同步招生。严禁以各类考试、竞赛、培训成绩或证书证明等作为招生依据。各地要科学划定学区，合理确定招生范围，确保适龄儿童少年入学机会均等。'), h3('二、招生对象和时间'), ul([`小学一年级招收${yr - 6}年9月1日至${yr - 5}年8月31日出生的适龄儿童`, '初中一年级招收当年小学毕业生，按照学区划分对口入学', '随迁子女入学按照“两为主、两纳入”要求统筹安排']), h3('三、工作要求'), p(`各学校要严格落实招生政策，规范招生行为，主动公开招生计划、范围、程序和结果。咨询电话：${tel}。`), p('各地各校要畅通招生入学咨询和投诉渠道，及时回应群众关切。对违规招生、择校收费、提前招生等行为，一经查实，严肃追究相关学校和人员责任。'), sign(dsf, pub)]),
      () => d(`${U}${yr}年秋季学期学生资助政策简介`, [p(`为确保家庭经济困难学生顺利入学、安心就读，现将${U}${yr}年秋季学期学生资助主要政策介绍如下：`), ul(['学前教育：对家庭经济困难幼儿、孤儿和残疾儿童给予保育教育费减免或资助', '义务教育：免除学杂费，免费提供教科书，对家庭经济困难寄宿生补助生活费', '普通高中：实施国家助学金政策，对建档立卡等家庭经济困难学生免除学杂费', '中等职业教育：实施免学费和国家助学金政策', '高等教育：提供生源地信用助学贷款，帮助家庭经济困难学生解决学费和住宿费']), p('学生资助工作坚持公平、公正、公开原则，学生可向就读学校提出申请，学校按规定程序组织认定、评审和公示后发放资助资金。各学校要严格落实资助政策，做到应助尽助，严禁截留、挤占、挪用资助资金，确保资助资金及时足额发放到受助学生手中。'), p(`如有疑问，可拨打学生资助热线：${tel}。对资助工作中的违规行为，可向${ds}举报。`), sign(dsf, pub)]),
      () => ({ ...nd(cc, `${c.U}今年新增中小学学位${int(c.r, 12, 98) * 100}个`, { lead: `今年以来，${c.U}加快推进中小学校新建改扩建工程，一批新建学校陆续投入使用，有效缓解了城区学校“大班额”和学位紧张问题。`, meet: false, spk: `${ds}负责人${person(c)}` }, dsf), t }),
      () => d(`${U}${yr}年学前教育普惠性资助资金分配结果公示`, [p(`根据学前教育资助资金管理有关规定，经幼儿园申报、审核，现将${yr}年学前教育普惠性资助资金分配结果予以公示。`), table(['序号', '幼儿园名称', '资助人数', '资助金额（元）'], schools.filter((s) => s.endsWith('幼儿园')).concat([`${pick(c.r, TOWNS)}中心幼儿园`]).map((s, i) => { const k = int(c.r, 12, 96); return [i + 1, s, k, k * 750]; })), p(`公示时间为${cn(pub)}至${cn(addDays(pub, 7))}。公示期间，如有异议，请向${ds}反映。本次资助资金按照每生每学期750元的标准发放，资金将于公示结束后拨付至各幼儿园，由幼儿园按规定落实到受助幼儿。各幼儿园要建立健全资助档案，做好资金使用公开，主动接受家长和社会监督。`), p(`资助对象为在普惠性幼儿园就读的家庭经济困难幼儿、孤儿和残疾儿童，按照家长申请、幼儿园评审、公示、主管部门审核的程序确定。联系电话：${tel}。`), p(`${ds}将加强对资助资金使用情况的监督检查，对虚报冒领、截留挪用资助资金的，依法依规严肃处理。`), sign(dsf, pub)]),
      () => d(`关于公布${U}${yr}年中小学校责任督学名单的公告`, [p(`为深入推进中小学校责任督学挂牌督导工作，经研究，现将${U}${yr}年中小学校责任督学名单予以公布，接受社会监督。`), table(['序号', '责任督学', '挂牌督导学校', '联系电话'], schools.slice(0, 5).map((s, i) => [i + 1, person(c), s, phone(c)])), p('责任督学主要负责对学校依法办学、规范管理、教育教学、校园安全、“双减”落实等情况进行经常性督导，发现问题及时督促学校整改。责任督学每月到校督导不少于一次，督导结果作为学校年度考核的重要参考。'), p('学生、家长和社会各界可通过上述电话向责任督学反映学校办学中存在的问题，提出意见建议。各学校要在校门口显著位置悬挂责任督学公示牌，公布责任督学姓名、联系方式和督导事项。'), p(`本次公布的责任督学由${ds}聘任，聘期三年。聘期内责任督学如有调整，将另行公布。`), sign(dsf, pub)]),
    ]);
  },
  '/zwgk/zdly/sthj/': (c) => {
    const t = topic('生态环境保护督察整改'), cc: Ctx = { ...c, t }, { yr } = c, U = c.lv === 'department' ? c.L.place : c.U, [dsf, ds] = dsn(cc), tel = phone(c), pub = c.pub;
    const stem = (c.lv === 'department' ? c.L.place : U).slice(0, -1), pm = c.pub.m === 1 ? 12 : c.pub.m - 1, q = Math.max(1, Math.ceil(c.pub.m / 3) - 1);
    const d = (title: string, body: string[]): Draft => ({ title, source: dsf, t, body });
    return run(c, [
      () => d(`${U}${pm === 12 ? yr - 1 : yr}年${pm}月环境空气质量状况`, [p(`根据环境空气质量自动监测数据，现将${U}${pm}月环境空气质量状况公布如下。`), table(['监测点位', '优良天数比例（%）', 'PM2.5浓度（微克/立方米）', '综合指数'], ['城区监测站', '经济开发区监测站', '东城监测站', '西郊监测站'].map((s) => [s, (78 + c.r() * 20).toFixed(1), int(c.r, 18, 42), (2.8 + c.r() * 1.4).toFixed(2)])), p(`${pm}月，${U}环境空气质量总体保持稳定，首要污染物主要为细颗粒物和臭氧。与上年同期相比，优良天数比例有所提高，细颗粒物平均浓度同比下降。`), p('下一步，将持续加强扬尘、机动车尾气和工业废气污染治理，强化重污染天气应对，推动空气质量持续改善。'), p('说明：综合指数越小，表示环境空气质量越好。优良天数比例指空气质量指数在0至100之间的天数占有效监测天数的百分比，监测数据为实时监测结果，未经审核，仅供参考。'), p('公众可通过本网站“重点领域信息公开”栏目查询历史空气质量状况。遇重污染天气时，请减少户外活动，儿童、老年人和患有心脏病、肺病等疾病的人群应当留在室内。'), sign(dsf, pub)]),
      () => d(`${U}生态环境保护督察整改工作进展情况`, [p(`按照生态环境保护督察整改工作要求，现将${U}督察反馈问题整改进展情况公开如下，接受社会监督。`), table(['序号', '问题概述', '整改措施', '整改进展'], take(c.r, ['部分乡镇生活污水收集处理设施运行不正常', '个别企业扬尘污染防治措施落实不到位', '部分河段存在生活垃圾乱堆乱放问题', '畜禽养殖废弃物资源化利用水平不高'], 3).map((x, i) => [i + 1, x, '建立问题清单，明确责任单位和整改时限', i === 2 ? '整改中，序时推进' : '已完成整改'])), p(`截至目前，${S(c)}${fill(cc, t.prog)}。对已完成整改的问题，组织开展“回头看”，确保整改成效经得起检验。`), p(`下一步，将坚持问题导向，对整改进度滞后的问题加强调度督办，坚决防止问题反弹回潮，以督察整改实际成效推动生态环境质量持续改善。欢迎社会各界对整改工作进行监督，监督电话：${tel}。`), sign(dsf, pub)]),
      () => { const co = `${stem}${pick(c.r, ['恒达', '瑞丰', '嘉禾', '鑫源'])}${pick(c.r, ['新材料', '建材', '食品', '环保科技'])}有限公司`, prj = pick(c.r, [`年产${int(c.r, 2, 20)}万吨新型建材项目`, '污水处理站提标改造项目', '农产品精深加工项目']);
        return d(`关于${prj}环境影响报告表受理情况的公示`, [p(`根据《中华人民共和国环境影响评价法》和建设项目环境影响评价审批程序有关规定，${ds}对以下建设项目环境影响报告表予以受理。为保障公众环境保护知情权、参与权和监督权，现将有关信息公示如下：`), table(['项目名称', '建设单位', '建设地点', '受理日期'], [[prj, co, `${U}${pick(c.r, ['经济开发区', '工业集中区', '产业园区'])}`, cn(addDays(pub, -1))]]), p(`公示期为${cn(pub)}至${cn(addDays(pub, 10))}。公众可通过信函、电话等方式，在公示期间向${ds}反映与建设项目环境影响有关的意见和建议，${ds}将依法依规认真研究处理。联系电话：${tel}。`), p('项目拟采取的主要环境保护措施包括：废气经收集处理后达标排放，生产废水经预处理后排入园区污水处理厂，噪声源采取减振、隔声等措施，固体废物分类收集、规范处置。公众可在工作日到受理窗口查阅环境影响报告表全本。'), sign(dsf, pub)]); },
      () => d(`${U}${yr}年第${CN_NUM[q - 1] ?? '一'}季度地表水环境质量状况`, [p(`根据地表水环境质量监测结果，现将${U}${yr}年第${CN_NUM[q - 1] ?? '一'}季度地表水环境质量状况公布如下。`), table(['断面名称', '所在河流', '水质类别', '目标类别', '是否达标'], [['东溪桥', '东溪河'], ['柳河口', '柳河'], ['南川大桥', '南川河']].map((row) => [...row, pick(c.r, ['Ⅱ类', 'Ⅲ类']), 'Ⅲ类', '达标'])), p(`本季度，${U}地表水考核断面水质总体为优，所有断面均达到水质目标要求，集中式饮用水水源地水质达标率为100%。与上年同期相比，水质优良断面比例保持稳定，部分断面主要污染物浓度有所下降。`), p('下一步，将持续推进河湖长制，加强入河排污口排查整治和农业面源污染防治，加大水环境执法监管力度，巩固提升水环境质量。'), p('说明：地表水环境质量按照国家地表水环境质量标准进行评价，Ⅰ至Ⅲ类水质为优良。水质类别以监测时段内各项指标的平均浓度评价确定，监测项目包括溶解氧、高锰酸盐指数、氨氮、总磷等指标。'), sign(dsf, pub)]),
      () => ({ ...nd(cc, `${c.U}推进生态环境保护督察整改见实效`, { lead: `今年以来，${c.U}把生态环境保护督察整改作为重大政治任务，坚持边督边改、立行立改，推动一批群众身边的突出生态环境问题得到解决。`, meet: false, spk: `${ds}负责人${person(c)}` }, dsf), t }),
    ]);
  },
  '/zwgk/zdly/xczx/': (c) => {
    const t = c.r() < 0.7 ? topic('乡村振兴') : topic('高标准农田建设'), cc: Ctx = { ...c, t }, { yr } = c, U = c.lv === 'department' ? c.L.place : c.U, [dsf, ds] = dsn(cc), tel = phone(c), pub = c.pub;
    const v0 = pick(c.r, VILLAGES), vil = (c.lv === 'city' || c.lv === 'county' ? pick(c.r, TOWNS) : '') + v0, n = person(c);
    const season = ['隆冬', '隆冬', '早春', '春', '初夏', '初夏', '盛夏', '盛夏', '金秋', '金秋', '初冬', '初冬'][c.pub.m - 1] ?? '金秋';
    const prjs = (kind: string[]): string[][] => take(c.r, VILLAGES, 4).map((v, i) => [String(i + 1), `${v}${kind[i % kind.length] ?? ''}`, v, money(20 + c.r() * 180)]);
    return run(c, [
      () => ({ title: `${U}${yr}年衔接推进乡村振兴补助资金项目计划公示`, source: dsf, t, body: [p(`根据财政衔接推进乡村振兴补助资金管理有关规定，经村级申报、乡镇审核、部门论证，现将${U}${yr}年衔接推进乡村振兴补助资金项目计划予以公示。`), table(['序号', '项目名称', '实施地点', '资金规模（万元）'], prjs(['特色种植基地建设项目', '产业路硬化项目', '农产品冷链仓储项目', '小型农田水利设施项目'])), p(`公示期为${cn(pub)}至${cn(addDays(pub, 10))}。公示期间，如有异议，请向${ds}反映。项目实施将严格执行联农带农机制，优先吸纳脱贫人口和监测对象务工。项目建成后形成的资产将及时确权登记，明确管护主体和管护责任，确保项目长期稳定发挥效益。监督电话：${tel}。`), p(`本批次项目重点支持产业发展、农村基础设施和公共服务等领域，其中产业发展类项目资金占比不低于${int(c.r, 55, 65)}%。项目实施过程中，将严格落实项目公告公示制度，在项目所在村醒目位置公示项目名称、建设内容、资金规模、实施期限和联农带农机制等信息，主动接受群众监督。`), sign(dsf, pub)] }),
      () => ({ ...nd(cc, `${c.U}扎实做好防止返贫致贫监测帮扶工作`, { lead: `今年以来，${c.U}坚持把防止返贫致贫监测帮扶作为守牢底线任务的关键举措，健全早发现、早干预、早帮扶机制，对监测对象做到应纳尽纳、应帮尽帮。`, meet: false, spk: `${ds}负责人${n}` }, dsf), t }),
      () => ({ ...nd(cc, `${vil}：${pick(c.r, ['特色产业铺就乡村振兴路', '小庭院激活大产业', '“土特产”做成富民大产业', '和美乡村建设绘新景'])}`, { lead: `${season}时节，走进${vil}，平整的道路、整洁的院落、成片的产业基地映入眼帘。近年来，${vil}立足资源禀赋，发展特色产业，走出了一条产业兴、百姓富、乡村美的发展路子。`, meet: false, spk: `${vil}党组织书记${n}`, subj: v0, scope: v0.endsWith('社区') ? '全社区' : '全村' }, dsf), t }),
      () => ({ title: `${U}${yr}年高标准农田建设项目竣工验收公示`, source: dsn(c, topic('高标准农田建设'))[0], t: topic('高标准农田建设'), body: [p(`按照高标准农田建设项目管理有关规定，${U}组织对${yr}年高标准农田建设项目进行了竣工验收，现将验收结果予以公示。验收组通过查阅资料、实地抽查、现场测量等方式，对项目建设任务完成情况、工程质量、资金使用和管护责任落实等进行了全面检查。`), table(['序号', '项目名称', '项目区', '总投资（万元）'], prjs(['高标准农田建设项目'])), p('经验收，项目均按批复内容完成建设任务，工程质量合格，资金使用规范，田、土、水、路、林、电、技、管等建设内容全部完成，同意通过竣工验收。项目建成后，项目区灌排条件明显改善，田间道路更加通达，农业机械化作业水平进一步提高。下一步，将督促项目所在地落实建后管护责任，确保工程长久发挥效益。'), p(`公示期为${cn(pub)}至${cn(addDays(pub, 7))}，如有异议，请在公示期内反映。联系电话：${tel}。`), sign(dsn(c, topic('高标准农田建设'))[0], pub)] }),
      () => ({ ...nd(cc, `${c.U}开展${yr}年农村人居环境整治提升行动`, { lead: `${md(c)}，${c.U}启动${yr}年农村人居环境整治提升行动，聚焦农村厕所革命、生活污水和垃圾治理、村容村貌提升等重点任务，集中开展村庄清洁行动。`, meet: false, spk: `${ds}负责人${n}` }, dsf), t }),
    ]);
  },
  '/zwgk/yjgl/': (c) => {
    const flood = c.pub.m >= 5 && c.pub.m <= 9, t = topic(c.v % 5 === 4 ? '安全生产' : flood ? '防汛抗旱' : '秋冬季森林防火'), cc: Ctx = { ...c, t }, { yr, L } = c, U = c.lv === 'department' ? c.L.place : c.U, [dsf, ds] = dsn(cc), n = person(c);
    const drill = flood ? pick(c.r, ['防汛抢险', '山洪灾害避险转移', '地质灾害避险转移']) : pick(c.r, ['森林火灾扑救', '危险化学品泄漏事故', '地震应急疏散']);
    return run(c, [
      () => ({ ...nd(cc, `${c.U}安排部署${flood ? '主汛期防汛抗旱' : '秋冬季森林防火'}工作`, { lead: `${md(c)}，${c.U}召开专题会议，安排部署${flood ? '主汛期防汛抗旱' : '秋冬季森林防火'}工作。${L.dep}${n}出席会议并讲话。`, meet: true, spk: n }), t }),
      () => ({ ...nd(cc, `${c.U}开展${yr}年${drill}综合应急演练`, { lead: `${md(c)}，${c.U}在${c.lv === 'township' ? pick(c.r, VILLAGES) : pick(c.r, TOWNS)}开展${yr}年${drill}综合应急演练，${int(c.r, 8, 30) * 10}余名应急救援人员参加演练。`, meet: false, spk: `${ds}负责人${n}` }, dsf), t }),
      () => ({ title: `${U}${flood ? '防汛抗旱' : '森林火灾'}应急预案（${yr}年修订）`, source: dsf, t, body: [p(`为${t.goal}，依据有关法律法规和上级应急预案，结合${U}实际，修订本预案。`), h3('一、适用范围'), p(`本预案适用于${U}行政区域内${flood ? '水旱灾害' : '森林火灾'}的预防和应急处置工作。`), h3('二、组织体系'), p(`${U}成立${flood ? '防汛抗旱' : '森林防灭火'}指挥部，负责组织、协调、指导${S(c)}${flood ? '防汛抗旱' : '森林防灭火'}工作，指挥部办公室设在${ds}。`), h3('三、预警和应急响应'), ul(['按照灾害严重程度和影响范围，应急响应分为四级，Ⅰ级为最高级别', '预警信息通过广播、电视、短信、政务新媒体等渠道及时发布', '各级各部门接到预警后，按照职责立即启动相应应急响应']), h3('四、应急保障'), p(t.ms.slice(2).join('；') + `。各有关部门要按照职责分工，做好应急队伍、物资装备、通信、交通运输、医疗卫生等保障工作，定期组织开展应急演练，不断提高应急处置能力。`), sign(dsf, c.pub)] }),
      () => ({ title: `关于做好${holiday(c)}期间安全防范工作的提示`, source: dsf, t: topic('安全生产'), body: [p(`${holiday(c)}即将来临，节日期间人员出行、聚集活动增多，各类安全风险交织叠加。为保障广大群众度过一个安全祥和的节日，${ds}提醒如下：`), ul(['出行安全：出行前关注天气预报和路况信息，不酒后驾驶、不疲劳驾驶、不超速超载', '用火用电安全：不私拉乱接电线，不在楼道内为电动自行车充电，外出时关闭电源和燃气阀门', '户外活动安全：不到未开发开放区域游玩，不在野外违规用火', '食品安全：不采食野生菌，聚餐时注意饮食卫生', '居家安全：使用燃气热水器和取暖设备时保持室内通风，谨防一氧化碳中毒']), p('各生产经营单位要严格落实节日期间值班值守和领导带班制度，加强隐患排查，确保安全生产形势稳定。'), p('各地各部门要加强节日期间安全风险研判，强化对人员密集场所、旅游景区、交通枢纽等重点部位的安全检查，严防各类事故发生。'), p(`如遇紧急情况，请拨打119、120、110求助；安全生产举报电话：${phone(c)}。`), sign(dsf, c.pub)] }),
      () => ({ ...nd(cc, `${c.U}召开安全生产和防灾减灾工作会议`, { lead: `${md(c)}，${c.U}召开安全生产和防灾减灾工作会议，分析研判当前安全形势，安排部署下一阶段重点工作。${L.boss}${n}出席会议并讲话。`, meet: true, spk: n }), t }),
    ]);
  },
};

// ---------------------------------------------------------------- allocation & assembly
function allocate(cols: readonly string[], count: number): Map<string, number> {
  const out = new Map(cols.map((col) => [col, 0]));
  let rest = count;
  if (count >= cols.length) { for (const col of cols) out.set(col, 1); rest -= cols.length; }
  const w = cols.map((col) => WEIGHT[col] ?? 1), tw = w.reduce((a, b) => a + b, 0);
  const share = cols.map((col, i) => ({ col, i, q: (rest * (w[i] ?? 1)) / tw }));
  let used = 0;
  for (const s of share) { const f = Math.floor(s.q); out.set(s.col, (out.get(s.col) ?? 0) + f); used += f; }
  for (const s of [...share].sort((a, b) => (b.q % 1) - (a.q % 1) || a.i - b.i).slice(0, rest - used)) out.set(s.col, (out.get(s.col) ?? 0) + 1);
  // 要闻 and 通知公告 must stay strictly ahead of every other column.
  const get = (col: string): number => out.get(col) ?? 0, floor = count >= cols.length ? 1 : 0, y = '/xwdt/yw/', g = '/xwdt/tzgg/';
  for (let guard = 0; guard < 200; guard++) {
    const lo = Math.min(get(y), get(g)), victim = cols.find((col) => col !== y && col !== g && get(col) >= lo && get(col) > floor);
    if (!victim) break;
    out.set(victim, get(victim) - 1);
    const to = get(y) <= get(g) ? y : g;
    out.set(to, get(to) + 1);
  }
  return out;
}
function summarize(body: readonly string[]): string {
  const text = body.filter((x) => x.startsWith('<p>')).map((x) => x.replace(/<[^>]+>/g, '').replace(/^各[^。]*?：/, '')).map((x) => (x.endsWith('：') ? x.slice(0, x.lastIndexOf('。') + 1) : x)).find((x) => x.length > 24) ?? '';
  let s = '';
  for (const sent of text.split(/(?<=。)/)) { if (s.length >= 40 || s.length + sent.length > 120) break; s += sent; }
  return s || text.slice(0, 100);
}

export function demoArticles(unit: DemoUnit, count: number): DemoArticle[] {
  const u: DemoUnit = { ...unit, unitName: clean(unit.unitName), shortName: clean(unit.shortName), docPrefix: clean(unit.docPrefix) };
  const r = mulberry32(Math.imul((u.seed | 0) ^ 0x5bd1e995, 2654435761) ^ 0x9e3779b9);
  const n = Math.max(0, Math.floor(count)), L = levelInfo(u);
  const cols = u.level === 'township' ? TOWNSHIP_COLUMNS : DEMO_COLUMN_PATHS.filter((col) => col !== '/xwdt/xzdt/' || u.level === 'city' || u.level === 'county');
  const alloc = allocate(cols, n), order = [...GEN_ORDER.filter((x) => cols.includes(x)), ...cols.filter((x) => !GEN_ORDER.includes(x))];
  const matching = u.level === 'department' ? TOPICS.filter((t) => t.core.split('|').some((k) => u.unitName.includes(k))) : [];
  let deck: Topic[] = [];
  const draw0 = (): Topic => { if (matching.length > 0 && r() < 0.75) return pick(r, matching); if (deck.length === 0) deck = shuffle(r, TOPICS); return deck.pop() ?? pick(r, TOPICS); };
  /** Keep 防汛抗旱 in flood season (May–Sep) and 秋冬季森林防火 outside it. */
  const draw = (pub: Ymd): Topic => { const t = draw0(), flood = pub.m >= 5 && pub.m <= 9; return t.k === '防汛抗旱' && !flood ? topic('秋冬季森林防火') : t.k === '秋冬季森林防火' && flood ? topic('防汛抗旱') : t; };
  const titles = new Set<string>(), names = new Set<string>(), docNos = new Set<number>(), pool: PolicyRef[] = [], out: DemoArticle[] = [];
  for (const col of order) {
    const gen = G[col], k = alloc.get(col) ?? 0;
    if (!gen) continue;
    const news = col.startsWith('/xwdt/') && col !== '/xwdt/tzgg/';
    const variants = shuffle(r, Array.from({ length: 12 }, (_, i) => i));
    for (let i = 0; i < k; i++) {
      let daysAgo = news ? int(r, 0, 60) : col === '/xwdt/tzgg/' ? int(r, 0, 90) : int(r, 1, 180);
      const pub = addDays(NOW, -daysAgo), wr = addDays(pub, -int(r, 1, 10));
      let d: Draft | null = null, last: Draft | null = null, t = draw(pub);
      for (let a = 0; a < 40; a++) {
        const c: Ctx = { r, lv: u.level, name: u.unitName, U: u.shortName, P: u.level === 'department' ? L.place : u.shortName, L, t, v: (variants[i % variants.length] ?? 0) + a, pub, wr, yr: pub.y, scale: L.scale, names, pool };
        const cand = gen(c);
        if (cand && cand.title.length >= 12 && cand.title.length <= 36) last = cand;
        if (cand && !titles.has(cand.title) && cand.title.length >= 12 && cand.title.length <= 40) { d = cand; break; }
        if (a % 3 === 2) t = draw(pub);
      }
      if (!d && last) { const base = last.title; let j = 2; while (titles.has(`${base}（${CN_NUM[j - 1] ?? j}）`)) j += 1; d = { ...last, title: `${base}（${CN_NUM[j - 1] ?? j}）` }; }
      if (!d) continue;
      titles.add(d.title);
      if (d.daysAgo !== undefined) daysAgo = Math.min(180, d.daysAgo);
      const tp = d.t ?? t;
      let docNo: string | null = null;
      if (d.doc) {
        const doy = Math.floor((wr.m - 1) * 30.5) + wr.d;
        let num = Math.max(1, Math.round((doy / 366) * 90)) + int(r, 0, 3);
        while (docNos.has(num)) num += 1;
        docNos.add(num);
        docNo = `${u.docPrefix}〔${wr.y}〕${num}号`;
        if (d.docName && col.startsWith('/zwgk/zcwj/')) pool.push({ docName: d.docName, docNo, t: tp, daysAgo });
      }
      const meta = COLUMN_META[col], kws = take(r, meta?.kw ?? tp.kw, int(r, 2, 3)).join('、');
      out.push({
        columnPath: col, title: d.title, summary: d.summary ?? (d.docName ? `${u.unitName}${d.title.includes('印发') ? '印发' : '发布'}《${d.docName}》，旨在${tp.goal}。` : summarize(d.body)), bodyHtml: d.body.join('\n'), source: d.source,
        author: d.author && r() < 0.8 ? nameOf(r, names) : null, documentNumber: docNo, issuingOrgan: docNo ? u.unitName : null,
        dateWritten: docNo ? iso(wr) : null, topicCategory: d.cat ?? meta?.cat ?? tp.cat, validity: docNo ? (r() < 0.08 ? 'repealed' : 'valid') : null,
        keywords: kws, daysAgo, hour: int(r, 8, 18), minute: int(r, 0, 59),
      });
    }
  }
  const rank = (a: DemoArticle): number => a.daysAgo * 1440 - a.hour * 60 - a.minute;
  return out.sort((a, b) => rank(a) - rank(b));
}
