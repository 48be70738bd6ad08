/* The accessibility toolbar (无障碍) and elder mode (长辈模式) of every theme pack: the engine's,
 * served at /_assets/_zq/a11y.js and linked by {{zq_head}}; a pack brings only the toolbar's markup
 * (data-zq-* hooks, see themes/default/partials/topbar.hbs) and its look.
 *
 * Every mode is a class on <html> and is saved in localStorage (key zq-a11y); a11y-init.js puts
 * the saved classes back before first paint. Pages are cached per URL and the same for everyone,
 * so nothing here may depend on the server. No third-party code, no inline script or style
 * attributes (CSP); the page reads the same without this file, only the buttons are hidden.
 */
(function () {
  'use strict';
  var KEY = 'zq-a11y';
  var MAX_SIZE = 4;
  var SIZE_LABELS = ['100%', '112%', '125%', '137%', '150%'];
  var MODES = { contrast: 'zq-contrast', guide: 'zq-guide', elder: 'zq-elder' };
  var root = document.documentElement;
  var bar = document.getElementById('zq-a11y-bar');
  var toggle = document.getElementById('zq-a11y-toggle');
  if (!bar || !toggle) return;

  var has = function (name) { return root.classList.contains(name); };
  var setClass = function (name, on) { if (on) root.classList.add(name); else root.classList.remove(name); };
  var find = function (selector) { return document.querySelector(selector); };
  var all = function (selector, within) { return Array.prototype.slice.call((within || document).querySelectorAll(selector)); };

  function size() {
    for (var i = MAX_SIZE; i > 0; i--) if (has('zq-size-' + i)) return i;
    return 0;
  }
  function setSize(n) {
    for (var i = 1; i <= MAX_SIZE; i++) setClass('zq-size-' + i, i === n);
  }
  function state() {
    return { size: size(), contrast: has(MODES.contrast), guide: has(MODES.guide), elder: has(MODES.elder), bar: has('zq-bar-open') };
  }
  function applyState(s) {
    setSize(Math.min(MAX_SIZE, Math.max(0, Math.floor(Number(s.size)) || 0)));
    Object.keys(MODES).forEach(function (mode) { setClass(MODES[mode], s[mode] === true); });
    setClass('zq-bar-open', s.bar === true);
  }
  function save() {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state()));
    } catch (e) {
      // Private windows may refuse storage: the modes still hold until the reader leaves the page.
    }
  }

  // ---- 朗读: the browser's own speech synthesis, in Chinese; the selection, or else the main text.
  var synth = window.speechSynthesis;
  var canSpeak = Boolean(synth) && typeof window.SpeechSynthesisUtterance === 'function';
  var held = '';
  var runs = 0;
  var status = find('[data-zq-status]');

  function selectedText() {
    var selection = window.getSelection ? window.getSelection() : null;
    return selection ? String(selection).trim() : '';
  }
  function mainText() {
    var article = find('main .article');
    if (article) {
      return all('h1, .subtitle, .content', article).map(function (el) { return el.innerText; }).join('\n');
    }
    var main = document.getElementById('main');
    return (main || document.body).innerText;
  }
  /** Sentences joined up to ~160 characters: Chromium stops reading a very long utterance part-way. */
  function chunks(text) {
    var sentences = [];
    text.split(/\n+/).forEach(function (line) {
      var found = line.trim().match(/[^。！？!?；;]+[。！？!?；;]*/g) || [];
      found.forEach(function (s) {
        for (var i = 0; i < s.length; i += 160) sentences.push(s.slice(i, i + 160).trim());
      });
    });
    var out = [];
    sentences.filter(Boolean).forEach(function (s) {
      var last = out.length - 1;
      if (last >= 0 && out[last].length + s.length <= 160) out[last] += s;
      else out.push(s);
    });
    return out;
  }
  function voiceFor(lang) {
    var voices = synth.getVoices() || [];
    var norm = function (v) { return String(v.lang || '').replace('_', '-').toLowerCase(); };
    var want = lang.toLowerCase();
    var prefix = want.split('-')[0];
    return voices.filter(function (v) { return norm(v) === want; })[0]
      || (prefix === 'zh' ? voices.filter(function (v) { return /^(zh|cmn)-(hans-)?cn/.test(norm(v)); })[0] : null)
      || voices.filter(function (v) { return norm(v).split('-')[0] === prefix; })[0]
      || null;
  }
  function setSpeaking(on) {
    setClass('zq-speaking', on);
    if (status) status.textContent = on ? '正在朗读' : '';
    render();
  }
  function speak(text) {
    synth.cancel();
    var run = ++runs;
    var lang = /^en/i.test(root.lang) ? 'en-US' : 'zh-CN';
    var voice = voiceFor(lang);
    var parts = chunks(text);
    parts.forEach(function (part, i) {
      var utterance = new window.SpeechSynthesisUtterance(part);
      utterance.lang = lang;
      if (voice) utterance.voice = voice;
      utterance.rate = has(MODES.elder) ? 0.85 : 1;
      if (i === parts.length - 1) {
        utterance.onend = utterance.onerror = function () { if (run === runs) setSpeaking(false); };
      }
      synth.speak(utterance);
    });
    setSpeaking(parts.length > 0);
  }
  function stop() {
    runs++;
    if (canSpeak) synth.cancel();
    setSpeaking(false);
  }
  // Pressing the button can clear a selection before the click lands: keep what was selected.
  document.addEventListener('pointerdown', function (e) {
    if (e.target.closest && e.target.closest('[data-zq-action="speak"]')) held = selectedText();
  }, true);

  // ---- 阅读辅助线: a band that follows the pointer (and keyboard focus) across the page.
  var guide = document.createElement('div');
  guide.className = 'zq-reading-guide';
  guide.setAttribute('aria-hidden', 'true');
  document.body.appendChild(guide);
  var guideY = 0;
  var frame = 0;
  function moveGuide(y) {
    guideY = y;
    if (frame) return;
    // A CSSOM property, not a style attribute: the CSP (style-src 'self') allows it.
    frame = window.requestAnimationFrame(function () {
      frame = 0;
      guide.style.transform = 'translateY(' + Math.round(guideY) + 'px)';
    });
  }
  document.addEventListener('pointermove', function (e) { if (has(MODES.guide)) moveGuide(e.clientY); }, { passive: true });
  document.addEventListener('focusin', function (e) {
    if (!has(MODES.guide) || !e.target.getBoundingClientRect) return;
    var r = e.target.getBoundingClientRect();
    moveGuide(r.top + r.height / 2);
  });

  // ---- Wide tables in article bodies scroll inside their own box, a focusable region while they scroll.
  var boxes = all('main .article .content table').map(function (table, i) {
    var box = document.createElement('div');
    box.className = 'table-scroll';
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    var caption = table.caption ? table.caption.textContent.trim() : '';
    box.setAttribute('data-zq-label', (caption || '表格' + (i + 1)) + '（可左右滚动）');
    return box;
  });
  function markScrollable() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute('role', 'region');
        box.setAttribute('tabindex', '0');
        box.setAttribute('aria-label', box.getAttribute('data-zq-label'));
      } else {
        box.removeAttribute('role');
        box.removeAttribute('tabindex');
        box.removeAttribute('aria-label');
      }
    });
  }
  if (boxes.length && typeof window.ResizeObserver === 'function') {
    var observer = new window.ResizeObserver(markScrollable);
    boxes.forEach(function (box) { observer.observe(box); });
  } else if (boxes.length) {
    window.addEventListener('resize', markScrollable);
  }

  // ---- Elder mode has no pop-ups: links open in the same window.
  function newWindows(allowed) {
    all('a[target], a[data-zq-target]').forEach(function (a) {
      if (!allowed && a.hasAttribute('target')) {
        a.setAttribute('data-zq-target', a.getAttribute('target'));
        a.removeAttribute('target');
      } else if (allowed && a.hasAttribute('data-zq-target')) {
        a.setAttribute('target', a.getAttribute('data-zq-target'));
        a.removeAttribute('data-zq-target');
      }
    });
  }

  // ---- The buttons say what is on (aria-pressed), what is open (aria-expanded), what cannot go further.
  var sizeLabel = find('[data-zq-size]');
  function render() {
    var n = size();
    all('[data-zq-mode]').forEach(function (b) { b.setAttribute('aria-pressed', String(has(MODES[b.getAttribute('data-zq-mode')]))); });
    toggle.setAttribute('aria-expanded', String(has('zq-bar-open')));
    all('[data-zq-action="smaller"]').forEach(function (b) { b.setAttribute('aria-disabled', String(n === 0)); });
    all('[data-zq-action="bigger"]').forEach(function (b) { b.setAttribute('aria-disabled', String(n === MAX_SIZE)); });
    all('[data-zq-action="speak"]').forEach(function (b) { b.setAttribute('aria-disabled', String(!canSpeak)); });
    all('[data-zq-action="stop"]').forEach(function (b) { b.setAttribute('aria-disabled', String(!has('zq-speaking'))); });
    if (sizeLabel) sizeLabel.textContent = '字号 ' + SIZE_LABELS[n];
    newWindows(!has(MODES.elder));
    markScrollable();
  }

  var actions = {
    bar: function () { setClass('zq-bar-open', !has('zq-bar-open')); },
    close: function () { setClass('zq-bar-open', false); toggle.focus(); },
    bigger: function () { setSize(Math.min(MAX_SIZE, size() + 1)); },
    smaller: function () { setSize(Math.max(0, size() - 1)); },
    reset: function () { stop(); applyState({ bar: true }); },
    speak: function () {
      var text = selectedText() || held || mainText();
      held = '';
      speak(text);
    },
    stop: stop,
  };
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('button[data-zq-mode], button[data-zq-action]');
    if (!button || button.getAttribute('aria-disabled') === 'true') return;
    var mode = button.getAttribute('data-zq-mode');
    if (mode && MODES[mode]) setClass(MODES[mode], !has(MODES[mode]));
    else if (actions[button.getAttribute('data-zq-action')]) actions[button.getAttribute('data-zq-action')]();
    save();
    render();
  });

  // A toolbar is one Tab stop; the arrow keys, Home and End move within it; Escape closes it.
  function rove(current) {
    all('button', bar).forEach(function (b) { b.tabIndex = b === current ? 0 : -1; });
  }
  bar.addEventListener('focusin', function (e) { if (e.target.tagName === 'BUTTON') rove(e.target); });
  bar.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') {
      setClass('zq-bar-open', false);
      save();
      render();
      toggle.focus();
      e.preventDefault();
      return;
    }
    var buttons = all('button', bar);
    var i = buttons.indexOf(document.activeElement);
    var moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 };
    if (i < 0 || !(e.key in moves)) return;
    var next = buttons[(moves[e.key] + buttons.length) % buttons.length];
    rove(next);
    next.focus();
    e.preventDefault();
  });
  rove(all('button', bar)[0]);

  // Another tab of the same site changed a mode: follow it.
  window.addEventListener('storage', function (e) {
    if (e.key !== KEY) return;
    try {
      applyState(JSON.parse(e.newValue || '{}') || {});
    } catch (err) {
      applyState({});
    }
    render();
  });
  window.addEventListener('pagehide', function () { if (canSpeak) synth.cancel(); });

  render();
})();
