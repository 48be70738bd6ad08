/**
 * A small inline form under the toolbar for a link's address or an image's address, alt text and
 * file: no window.prompt (blocked in some browsers, no alt text field, no file), no modal. It lives
 * inside the article's <form>, so Enter must apply the prompt rather than submit the article.
 */

export interface PromptField {
  name: string;
  label: string;
  type: 'text' | 'url' | 'file';
  value?: string;
  accept?: string;
  hint?: string;
}

/** Text fields give strings, a file field gives its File or null. */
export type PromptAnswer = Record<string, string | File | null>;

let counter = 0;

export class InlinePrompt {
  readonly element: HTMLElement;
  private settle: ((answer: PromptAnswer | null) => void) | undefined;

  constructor(private readonly idPrefix: string) {
    this.element = document.createElement('div');
    this.element.className = 'zq-editor-prompt';
    this.element.setAttribute('role', 'group');
    this.element.hidden = true;
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.close(null);
      } else if (event.key === 'Enter' && event.target instanceof HTMLInputElement) {
        event.preventDefault(); // not the article form's submit
        this.close(this.read());
      }
    });
  }

  /** Show the fields; resolves with the answers, or null when cancelled (or replaced by another prompt). */
  ask(title: string, fields: readonly PromptField[]): Promise<PromptAnswer | null> {
    this.close(null);
    this.element.replaceChildren();
    this.element.setAttribute('aria-label', title);
    const heading = document.createElement('p');
    heading.className = 'zq-editor-prompt-title';
    heading.textContent = title;
    this.element.append(heading);
    for (const field of fields) {
      const id = `${this.idPrefix}-${field.name}-${++counter}`;
      const wrap = document.createElement('div');
      wrap.className = 'zq-editor-prompt-field';
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = field.label;
      const input = document.createElement('input');
      input.id = id;
      input.name = `zq-editor-${field.name}`;
      input.type = field.type;
      input.dataset.field = field.name;
      // Not posted with the article: these inputs sit inside its form.
      input.setAttribute('form', '');
      if (field.type === 'file') {
        if (field.accept) input.accept = field.accept;
      } else {
        input.value = field.value ?? '';
        input.autocomplete = 'off';
      }
      wrap.append(label, input);
      if (field.hint) {
        const hint = document.createElement('p');
        hint.className = 'zq-editor-prompt-hint';
        hint.id = `${id}-hint`;
        hint.textContent = field.hint;
        input.setAttribute('aria-describedby', hint.id);
        wrap.append(hint);
      }
      this.element.append(wrap);
    }
    const actions = document.createElement('div');
    actions.className = 'zq-editor-prompt-actions';
    const ok = this.button('确定', 'zq-editor-ok', () => this.close(this.read()));
    const cancel = this.button('取消', 'zq-editor-cancel', () => this.close(null));
    actions.append(ok, cancel);
    this.element.append(actions);
    this.element.hidden = false;
    this.element.querySelector('input')?.focus();
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** Hide the prompt and answer the pending ask, if any. */
  close(answer: PromptAnswer | null): void {
    const settle = this.settle;
    this.settle = undefined;
    this.element.hidden = true;
    settle?.(answer);
  }

  private read(): PromptAnswer {
    const answer: PromptAnswer = {};
    for (const input of Array.from(this.element.querySelectorAll('input'))) {
      const name = input.dataset.field ?? input.name;
      answer[name] = input.type === 'file' ? input.files?.[0] ?? null : input.value.trim();
    }
    return answer;
  }

  private button(label: string, className: string, onClick: () => void): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = className;
    button.textContent = label;
    button.addEventListener('click', onClick);
    return button;
  }
}
