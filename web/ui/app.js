// The public notice board in the browser: lists and filters tenders, shows one tender with
// its lots, documents, amendments and clarifications, logs in, and lets a supplier ask a
// question during the enquiry period. Plain JavaScript, no build step; talks only to /api/v1.
"use strict";
const texts = {
  "en": {
    title: "Procura — public notice board", username: "username", password: "password",
    login: "Log in", logout: "Log out", search: "Search titles", any_status: "Any status",
    any_category: "Any category", filter: "Filter", col_title: "Title", col_buyer: "Buyer",
    col_status: "Status", col_deadline: "Submission deadline", col_budget: "Budget", more: "More",
    "active.enquiries": "Enquiries", "active.tendering": "Tendering", closed: "Closed",
    opened: "Opened", evaluated: "Evaluated", awarded: "Awarded", complete: "Complete",
    unsuccessful: "Unsuccessful", cancelled: "Cancelled", draft: "Draft", goods: "Goods", services: "Services", works: "Works",
    back: "← Back to the notice board", description: "Description", category: "Category",
    enquiry_deadline: "Questions until", submission_deadline: "Bids until",
    opening_time: "Opening", bid_security: "Bid security", evaluation: "Evaluation",
    lots: "Lots", documents: "Documents", amendments: "Amendments", questions: "Clarifications",
    no_questions: "No questions yet.", no_amendments: "No amendments.", no_documents: "No documents.",
    no_tenders: "No tenders match.", ask: "Ask a question", send: "Send",
    answer: "Answer", unanswered: "Not answered yet.", extended: "deadline extended to",
    signed_in_as: "Signed in as", version: "version",
    lowest_price: "lowest price", comprehensive: "comprehensive scoring",
    benchmark_price: "benchmark price", price: "price", technical: "technical",
  },
  "zh-CN": {
    title: "Procura — 招标公告栏", username: "用户名", password: "密码",
    login: "登录", logout: "退出", search: "搜索标题", any_status: "全部状态",
    any_category: "全部类别", filter: "筛选", col_title: "标题", col_buyer: "采购人",
    col_status: "状态", col_deadline: "投标截止时间", col_budget: "预算", more: "更多",
    "active.enquiries": "答疑期", "active.tendering": "投标期", closed: "已截止",
    opened: "已开标", evaluated: "已评标", awarded: "已授标", complete: "已完成",
    unsuccessful: "废标", cancelled: "已取消", draft: "草稿", goods: "货物", services: "服务", works: "工程",
    back: "← 返回公告栏", description: "说明", category: "类别",
    enquiry_deadline: "提问截止", submission_deadline: "投标截止",
    opening_time: "开标时间", bid_security: "投标保证金", evaluation: "评标方法",
    lots: "标段", documents: "招标文件", amendments: "变更公告", questions: "澄清答疑",
    no_questions: "暂无提问。", no_amendments: "暂无变更。", no_documents: "暂无文件。",
    no_tenders: "没有符合条件的项目。", ask: "提出问题", send: "提交",
    answer: "答复", unanswered: "尚未答复。", extended: "截止时间延长至",
    signed_in_as: "当前用户", version: "版本",
    lowest_price: "最低价法", comprehensive: "综合评分法",
    benchmark_price: "基准价法", price: "价格", technical: "技术",
  },
};
// The language: ?lang= in the address (for shared links), else the reader's last choice, else
// the browser's preference.
const requestedLang = new URLSearchParams(location.search).get("lang");
let lang = (requestedLang in texts && requestedLang) || localStorage.getItem("procura.lang") ||
  (navigator.language && navigator.language.startsWith("zh") ? "zh-CN" : "en");
let token = sessionStorage.getItem("procura.token") || "";
let role = sessionStorage.getItem("procura.role") || "";
let cursor = null;

const t = (key) => (texts[lang] && texts[lang][key]) || texts.en[key] || key;
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return node;
};
const when = (iso) => iso ? new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "long" }) : "—";
// Amounts are integers in minor units; most currencies have two decimals.
const money = (minor, currency) => {
  if (minor === null || minor === undefined) return "—";
  const digits = ["JPY", "KRW", "VND", "CLP", "ISK", "XAF", "XOF"].includes(currency) ? 0 : 2;
  const major = digits ? `${Math.trunc(minor / 100)}.${String(Math.abs(minor % 100)).padStart(2, "0")}` : String(minor);
  return `${Number(major).toLocaleString(lang, { minimumFractionDigits: digits })} ${currency || ""}`;
};

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (token) headers["Authorization"] = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const e = (data && data.error) || { code: String(res.status), message: res.statusText };
    throw Object.assign(new Error(e.message), e);
  }
  return data;
}

function showError(err) {
  const box = $("message");
  box.replaceChildren(el("div", { class: "error", role: "alert" },
    `${err.message}${err.field ? ` (${err.field})` : ""}`));
}

function applyLanguage() {
  document.documentElement.lang = lang;
  $("lang").value = lang;
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  document.title = t("title");
  renderWho();
}

function renderWho() {
  $("who").textContent = token ? `${t("signed_in_as")}: ${role}` : "";
  $("login").hidden = !!token;
  $("logout").hidden = !token;
}

