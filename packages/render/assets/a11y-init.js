/* Runs in <head>, before the first paint, so a saved mode never flashes: it marks the page as
 * scripted (no-js → js) and puts the reader's saved accessibility modes on <html> as classes.
 * A file of its own because the CSP allows no inline script. a11y.js owns everything else. */
(function (root) {
  var classes = (' ' + root.className + ' ').replace(' no-js ', ' ') + 'js';
  try {
    var saved = JSON.parse(window.localStorage.getItem('zq-a11y') || 'null') || {};
    var size = Math.floor(Number(saved.size));
    if (size >= 1 && size <= 4) classes += ' zq-size-' + size;
    if (saved.contrast === true) classes += ' zq-contrast';
    if (saved.guide === true) classes += ' zq-guide';
    if (saved.elder === true) classes += ' zq-elder';
    if (saved.bar === true) classes += ' zq-bar-open';
  } catch (e) {
    // Storage blocked or garbled: the page opens in its defaults.
  }
  root.className = classes.replace(/^\s+/, '');
})(document.documentElement);
