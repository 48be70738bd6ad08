/**
 * The legacy commands' import runs (issue 7): an import interrupted by Ctrl-C or SIGTERM marks its
 * run interrupted before the process exits, so the next run resumes it at once; a second run of a
 * legacy site while one is alive is refused in Chinese and English; and the run states as shown.
 */
import { interruptActiveRuns } from '@zhanqun/legacy/import-run.service';
import { isCodedError } from '@zhanqun/core/errors';
import { formatZoned } from '@zhanqun/core/time';
import { RefusedError } from '../cli-support.js';

export const RUN_STATUS = { running: '进行中', finished: '已完成', interrupted: '已中断', rolled_back: '已回滚' } as const;

const at = (d: Date) => formatZoned(d, 'yyyy-MM-dd HH:mm:ss');

/**
 * Run an import so that Ctrl-C (or SIGTERM) leaves its run marked interrupted before the process
 * exits, and the next run resumes it at once; and say in Chinese and English why a second run of
 * the same legacy site is refused while one is alive.
 */
export async function interruptible<T>(work: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    void interruptActiveRuns(`${signal} from the operator`).then((ids) => {
      if (ids.length) console.error(`\n已中断 (interrupted)：导入批次 ${ids.join(', ')} 已标记为中断，再次运行同一命令即可续接 (run the same command again to resume)`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } catch (err) {
    return explainRunning(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Say in Chinese (and English) why a run's legacy site is busy; any other error as it is. */
export function explainRunning(err: unknown): never {
  if (isCodedError(err) && err.code === 'ZQ_LEGACY_RUN_RUNNING') {
    const d = (err as { details?: { runId: string; legacySite: string; lastSignOfLife: string; deadFrom: string } }).details!;
    throw new RefusedError(`旧网站 ${d.legacySite} 的导入批次 ${d.runId} 仍在进行（最近活动 ${at(new Date(d.lastSignOfLife))}），同一旧网站同时只能进行一个导入批次；` +
      `若其进程已不在，自 ${at(new Date(d.deadFrom))} 起视为中断，届时再次运行即可续接。\n${err.message}`);
  }
  throw err;
}

/** The line that says which interrupted run a run resumes. */
export function printResumes(resumes: string | null | undefined): void {
  if (resumes) console.log(`  续接已中断的批次 ${resumes}：其已写入的条目按内容计为未变或更新，不重复导入 (resumes interrupted run ${resumes})`);
}
