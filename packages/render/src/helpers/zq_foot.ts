// # zq_foot helper
// Usage: {{zq_foot}} before </body>. The engine's footer hook: nothing is required there yet;
// themes must include it so statistics and accessibility tools can be injected by the platform.
import Handlebars from 'handlebars';

export function zq_foot(): Handlebars.SafeString {
  return new Handlebars.SafeString('');
}
