/**
 * The editor's toolbar (工具栏): real <button type="button"> elements with Chinese labels, in one
 * WAI-ARIA toolbar. Keyboard: Tab reaches the toolbar once (a roving tabindex), ←/→/Home/End move
 * between buttons, Enter or Space presses one, Escape goes back to the text; Alt+F10 in the text
 * comes to the toolbar (the shortcut of TinyMCE and CKEditor). Toggles carry aria-pressed; buttons
 * that cannot act where the cursor is (table tools outside a table, undo with nothing to undo)
 * are disabled and skipped.
 */
import type { Editor } from '@tiptap/core';

/** What a tool can reach when it runs. */
export interface ToolContext {
  editor: Editor;
  /** Ask for a link, an image or an attachment (editor.ts implements these). */
  link(): void;
  image(): void;
  attachment(): void;
}

export interface Tool {
  id: string;
  /** The visible label and the accessible name. */
  label: string;
  /** Longer help (with the shortcut), shown as a tooltip. */
  title?: string;
  group: string;
  run(context: ToolContext): void;
  /** Toggles only: whether the selection has it (aria-pressed). */
  active?(editor: Editor): boolean;
  /** Whether it can act here; disabled when not. */
  enabled?(editor: Editor): boolean;
  /** Shown only when the page allows uploads. */
  needsUpload?: boolean;
}

const chain = (editor: Editor) => editor.chain().focus();
const inTable = (editor: Editor) => editor.isActive('table');

export const TOOLS: readonly Tool[] = [
  { id: 'paragraph', label: '正文', title: '正文段落', group: 'block', run: ({ editor }) => chain(editor).setParagraph().run(), active: (e) => e.isActive('paragraph') },
  ...([2, 3, 4] as const).map((level): Tool => ({
    id: `h${level}`, label: `标题${level}`, title: `标题${level} (Ctrl+Alt+${level})`, group: 'block',
    run: ({ editor }) => chain(editor).toggleHeading({ level }).run(), active: (e) => e.isActive('heading', { level }),
  })),
  { id: 'bold', label: '加粗', title: '加粗 (Ctrl+B)', group: 'mark', run: ({ editor }) => chain(editor).toggleBold().run(), active: (e) => e.isActive('bold') },
  { id: 'italic', label: '倾斜', title: '倾斜 (Ctrl+I)', group: 'mark', run: ({ editor }) => chain(editor).toggleItalic().run(), active: (e) => e.isActive('italic') },
  { id: 'underline', label: '下划线', title: '下划线 (Ctrl+U)', group: 'mark', run: ({ editor }) => chain(editor).toggleUnderline().run(), active: (e) => e.isActive('underline') },
  { id: 'strike', label: '删除线', title: '删除线 (Ctrl+Shift+S)', group: 'mark', run: ({ editor }) => chain(editor).toggleStrike().run(), active: (e) => e.isActive('strike') },
  { id: 'superscript', label: '上标', title: '上标 (Ctrl+.)', group: 'mark', run: ({ editor }) => chain(editor).toggleSuperscript().run(), active: (e) => e.isActive('superscript') },
  { id: 'subscript', label: '下标', title: '下标 (Ctrl+,)', group: 'mark', run: ({ editor }) => chain(editor).toggleSubscript().run(), active: (e) => e.isActive('subscript') },
  { id: 'orderedList', label: '有序列表', title: '有序列表 (Ctrl+Shift+7)', group: 'list', run: ({ editor }) => chain(editor).toggleOrderedList().run(), active: (e) => e.isActive('orderedList') },
  { id: 'bulletList', label: '无序列表', title: '无序列表 (Ctrl+Shift+8)', group: 'list', run: ({ editor }) => chain(editor).toggleBulletList().run(), active: (e) => e.isActive('bulletList') },
  { id: 'blockquote', label: '引用', title: '引用 (Ctrl+Shift+B)', group: 'list', run: ({ editor }) => chain(editor).toggleBlockquote().run(), active: (e) => e.isActive('blockquote') },
  { id: 'link', label: '链接', title: '插入或修改链接 (留空则取消链接)', group: 'insert', run: (c) => c.link(), active: (e) => e.isActive('link') },
  { id: 'image', label: '图片', title: '插入图片', group: 'insert', run: (c) => c.image() },
  { id: 'attachment', label: '附件', title: '上传附件并插入下载链接', group: 'insert', run: (c) => c.attachment(), needsUpload: true },
  {
    id: 'table', label: '插入表格', title: '插入3行3列的表格 (首行为表头)', group: 'table',
    run: ({ editor }) => chain(editor).insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
    enabled: (e) => !inTable(e) && e.can().insertTable({ rows: 3, cols: 3, withHeaderRow: true }),
  },
  { id: 'addRow', label: '加行', title: '在下方插入一行', group: 'table', run: ({ editor }) => chain(editor).addRowAfter().run(), enabled: (e) => inTable(e) && e.can().addRowAfter() },
  { id: 'addColumn', label: '加列', title: '在右侧插入一列', group: 'table', run: ({ editor }) => chain(editor).addColumnAfter().run(), enabled: (e) => inTable(e) && e.can().addColumnAfter() },
  { id: 'deleteRow', label: '删行', title: '删除所在行', group: 'table', run: ({ editor }) => chain(editor).deleteRow().run(), enabled: (e) => inTable(e) && e.can().deleteRow() },
  { id: 'deleteColumn', label: '删列', title: '删除所在列', group: 'table', run: ({ editor }) => chain(editor).deleteColumn().run(), enabled: (e) => inTable(e) && e.can().deleteColumn() },
  { id: 'mergeCells', label: '合并/拆分', title: '合并选中的单元格，或拆分合并过的单元格', group: 'table', run: ({ editor }) => chain(editor).mergeOrSplit().run(), enabled: (e) => inTable(e) && e.can().mergeOrSplit() },
  { id: 'headerRow', label: '表头行', title: '首行设为或取消表头', group: 'table', run: ({ editor }) => chain(editor).toggleHeaderRow().run(), enabled: (e) => inTable(e) && e.can().toggleHeaderRow() },
  { id: 'deleteTable', label: '删除表格', group: 'table', run: ({ editor }) => chain(editor).deleteTable().run(), enabled: (e) => inTable(e) && e.can().deleteTable() },
  { id: 'clear', label: '清除格式', title: '清除所选文字的格式', group: 'history', run: ({ editor }) => chain(editor).unsetAllMarks().clearNodes().run() },
  { id: 'undo', label: '撤销', title: '撤销 (Ctrl+Z)', group: 'history', run: ({ editor }) => chain(editor).undo().run(), enabled: (e) => e.can().undo() },
  { id: 'redo', label: '重做', title: '重做 (Ctrl+Shift+Z)', group: 'history', run: ({ editor }) => chain(editor).redo().run(), enabled: (e) => e.can().redo() },
];

