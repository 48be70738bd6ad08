/**
 * Request loggers made when first written to (issue 6, Speed). Fastify gives every request a
 * child of the app's logger with the request id and host bound; pino makes a child by copying
 * the logger and serialising its bindings, which on an uncached public page cost as much as the
 * page's ETag — for a logger that, at `warn`, almost never writes a line. This child answers the
 * level checks from its parent and makes the real pino child only when a line is to be written
 * (or its level, bindings or own children are asked for): the line is the same as before.
 *
 * A child with options of its own (a route's `logLevel`, serializers) is made at once: its level
 * is not its parent's, so the parent cannot answer for it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, Logger } from 'pino';

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

type LogMethod = (...args: unknown[]) => void;

/** Would this logger write at `level`? A logger that cannot say is asked by writing. */
const writes = (logger: FastifyBaseLogger, level: string) =>
  typeof (logger as Partial<Logger>).isLevelEnabled === 'function' ? (logger as Logger).isLevelEnabled(level) : true;

class LazyChild {
  #real: FastifyBaseLogger | null = null;
  constructor(private readonly parent: FastifyBaseLogger, private readonly bindingsNow: Bindings, private readonly options: ChildLoggerOptions) {}

  get real(): FastifyBaseLogger {
    return (this.#real ??= this.parent.child(this.bindingsNow, this.options) as FastifyBaseLogger);
  }

  get level(): LevelWithSilentOrString {
    return this.#real ? this.#real.level : this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.real.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return writes(this.#real ?? this.parent, level);
  }

  bindings(): Bindings {
    return (this.real as Logger).bindings();
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options) as FastifyBaseLogger;
  }

  silent(): void {}
}

interface LazyChild extends Record<Level, LogMethod> {}

for (const level of LEVELS) {
  Object.defineProperty(LazyChild.prototype, level, {
    value(this: LazyChild, ...args: unknown[]) {
      if (!this.isLevelEnabled(level)) return;
      (this.real[level] as LogMethod)(...args);
    },
  });
}

/** A child of `parent` with `bindings`, made only when it writes (see above). */
export function lazyChild(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (Object.keys(options).length > 0) return parent.child(bindings, options) as FastifyBaseLogger;
  return new LazyChild(parent, bindings, options) as unknown as FastifyBaseLogger;
}
