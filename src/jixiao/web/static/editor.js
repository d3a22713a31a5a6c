// The form editor (issue 7): the official layout as inputs, built from the document the page
// embeds (#editor-data). Every value is a string exactly as typed. As the user types:
// - the document is kept in localStorage (key: form id + base version) at once;
// - ~400 ms after the last change the server checks it (POST /forms/{id}/check): recomputed
//   rate, scores, total, grade, field errors in Chinese and the review findings;
// - ~3 s after the last change (and when the tab is hidden or closed, with fetch keepalive)
//   it is saved (POST /forms/{id}/save with the base version). A 409 opens the conflict panel:
//   both versions side by side, nothing is overwritten without the user's choice.
(function () {
  "use strict";
  var root = document.getElementById("editor");
  var dataEl = document.getElementById("editor-data");
  if (!root || !dataEl || !window.fetch) return;
  var DATA = JSON.parse(dataEl.textContent);
  var formId = DATA.id, version = DATA.version, canEdit = !!DATA.can_edit, C = DATA.choices || {};
  var csrf = document.getElementById("csrf").value;
  var doc = DATA.doc;
  var savedJSON = JSON.stringify(doc);
  var PREFIX = "jixiao-editor-" + formId + "-v";
  var CMPS = C.comparisons || ["≥", "≤", "=", ">", "<"];
  var L2 = C.level2_by_level1 || {};
  var lastCheck = DATA.check || null;
  var dirty = false, saving = null, conflict = null, checkSeq = 0, checkTimer = 0, saveTimer = 0;
  var statusEl = document.getElementById("ed-bar-save");

  var FIELD_ZH = {
    title: "标题", year: "年度", project_name: "项目名称", department: "主管部门", implementing_unit: "实施单位",
    funds_unit: "资金单位", "funds.initial_budget": "年初预算数", "funds.adjusted_budget": "全年预算数",
    "funds.executed": "全年执行数", "funds.weight": "预算执行分值", "funds.rate": "执行率", "funds.score": "预算执行得分",
    funds: "项目资金", goal: "年度总体目标", "goal.expected": "预期目标", "goal.actual": "实际完成情况",
    deviation_note: "偏差原因分析及改进措施（整表）", total_weight: "总分分值", total: "总分", grade: "评分等级",
    indicators: "绩效指标"
  };
  var COL_ZH = {
    level1: "一级指标", level2: "二级指标", name: "三级指标", target: "年度指标值", actual: "实际完成值",
    weight: "分值", score: "得分", deviation: "偏差原因分析及改进措施", source: "资金来源", label: "名称",
    initial_budget: "年初预算数", adjusted_budget: "全年预算数", executed: "全年执行数", rate: "执行率"
  };

  function labelOf(p) {
    if (FIELD_ZH[p]) return FIELD_ZH[p];
    var m = /^indicators\[(\d+)\](?:\.(\w+))?$/.exec(p);
    if (m) return "指标第" + (+m[1] + 1) + "行" + (m[2] ? " " + (COL_ZH[m[2]] || m[2]) : "");
    m = /^funds\.rows\[(\d+)\](?:\.(\w+))?$/.exec(p);
    if (m) return "资金来源第" + (+m[1] + 1) + "行" + (m[2] ? " " + (COL_ZH[m[2]] || m[2]) : "");
    return p;
  }

  // ---- paths: "indicators[3].target" -------------------------------------------------------
  function keys(path) { return path.replace(/\[(\d+)\]/g, ".$1").split("."); }
  function getPath(obj, path) {
    var k = keys(path);
    for (var i = 0; i < k.length; i++) { if (obj == null) return ""; obj = obj[k[i]]; }
    return obj == null ? "" : obj;
  }
  function setPath(obj, path, value) {
    var k = keys(path);
    for (var i = 0; i < k.length - 1; i++) {
      if (obj[k[i]] == null || typeof obj[k[i]] !== "object") obj[k[i]] = /^\d+$/.test(k[i + 1]) ? [] : {};
      obj = obj[k[i]];
    }
    obj[k[k.length - 1]] = value;
  }
  function flatten(v, prefix, out) {
    if (Array.isArray(v)) {
      if (!v.length) out[prefix] = "";
      v.forEach(function (x, i) { flatten(x, prefix + "[" + i + "]", out); });
    } else if (v && typeof v === "object") {
      Object.keys(v).forEach(function (k) { flatten(v[k], prefix ? prefix + "." + k : k, out); });
    } else out[prefix] = v == null ? "" : String(v);
    return out;
  }

  function sameDoc(a, b) {  // equal values whatever the order of the keys
    var fa = flatten(a, "", {}), fb = flatten(b, "", {}), ka = Object.keys(fa), kb = Object.keys(fb);
    return ka.length === kb.length && ka.every(function (k) { return k in fb && fb[k] === fa[k]; });
  }

  // ---- DOM helpers --------------------------------------------------------------------------
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") e.textContent = v;
      else if (k === "className") e.className = v;
      else e.setAttribute(k, v === true ? "" : v);
    });
    (kids || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function ferr(path) { return el("span", { className: "ferr", "data-for": path }); }
  function input(path, opts) {
    opts = opts || {};
    var a = { "data-path": path, value: getPath(doc, path), "aria-label": labelOf(path), className: opts.cls || "",
              placeholder: opts.placeholder || null, inputmode: opts.num ? "decimal" : null, size: opts.size || null,
              readonly: !canEdit };
    var i = el(opts.area ? "textarea" : "input", a);
    if (opts.area) { i.value = getPath(doc, path); i.rows = opts.rows || 2; }
    if (opts.list) i.setAttribute("list", opts.list);
    return i;
  }
  function cellIn(path, opts) { return el("div", { className: "cellin" }, [input(path, opts), ferr(path)]); }
  function select(path, options, opts) {
    opts = opts || {};
    var cur = String(getPath(doc, path));
    var list = options.slice();
    if (opts.blank) list.unshift("");
    if (cur && list.indexOf(cur) < 0) list.push(cur);  // a value outside the lists is kept, not lost
    var s = el("select", { "data-path": path, "aria-label": labelOf(path), disabled: !canEdit, className: opts.cls || "" },
      list.map(function (o) {
        var opt = el("option", { value: o, text: o === "" ? (opts.blankLabel || "—") : o });
        if (o === cur) opt.selected = true;
        return opt;
      }));
    return s;
  }
  function rc(path) { return el("span", { className: "rc", "data-rc": path }); }
  function button(op, text, i, title) {
    return el("button", { type: "button", className: "op", "data-op": op, "data-i": i, title: title || text, "aria-label": title || text, text: text });
  }

  // target/actual: comparison + value + unit, composing the text ("≥95%"); anything that is not
  // "sign number unit" stays whole in the value box, so loading never changes a value
  function parseValue(text) {
    var m = /^(≥|≤|=|>|<)?(-?\d+(?:\.\d+)?)(\S*)$/.exec(text || "");
    return m ? { cmp: m[1] || "", num: m[2], unit: m[3] } : { cmp: "", num: text || "", unit: "" };
  }
  function composite(path) {
    var v = parseValue(String(getPath(doc, path)));
    var cmp = el("select", { "data-compose": path, "data-part": "cmp", "aria-label": labelOf(path) + " 比较", disabled: !canEdit },
      [""].concat(CMPS).map(function (o) { var e = el("option", { value: o, text: o || "—" }); if (o === v.cmp) e.selected = true; return e; }));
    var num = el("input", { "data-compose": path, "data-part": "num", value: v.num, size: 6, "aria-label": labelOf(path) + " 数值", readonly: !canEdit });
    var unit = el("input", { "data-compose": path, "data-part": "unit", value: v.unit, size: 3, list: "jx-units", "aria-label": labelOf(path) + " 单位", readonly: !canEdit });
    return el("div", { className: "composite", "data-path-of": path }, [cmp, num, unit, ferr(path)]);
  }
  function compose(path) {
    var box = root.querySelector('[data-path-of="' + path + '"]');
    var part = function (p) { return box.querySelector('[data-part="' + p + '"]').value; };
    setPath(doc, path, part("cmp") + part("num").trim() + part("unit").trim());
  }

  // ---- the layout -----------------------------------------------------------------------------
  function render() {
    root.textContent = "";
    var units = el("datalist", { id: "jx-units" }, (C.units || []).map(function (u) { return el("option", { value: u }); }));
    root.appendChild(units);
    // title and year
    root.appendChild(el("div", { className: "ed-title" }, [
      input("title", { cls: "title", placeholder: "财政项目支出绩效自评表" }),
      el("div", { className: "ed-year" }, ["（", input("year", { num: true, size: 5, cls: "year" }), "年度）", ferr("year")])
    ]));
    // basic fields
    root.appendChild(el("table", { className: "grid ed-basic" }, [el("tbody", {}, [
      el("tr", {}, [el("th", { text: "项目名称" }), el("td", { colspan: 3 }, [cellIn("project_name")])]),
      el("tr", {}, [el("th", { text: "主管部门" }), el("td", {}, [cellIn("department")]),
                    el("th", { text: "实施单位" }), el("td", {}, [cellIn("implementing_unit")])])
    ])]));
    root.appendChild(fundsTable());
    root.appendChild(el("table", { className: "grid ed-goal" }, [el("tbody", {}, [
      el("tr", {}, [el("th", { rowspan: 2, text: "年度总体目标" }), el("th", { text: "预期目标" }), el("th", { text: "实际完成情况" })]),
      el("tr", {}, [el("td", {}, [cellIn("goal.expected", { area: true, rows: 3 })]),
                    el("td", {}, [cellIn("goal.actual", { area: true, rows: 3 })])])
    ])]));
    root.appendChild(el("div", { className: "scroll" }, [indicatorTable()]));
    if (canEdit) root.appendChild(addIndicatorBar());
    root.appendChild(el("table", { className: "grid ed-total" }, [el("tbody", {}, [
      el("tr", {}, [el("th", { text: "总分" }), el("td", {}, ["分值 ", input("total_weight", { num: true, size: 5 }), ferr("total_weight")]),
                    el("td", {}, ["得分 ", input("total", { num: true, size: 6 }), rc("total"), ferr("total")])]),
      el("tr", {}, [el("th", { text: "评分等级" }), el("td", { colspan: 2 }, [select("grade", C.grades || [], { blank: true, blankLabel: "（未填）" }), rc("grade"), ferr("grade")])]),
      el("tr", {}, [el("th", { text: "偏差原因分析及改进措施（整表，可空）" }), el("td", { colspan: 2 }, [cellIn("deviation_note", { area: true })])])
    ])]));
    if (lastCheck) showCheck(lastCheck);
  }

  function fundsTable() {
    var f = doc.funds || (doc.funds = {});
    var rows = f.rows || (f.rows = []);
    var unitSel = select("funds_unit", C.funds_units || ["万元", "元"]);
    var head = el("tr", {}, [el("th", {}, ["项目资金（", unitSel, "）"]), el("th", { text: "年初预算数" }), el("th", { text: "全年预算数" }),
      el("th", { text: "全年执行数" }), el("th", { text: "分数" }), el("th", { text: "执行率(%)" }), el("th", { text: "得分" }),
      canEdit ? el("th", { text: "" }) : null]);
    var total = el("tr", {}, [el("td", { text: "年度资金总额：" }),
      el("td", {}, [cellIn("funds.initial_budget", { num: true, size: 9 })]),
      el("td", {}, [cellIn("funds.adjusted_budget", { num: true, size: 9 })]),
      el("td", {}, [cellIn("funds.executed", { num: true, size: 9 })]),
      el("td", {}, [cellIn("funds.weight", { num: true, size: 4 })]),
      el("td", {}, [input("funds.rate", { num: true, size: 6 }), rc("funds.rate"), ferr("funds.rate")]),
      el("td", {}, [input("funds.score", { num: true, size: 5 }), rc("funds.score"), ferr("funds.score")]),
      canEdit ? el("td", {}, [button("add-fund", "＋", 0, "添加资金来源")]) : null]);
    var body = [head, total];
    rows.forEach(function (r, k) {
      var p = "funds.rows[" + k + "]";
      body.push(el("tr", { className: "fundrow" }, [
        el("td", {}, [select(p + ".source", C.fund_sources || [], {}), input(p + ".label", { placeholder: "名称（可空）", size: 8 })]),
        el("td", {}, [cellIn(p + ".initial_budget", { num: true, size: 9 })]),
        el("td", {}, [cellIn(p + ".adjusted_budget", { num: true, size: 9 })]),
        el("td", {}, [cellIn(p + ".executed", { num: true, size: 9 })]),
        el("td", { className: "num", text: "-" }),
        el("td", {}, [cellIn(p + ".rate", { num: true, size: 6 })]),
        el("td", { className: "num", text: "-" }),
        canEdit ? el("td", {}, [button("del-fund", "✕", k, "删除资金来源第" + (k + 1) + "行")]) : null]));
    });
    return el("div", { className: "scroll" }, [el("table", { className: "grid ed-funds" }, [el("tbody", {}, body)])]);
  }

  function indicatorTable() {
    var inds = doc.indicators || (doc.indicators = []);
    var head = el("tr", {}, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
      .map(function (h) { return el("th", { text: h }); }));
    var body = [head];
    var level1s = Object.keys(L2);
    inds.forEach(function (ind, i) {
      var p = "indicators[" + i + "]";
      if (i === 0 || inds[i - 1].level1 !== ind.level1) {
        body.push(el("tr", { className: "grp" }, [el("td", { colspan: 8 }, [
          el("b", { text: ind.level1 || "（未选一级指标）" }),
          canEdit ? button("add-in", "＋ 在此类添加一行", i, "在" + (ind.level1 || "此类") + "下添加一行") : null])]));
      }
      var l2 = L2[ind.level1] || [];
      body.push(el("tr", { className: "ind", "data-row": i }, [
        el("td", {}, [select(p + ".level1", level1s, { cls: "l1" }),
          canEdit ? el("div", { className: "ops" }, [button("up", "↑", i, "上移第" + (i + 1) + "行"), button("down", "↓", i, "下移第" + (i + 1) + "行"),
                                                     button("del", "✕", i, "删除第" + (i + 1) + "行")]) : null]),
        el("td", {}, [select(p + ".level2", l2, { cls: "l2" }), ferr(p + ".level2")]),
        el("td", {}, [cellIn(p + ".name", { area: true, rows: 2 })]),
        el("td", {}, [composite(p + ".target")]),
        el("td", {}, [composite(p + ".actual")]),
        el("td", {}, [cellIn(p + ".weight", { num: true, size: 4 })]),
        el("td", {}, [input(p + ".score", { num: true, size: 5 }), rc(p), ferr(p + ".score")]),
        el("td", {}, [cellIn(p + ".deviation", { area: true, rows: 2 })])
      ]));
      body.push(el("tr", { className: "frow", "data-frow": i, hidden: true }, [el("td", { colspan: 8 }, [el("ul", { className: "findings" })])]));
    });
    if (!inds.length) body.push(el("tr", {}, [el("td", { colspan: 8, text: "还没有绩效指标，请在下方添加。" })]));
    return el("table", { className: "grid ed-inds" }, [el("tbody", {}, body)]);
  }

  function addIndicatorBar() {
    var sel = el("select", { id: "add-level1", "aria-label": "新指标的一级指标" },
      Object.keys(L2).map(function (l) { return el("option", { value: l, text: l }); }));
    return el("p", { className: "addbar" }, ["添加指标：", sel, " ", button("add-l1", "添加一行", 0, "添加指标行")]);
  }

  function newIndicator(level1) {
    return { level1: level1, level2: (L2[level1] || [""])[0] || "", name: "", target: "", actual: "", weight: "", score: "", deviation: "" };
  }
  function insertIndicator(level1) {  // after the last row of that level-1 (or at the end)
    var inds = doc.indicators, at = inds.length;
    for (var i = inds.length - 1; i >= 0; i--) { if (inds[i].level1 === level1) { at = i + 1; break; } }
    inds.splice(at, 0, newIndicator(level1));
    return at;
  }

  // ---- edits ------------------------------------------------------------------------------------
  function onEdit(ev) {
    var t = ev.target;
    if (!canEdit) return;
    if (t.dataset.path) {
      var same = String(getPath(doc, t.dataset.path)) === t.value;
      if (t.classList.contains("l1")) {  // keep the level-2 among the level-1's choices
        if (ev.type !== "change") return;
        setPath(doc, t.dataset.path, t.value);
        var p = t.dataset.path.replace(/\.level1$/, ".level2"), l2 = L2[t.value] || [];
        if (l2.indexOf(getPath(doc, p)) < 0) setPath(doc, p, l2[0] || "");
        render();
      } else if (same) return;
      else setPath(doc, t.dataset.path, t.value);
    } else if (t.dataset.compose) compose(t.dataset.compose);
    else return;
    changed();
  }
  root.addEventListener("input", onEdit);
  root.addEventListener("change", onEdit);
  root.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-op]");
    if (!b || !canEdit) return;
    var i = +b.dataset.i, inds = doc.indicators, focus = null;
    switch (b.dataset.op) {
      case "up": if (i > 0) { inds.splice(i - 1, 0, inds.splice(i, 1)[0]); focus = '[data-op="up"][data-i="' + (i - 1) + '"]'; } break;
      case "down": if (i < inds.length - 1) { inds.splice(i + 1, 0, inds.splice(i, 1)[0]); focus = '[data-op="down"][data-i="' + (i + 1) + '"]'; } break;
      case "del": inds.splice(i, 1); break;
      case "add-in": focus = '[data-path="indicators[' + insertIndicator(inds[i].level1) + '].name"]'; break;
      case "add-l1": focus = '[data-path="indicators[' + insertIndicator(document.getElementById("add-level1").value) + '].name"]'; break;
      case "add-fund": doc.funds.rows.push({ source: (C.fund_sources || [""])[0], label: "", initial_budget: "", adjusted_budget: "", executed: "", rate: "" }); break;
      case "del-fund": doc.funds.rows.splice(i, 1); break;
      default: return;
    }
    render();
    if (focus) { var f = root.querySelector(focus); if (f) f.focus(); }
    changed();
  });

  function changed() {
    var now = JSON.stringify(doc);
    dirty = now !== savedJSON;
    if (dirty) keepLocal(); else clearLocal();
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 400);
    clearTimeout(saveTimer);
    if (dirty) { setStatus("有未保存的修改", "pending"); saveTimer = setTimeout(function () { save(true); }, 3000); }
  }

  // ---- the live check -----------------------------------------------------------------------
  function post(url, body, keepalive) {
    return fetch(url, { method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body) }).then(function (r) {
        return r.json().then(function (b) { return { status: r.status, body: b }; },
                             function () { return { status: r.status, body: null }; });
      });
  }

  var checkState = document.getElementById("check-state");
  function check() {
    var seq = ++checkSeq;
    if (checkState) checkState.textContent = "正在复算…";
    post("/forms/" + formId + "/check", { doc: doc }).then(function (res) {
      if (seq !== checkSeq) return;  // a newer check is on its way
      if (res.status === 200) { lastCheck = res.body; showCheck(res.body); }
      else if (checkState) checkState.textContent = "复算失败：" + errMessage(res);
    }, function () { if (seq === checkSeq && checkState) checkState.textContent = "网络错误，暂时无法复算"; });
  }

  function fmt(v) {
    if (v === null || v === undefined || v === "") return "—";
    var n = Number(v);
    return isFinite(n) && typeof v !== "boolean" && String(v).trim() !== "" && /^-?[\d.]+$/.test(String(v)) ? n.toFixed(2) : String(v);
  }
  function setText(sel, text) { var e = document.querySelector(sel); if (e) e.textContent = text; }
  function sevBadge(s) { return el("span", { className: "sev sev-" + s, text: { error: "错误", warning: "警告", info: "提示" }[s] || s }); }

  function showCheck(res) {
    var sc = res.scores || {};
    ["rate", "budget_score", "total_reported", "total_recomputed", "grade_reported", "grade_recomputed"].forEach(function (k) {
      setText('#scores [data-score="' + k + '"]', fmt(sc[k]));
    });
    var bar = document.getElementById("ed-bar-score");
    if (bar) bar.textContent = "复算总分 " + fmt(sc.total_recomputed) + " · 等级 " + fmt(sc.grade_recomputed);
    root.querySelectorAll(".rc").forEach(function (e) { e.textContent = ""; e.classList.remove("diff"); });
    function mark(path, reported, recomputed) {
      var e = root.querySelector('[data-rc="' + path + '"]');
      if (!e || recomputed === null || recomputed === undefined || recomputed === "") return;
      e.textContent = "复算 " + fmt(recomputed);
      if (reported !== null && reported !== undefined && reported !== "" && fmt(reported) !== fmt(recomputed)) e.classList.add("diff");
    }
    mark("funds.rate", doc.funds && doc.funds.rate, sc.rate);
    mark("funds.score", doc.funds && doc.funds.score, sc.budget_score);
    mark("total", doc.total, sc.total_recomputed);
    mark("grade", doc.grade, sc.grade_recomputed);
    (sc.indicators || []).forEach(function (x) { mark("indicators[" + x.row + "]", x.score_reported, x.score_recomputed); });
    // field errors next to the field (or its row), and all of them in the side panel
    root.querySelectorAll(".ferr").forEach(function (e) { e.textContent = ""; });
    root.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
    var errs = res.errors || [], list = document.getElementById("errors");
    list.textContent = "";
    errs.forEach(function (x) {
      var slot = root.querySelector('.ferr[data-for="' + x.field + '"]');
      if (slot) {
        slot.textContent = (slot.textContent ? slot.textContent + "；" : "") + x.message;
        var inp = root.querySelector('[data-path="' + x.field + '"]');
        if (inp) inp.classList.add("has-error");
      }
      list.appendChild(el("li", {}, [el("b", { text: labelOf(x.field) + "：" }), x.message]));
    });
    setText("#n-errors", errs.length ? "（" + errs.length + "）" : "");
    if (!errs.length) list.appendChild(el("li", { className: "muted", text: "没有" }));
    // findings: under their indicator row, and all of them in the side panel
    root.querySelectorAll("tr.frow").forEach(function (tr) { tr.hidden = true; tr.querySelector("ul").textContent = ""; });
    var fs = res.findings || [], flist = document.getElementById("findings");
    flist.textContent = "";
    fs.forEach(function (f) {
      var item = function () {
        return el("li", { className: "finding sev-line-" + f.severity, "data-code": f.code }, [sevBadge(f.severity), " ", el("b", { text: f.code }), " ",
          f.field ? el("span", { className: "where", text: labelOf(f.field) + "：" }) : null, f.message,
          f.hint ? el("div", { className: "hint", text: f.hint }) : null]);
      };
      flist.appendChild(item());
      var m = /^indicators\[(\d+)\]/.exec(f.field || "");
      var tr = m && root.querySelector('tr.frow[data-frow="' + m[1] + '"]');
      if (tr) { tr.hidden = false; tr.querySelector("ul").appendChild(item()); }
    });
    setText("#n-findings", "（" + fs.length + "）");
    if (!fs.length) flist.appendChild(el("li", { className: "muted", text: "没有发现问题" }));
    if (checkState) checkState.textContent = "已按当前内容复算";
  }

  // ---- saving -------------------------------------------------------------------------------
  function hhmmss(d) { return d.toTimeString().slice(0, 8); }
  function setStatus(text, kind) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = "save-status " + (kind || "");
  }
  function errMessage(res) { return res.body && res.body.error ? res.body.error.message : "HTTP " + res.status; }

  function localKeys() {
    var out = [];
    for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i); if (k && k.indexOf(PREFIX) === 0) out.push(k); }
    return out;
  }
  function keepLocal() {
    try { localStorage.setItem(PREFIX + version, JSON.stringify({ doc: doc, version: version, at: Date.now() })); } catch (e) { /* full or off */ }
  }
  function clearLocal() { try { localKeys().forEach(function (k) { localStorage.removeItem(k); }); } catch (e) { /* off */ } }

  function save(autosave, keepalive) {
    if (!canEdit || conflict) return Promise.resolve(false);
    if (saving) return saving.then(function () { return dirty ? save(autosave, keepalive) : true; });
    clearTimeout(saveTimer);
    if (!dirty) return Promise.resolve(true);
    var sent = JSON.stringify(doc), base = version;
    setStatus("正在保存…", "pending");
    saving = post("/forms/" + formId + "/save", { doc: JSON.parse(sent), version: base, autosave: !!autosave }, keepalive)
      .then(function (res) {
        saving = null;
        if (res.status === 200) {
          version = res.body.version;
          savedJSON = sent;
          dirty = JSON.stringify(doc) !== savedJSON;
          clearLocal();
          if (dirty) { keepLocal(); saveTimer = setTimeout(function () { save(true); }, 3000); }
          setText("#ed-version", String(version));
          var at = res.body.saved_at ? new Date(res.body.saved_at) : new Date();
          if (isNaN(at.getTime())) at = new Date();
          setStatus((autosave ? "已自动保存 " : "已保存 ") + hhmmss(at) + "（第 " + version + " 版）", "ok");
          if (!dirty && res.body.scores) { lastCheck = res.body; showCheck(res.body); }
          return true;
        }
        if (res.status === 409 && res.body && res.body.conflict) {
          var c = res.body.conflict;
          if (c.doc && sameDoc(c.doc, JSON.parse(sent))) {  // the newer version holds exactly this: no conflict
            version = c.version;
            savedJSON = sent;
            dirty = JSON.stringify(doc) !== savedJSON;
            clearLocal();
            if (dirty) { keepLocal(); saveTimer = setTimeout(function () { save(true); }, 3000); }
            setText("#ed-version", String(version));
            setStatus("已保存 " + hhmmss(new Date()) + "（第 " + version + " 版）", "ok");
            return true;
          }
          showConflict(c);
          return false;
        }
        setStatus("保存失败，修改已保存在本机（" + errMessage(res) + "）", "bad");
        return false;
      }, function () {
        saving = null;
        setStatus("保存失败，修改已保存在本机", "bad");
        return false;
      });
    return saving;
  }

  var saveBtn = document.getElementById("save-now");
  if (saveBtn) saveBtn.addEventListener("click", function () { save(false); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty && !saving) save(true, true);
  });
  window.addEventListener("pagehide", function () { if (dirty && !saving) save(true, true); });

  // ---- conflicts ----------------------------------------------------------------------------
  var cpanel = document.getElementById("conflict");
  function showConflict(c) {
    conflict = c;
    clearTimeout(saveTimer);
    var theirs = flatten(c.doc || {}, "", {}), mine = flatten(doc, "", {});
    var paths = Object.keys(theirs);
    Object.keys(mine).forEach(function (p) { if (!(p in theirs)) paths.push(p); });
    var tbody = cpanel.querySelector("tbody");
    tbody.textContent = "";
    paths.forEach(function (p) {
      var a = p in theirs ? theirs[p] : "（无）", b = p in mine ? mine[p] : "（无）";
      if (a !== b) tbody.appendChild(el("tr", {}, [el("td", { text: labelOf(p) }), el("td", { text: a }), el("td", { text: b })]));
    });
    if (!tbody.children.length) tbody.appendChild(el("tr", {}, [el("td", { colspan: 3, text: "内容相同" })]));
    var at = c.at ? new Date(c.at) : null;
    cpanel.querySelector(".who").textContent = (c.username || "其他用户") + " 于 " +
      (at && !isNaN(at.getTime()) ? at.toLocaleString("zh-CN") : "刚才") + " 保存了第 " + c.version +
      " 版，您的修改基于第 " + version + " 版，尚未保存。请选择：";
    cpanel.hidden = false;
    setStatus("修改冲突：尚未保存，修改已保存在本机", "bad");
    cpanel.scrollIntoView({ block: "start" });
  }
  cpanel.querySelector(".keep-mine").addEventListener("click", function () {
    version = conflict.version;
    conflict = null;
    cpanel.hidden = true;
    clearLocal(); keepLocal();
    dirty = true;
    save(false);
  });
  cpanel.querySelector(".take-theirs").addEventListener("click", function () {
    doc = conflict.doc;
    version = conflict.version;
    savedJSON = JSON.stringify(doc);
    dirty = false;
    conflict = null;
    cpanel.hidden = true;
    clearLocal();
    setText("#ed-version", String(version));
    setStatus("已载入第 " + version + " 版", "ok");
    render();
    check();
  });

  // ---- unsaved changes from an earlier visit --------------------------------------------------
  function offerRestore() {
    var best = null;
    try {
      localKeys().forEach(function (k) {
        var v = JSON.parse(localStorage.getItem(k) || "null");
        if (v && v.doc && (!best || v.at > best.at)) best = v;
      });
    } catch (e) { return; }
    if (!best) return;
    if (sameDoc(best.doc, doc) || !canEdit) { clearLocal(); return; }  // saved after all (keepalive)
    var panel = document.getElementById("restore");
    panel.querySelector(".when").textContent = new Date(best.at).toLocaleString("zh-CN");
    panel.querySelector(".base").textContent = best.version;
    panel.hidden = false;
    panel.querySelector(".restore-yes").addEventListener("click", function () {
      panel.hidden = true;
      doc = best.doc;
      version = best.version;  // saved on its own base: a newer version on the server gives the conflict panel
      render();
      changed();
    });
    panel.querySelector(".restore-no").addEventListener("click", function () { panel.hidden = true; clearLocal(); });
  }

  // ---- workflow buttons: save first ---------------------------------------------------------
  document.querySelectorAll("form.wf-form").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      if (!canEdit || (!dirty && !saving)) return;
      ev.preventDefault();
      save(false).then(function (ok) { if (ok) f.submit(); });
    });
  });

  render();
  if (canEdit) setStatus("已是最新（第 " + version + " 版）", "ok");
  offerRestore();
})();
