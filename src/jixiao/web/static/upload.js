// Upload the chosen files one by one, showing per-file progress and the result of each.
// Without JavaScript the form posts all files at once and the server shows the results page.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var table = document.getElementById("progress");
  var tbody = table.querySelector("tbody");
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var maxFiles = parseInt(form.dataset.maxFiles, 10);
  var STATUS = { read: "已读取", duplicate: "已上传过", not_project_form: "不是项目支出绩效自评表",
                 unreadable: "无法读取", rejected: "不支持的文件", too_large: "文件过大" };

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }

  function describe(r) {
    var s = (STATUS[r.status] || r.status) + (r.message ? "：" + r.message : "");
    if (r.status === "read" || r.status === "duplicate") {
      s += "（" + r.n_forms + " 张自评表，读取警告 " + (r.n_warnings || 0) + " 条，问题 " + (r.n_findings || 0) + " 条）";
    }
    return s;
  }

  function links(td, ids) {
    (ids || []).slice(0, 20).forEach(function (id) {
      var a = document.createElement("a"); a.href = "/forms/" + id; a.textContent = "#" + id;
      td.appendChild(document.createTextNode(" ")); td.appendChild(a);
    });
  }

  function send(file, row) {
    return new Promise(function (done) {
      var bar = row.querySelector("progress"), out = row.lastChild;
      if (file.size > maxBytes) {
        out.textContent = "文件过大（" + (file.size / 1048576).toFixed(1) + " MB），单个文件上限 " + Math.round(maxBytes / 1048576) + " MB，未上传";
        row.className = "st-too_large"; done(); return;
      }
      var data = new FormData();
      data.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/upload");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", form.querySelector("input[name=csrf_token]").value);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = e.loaded / e.total; };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        bar.value = 1;
        if (xhr.status === 200 && body && body.results) {
          var r = body.results[0]; row.className = "st-" + r.status; out.textContent = describe(r); links(out, r.form_ids);
          row.firstChild.textContent = r.filename;  // the name as the server keeps it (no folders)
        } else {
          row.className = "st-unreadable";
          out.textContent = (body && body.error) ? body.error.message : "上传失败（" + xhr.status + "）";
        }
        done();
      };
      xhr.onerror = function () { out.textContent = "网络错误，未上传"; done(); };
      xhr.send(data);
    });
  }

  form.addEventListener("submit", function (ev) {
    var files = form.querySelector("input[type=file]").files;
    if (!files.length) return;
    ev.preventDefault();
    if (files.length > maxFiles) { alert("一次最多上传 " + maxFiles + " 个文件"); return; }
    table.hidden = false; tbody.textContent = "";
    var rows = Array.prototype.map.call(files, function (f) {
      var tr = document.createElement("tr"); cell(tr, f.name);
      var p = document.createElement("progress"); p.max = 1; p.value = 0; cell(tr, "").appendChild(p);
      cell(tr, "等待上传"); tbody.appendChild(tr); return tr;
    });
    var i = 0, done = document.getElementById("upload-done");
    if (done) done.hidden = true;
    (function next() {
      if (i < files.length) { var k = i++; send(files[k], rows[k]).then(next); return; }
      if (done) {  // the list of recent files below was drawn before this upload
        done.querySelector("span").textContent = "已处理 " + files.length + " 个文件。";
        done.hidden = false;
      }
    })();
  });
})();
