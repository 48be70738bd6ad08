/**
 * robots.txt (RFC 9309) for the crawler: the group for our user agent, else `*`; the longest
 * matching rule wins and Allow wins a tie; `*` matches any characters and `$` ends a pattern.
 * The site's owner may set the crawl to ignore it for their own site (issue 7). Pure.
 */

interface Rule { allow: boolean; pattern: string; re: RegExp }

export interface Robots {
  isAllowed(pathAndQuery: string): boolean;
}

/** A rule's pattern as a regular expression: `*` any characters, a final `$` the end. */
const compile = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^{}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\$(?!$)/g, '\\$')}`);

/** Read a robots.txt for a user agent token (e.g. `zhanqun`). */
export function parseRobots(text: string, agent: string): Robots {
  const groups: { agents: string[]; rules: Rule[] }[] = [];
  let current: { agents: string[]; rules: Rule[] } | null = null;
  let lastWasAgent = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'user-agent') {
      if (!current || !lastWasAgent) groups.push((current = { agents: [], rules: [] }));
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current || (key !== 'allow' && key !== 'disallow')) continue;
    if (key === 'disallow' && !value) continue; // "Disallow:" allows everything
    current.rules.push({ allow: key === 'allow', pattern: value, re: compile(value) });
  }
  const mine = groups.filter((g) => g.agents.some((a) => a !== '*' && agent.toLowerCase().includes(a)));
  const rules = (mine.length ? mine : groups.filter((g) => g.agents.includes('*'))).flatMap((g) => g.rules);
  return {
    isAllowed(pathAndQuery: string): boolean {
      let best: Rule | null = null;
      for (const rule of rules) {
        if (!rule.re.test(pathAndQuery)) continue;
        if (!best || rule.pattern.length > best.pattern.length || (rule.pattern.length === best.pattern.length && rule.allow)) best = rule;
      }
      return best?.allow ?? true;
    },
  };
}

export const ALLOW_ALL: Robots = { isAllowed: () => true };