/** Build the toolbar for one editor; returns it and a function that refreshes its pressed/disabled states. */
export function createToolbar(context: ToolContext, options: { label: string; controls: string; uploads: boolean }): { element: HTMLElement; refresh(): void } {
  const element = document.createElement('div');
  element.className = 'zq-editor-toolbar';
  element.setAttribute('role', 'toolbar');
  element.setAttribute('aria-label', options.label);
  element.setAttribute('aria-controls', options.controls);
  const buttons: { tool: Tool; button: HTMLButtonElement }[] = [];
  let group: HTMLElement | undefined;
  for (const tool of TOOLS) {
    if (tool.needsUpload && !options.uploads) continue;
    if (!group || group.dataset.group !== tool.group) {
      group = document.createElement('div');
      group.className = 'zq-editor-group';
      group.dataset.group = tool.group;
      element.append(group);
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'zq-editor-button';
    button.dataset.tool = tool.id;
    button.textContent = tool.label;
    button.setAttribute('aria-label', tool.label);
    if (tool.title) button.title = tool.title;
    button.tabIndex = -1;
    // Keep the text's selection while the mouse is down; the command refocuses the text itself.
    button.addEventListener('mousedown', (event) => event.preventDefault());
    button.addEventListener('click', () => {
      makeCurrent(button); // the last button used is the toolbar's tab stop
      tool.run(context);
      refresh();
    });
    group.append(button);
    buttons.push({ tool, button });
  }

  const usable = () => buttons.map((b) => b.button).filter((b) => !b.disabled);
  const current = () => buttons.find((b) => b.button.tabIndex === 0)?.button;
  const makeCurrent = (button: HTMLButtonElement | undefined) => {
    for (const b of buttons) b.button.tabIndex = b.button === button ? 0 : -1;
  };

  element.addEventListener('keydown', (event) => {
    const list = usable();
    const at = list.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: list.length - 1 }[event.key];
    if (to !== undefined) {
      event.preventDefault();
      const next = list[(to + list.length) % list.length];
      makeCurrent(next);
      next?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      context.editor.commands.focus();
    }
  });
  element.addEventListener('focusin', (event) => {
    if (event.target instanceof HTMLButtonElement && !event.target.disabled) makeCurrent(event.target);
  });

  function refresh(): void {
    const { editor } = context;
    for (const { tool, button } of buttons) {
      if (tool.active) button.setAttribute('aria-pressed', String(tool.active(editor)));
      button.disabled = !editor.isEditable || (tool.enabled ? !tool.enabled(editor) : false);
    }
    const now = current();
    if (!now || now.disabled) makeCurrent(usable()[0]);
  }

  refresh();
  return { element, refresh };
}

/** Focus the toolbar's current button (Alt+F10 from the text). */
export function focusToolbar(toolbar: HTMLElement): void {
  toolbar.querySelector<HTMLButtonElement>('button[tabindex="0"]')?.focus();
}
