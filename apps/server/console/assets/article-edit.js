// Attachments on the editor page: the file chosen is uploaded to the API at once (the session
// cookie and same-origin request are its credentials), and a ticked box for it joins the form,
// so saving the article carries the attachment. Without JS the file input simply does nothing.
(function () {
  'use strict';
  var box = document.querySelector('[data-zq-attachments]');
  if (!box) return;
  var input = box.querySelector('[data-zq-attachment-input]');
  var list = box.querySelector('[data-zq-attachment-list]');
  var error = box.querySelector('[data-zq-attachment-error]');
  var url = box.getAttribute('data-upload-url');
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    error.hidden = true;
    var data = new FormData();
    data.append('file', file, file.name);
    input.disabled = true;
    fetch(url, { method: 'POST', body: data, credentials: 'same-origin' })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (r) {
        if (!r.ok) throw new Error(r.body && r.body.message ? r.body.message : 'upload failed');
        var li = document.createElement('li');
        var label = document.createElement('label');
        var check = document.createElement('input');
        check.type = 'checkbox';
        check.name = 'attachmentIds';
        check.value = r.body.id;
        check.checked = true;
        label.appendChild(check);
        label.appendChild(document.createTextNode(' ' + r.body.filename));
        li.appendChild(label);
        list.appendChild(li);
        input.value = '';
      })
      .catch(function (e) {
        error.textContent = e.message;
        error.hidden = false;
      })
      .then(function () { input.disabled = false; });
  });
})();
