// The serious-error import: a chosen CSV file is read here, in the browser, into the textarea the
// form posts (a plain url-encoded form, no upload). Without JS the file input stays hidden and
// the textarea takes pasted text as it always does.
(function () {
  'use strict';
  var form = document.querySelector('[data-zq-csv-import]');
  if (!form || typeof FileReader === 'undefined') return;
  var box = form.querySelector('[data-zq-csv-file]');
  var input = box.querySelector('input[type=file]');
  var error = box.querySelector('[data-zq-csv-file-error]');
  var textarea = form.querySelector('textarea[name=csv]');
  box.hidden = false;
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    error.hidden = true;
    var reader = new FileReader();
    reader.onload = function () {
      textarea.value = String(reader.result);
      textarea.focus();
    };
    reader.onerror = function () {
      error.textContent = reader.error ? reader.error.message : 'read failed';
      error.hidden = false;
    };
    // The service reads UTF-8 (with or without a BOM); a file saved as GBK shows as mojibake here, before anything is sent.
    reader.readAsText(file, 'utf-8');
  });
})();