async function loadBoard(append) {
  $("message").replaceChildren();
  const params = new URLSearchParams({ limit: "20" });
  if ($("q").value) params.set("q", $("q").value);
  if ($("status").value) params.set("status", $("status").value);
  if ($("category").value) params.set("category", $("category").value);
  if (append && cursor) params.set("cursor", cursor);
  try {
    const page = await api("GET", `/api/v1/tenders?${params}`);
    const rows = $("rows");
    if (!append) rows.replaceChildren();
    for (const item of page.items) {
      rows.append(el("tr", {},
        el("td", {}, el("a", { href: `#tender/${item.id}` }, item.title || "—")),
        el("td", {}, item.buyer ? item.buyer.name : ""),
        el("td", {}, el("span", { class: `status ${item.status}` }, t(item.status))),
        el("td", {}, when(item.submission_deadline)),
        el("td", { class: "num" }, money(item.total_budget_minor, item.currency))));
    }
    if (!append && page.items.length === 0) rows.append(el("tr", {}, el("td", { colspan: "5", class: "muted" }, t("no_tenders"))));
    cursor = page.next_cursor;
    $("more").hidden = !cursor;
  } catch (err) { showError(err); }
}

async function showTender(id) {
  $("message").replaceChildren();
  try {
    const x = await api("GET", `/api/v1/tenders/${encodeURIComponent(id)}`);
    const box = $("detail");
    const ev = x.evaluation || {};
    const method = ev.method ? t(ev.method) + (ev.method === "comprehensive"
      ? ` (${t("price")} ${ev.price_weight}%, ${t("technical")} ${ev.technical_weight}%)` : "") : "—";
    const list = (items, empty, render) => items.length
      ? el("ul", {}, ...items.map((i) => el("li", {}, ...render(i))))
      : el("p", { class: "muted" }, t(empty));
    const questions = list(x.questions, "no_questions", (q) => [
      el("strong", {}, q.text), el("br"),
      q.answer ? `${t("answer")}: ${q.answer}` : el("span", { class: "muted" }, t("unanswered")),
      el("span", { class: "muted" }, `  (${when(q.asked_at)})`)]);
    const ask = (role === "supplier" && x.status === "active.enquiries")
      ? el("form", { onsubmit: async (e) => {
            e.preventDefault();
            try { await api("POST", `/api/v1/tenders/${x.id}/questions`, { text: e.target.elements.q.value }); showTender(x.id); }
            catch (err) { showError(err); } } },
          el("input", { name: "q", size: "60", placeholder: t("ask") }), " ",
          el("button", { class: "primary", type: "submit" }, t("send")))
      : "";
    box.replaceChildren(
      el("p", {}, el("a", { href: "#" }, t("back"))),
      el("h2", {}, x.title || "—", " ", el("span", { class: `status ${x.status}` }, t(x.status))),
      el("p", { class: "muted" }, `${x.buyer.name} · ${x.buyer.id} · ${t("version")} ${x.version}`),
      el("section", { class: "card" }, el("dl", {},
        el("dt", {}, t("description")), el("dd", {}, x.description),
        el("dt", {}, t("category")), el("dd", {}, x.category ? t(x.category) : "—"),
        el("dt", {}, t("enquiry_deadline")), el("dd", {}, when(x.enquiry_deadline)),
        el("dt", {}, t("submission_deadline")), el("dd", {}, when(x.submission_deadline)),
        el("dt", {}, t("opening_time")), el("dd", {}, when(x.opening_time)),
        el("dt", {}, t("bid_security")), el("dd", {}, money(x.bid_security_minor, x.currency)),
        el("dt", {}, t("evaluation")), el("dd", {}, method))),
      el("section", { class: "card" }, el("h3", {}, t("lots")),
        list(x.lots, "no_tenders", (l) => [`${l.number}. ${l.title} — ${money(l.budget_minor, x.currency)}`])),
      el("section", { class: "card" }, el("h3", {}, t("documents")),
        list(x.documents, "no_documents", (d) => [
          el("a", { href: `/api/v1/tenders/${x.id}/documents/${d.id}` }, d.title || d.filename),
          el("span", { class: "muted" }, ` ${d.size_bytes} B · SHA-256 ${d.sha256}`)])),
      el("section", { class: "card" }, el("h3", {}, t("amendments")),
        list(x.amendments, "no_amendments", (a) => [
          `#${a.number} ${when(a.at)}: ${a.rationale}`,
          a.deadline_extended_to ? el("span", { class: "muted" }, ` (${t("extended")} ${when(a.deadline_extended_to)})`) : ""])),
      el("section", { class: "card" }, el("h3", {}, t("questions")), questions, ask));
    $("board").hidden = true;
    box.hidden = false;
  } catch (err) { showError(err); }
}

function route() {
  const m = location.hash.match(/^#tender\/(\d+)$/);
  if (m) { showTender(m[1]); return; }
  $("detail").hidden = true;
  $("board").hidden = false;
  loadBoard(false);
}

$("filters").addEventListener("submit", (e) => { e.preventDefault(); loadBoard(false); });
$("more").addEventListener("click", () => loadBoard(true));
$("lang").addEventListener("change", (e) => {
  lang = e.target.value; localStorage.setItem("procura.lang", lang); applyLanguage(); route();
});
$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const r = await api("POST", "/api/v1/auth/login", { username: $("username").value, password: $("password").value });
    token = r.token; role = r.role;
    sessionStorage.setItem("procura.token", token); sessionStorage.setItem("procura.role", role);
    $("password").value = ""; renderWho(); route();
  } catch (err) { showError(err); }
});
$("logout").addEventListener("click", async () => {
  try { await api("POST", "/api/v1/auth/logout"); } catch (err) { /* the token may have expired already */ }
  token = ""; role = ""; sessionStorage.clear(); renderWho(); route();
});
window.addEventListener("hashchange", route);
applyLanguage();
route();
