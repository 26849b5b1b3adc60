// The public verification page: checks a printed document's signed QR payload in the
// browser, as printing/QR_FORMAT.md "Verifying" says, step by step and in its order.
// The payload arrives in the URL's fragment, which browsers never send to a server.
"use strict";
(function () {
  const EPOCH_MS = Date.UTC(2000, 0, 1);
  const DAY_MS = 86400000;
  const LIFETIME_DAYS = 730; // a workstation certificate's lifetime (the not-before date)
  const MAX_PAYLOAD = 256;
  const VERSION = 2;
  const OFFICE = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
  const TYPES = {
    1: ["شهادة براءة ذمة مرورية", "Traffic clearance certificate"],
    2: ["إيصال", "Receipt"],
    3: ["مستخرج أحوال مدنية", "Civil-registry extract"],
    4: ["إيصال إلغاء", "Void receipt"],
  };
  const VERDICTS = {
    valid: ["المستند صحيح", "VALID"],
    invalid: ["المستند غير صحيح", "NOT VALID"],
    revoked: ["جهاز الإصدار ملغى: المستند غير مقبول", "REVOKED: the issuing window's key was withdrawn"],
    expired: ["المستند أصلي لكن صلاحيته انتهت", "GENUINE BUT EXPIRED"],
    unchecked: ["المستند أصلي، ولم يُتحقق من قائمة الإلغاء", "GENUINE; revocation NOT checked"],
    empty: ["امسح رمز QR المطبوع على المستند بكاميرا الهاتف", "Scan the QR code printed on the document with the phone's camera"],
    unsupported: ["هذا المتصفح لا يستطيع التحقق من التوقيع؛ حدّثه", "This browser cannot check the signature; update it"],
  };

  class Refusal extends Error {
    constructor(state, ar, en) {
      super(en);
      this.state = state;
      this.ar = ar;
      this.en = en;
    }
  }

  const malformed = () =>
    new Refusal("invalid", "رمز QR تالف أو ناقص.", "The QR payload is truncated or malformed.");

  function b64d(text) {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw malformed();
    let s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    let binary;
    try {
      binary = atob(s);
    } catch (e) {
      throw malformed();
    }
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function b64e(bytes) {
    let binary = "";
    bytes.forEach((b) => (binary += String.fromCharCode(b)));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  const big = (bytes, at, size) => {
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + bytes[at + i];
    return value;
  };
  const dayText = (n) => new Date(EPOCH_MS + n * DAY_MS).toISOString().slice(0, 10);

  function cairoToday() {
    const parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Africa/Cairo", year: "numeric", month: "2-digit", day: "2-digit",
    }).formatToParts(new Date()).forEach((p) => (parts[p.type] = Number(p.value)));
    return Math.round((Date.UTC(parts.year, parts.month - 1, parts.day) - EPOCH_MS) / DAY_MS);
  }

  // Steps 1 and 2: the version, and a complete parse.
  function parse(p) {
    if (p.length > MAX_PAYLOAD || p.length === 0 || p[0] !== VERSION) {
      throw new Refusal("invalid", "إصدار غير معروف لرمز QR.", "Unknown QR payload version.");
    }
    if (p.length < 11) throw malformed();
    const length = p[10];
    if (length < 1 || length > 12 || p.length !== 204 + length || !TYPES[p[1]]) throw malformed();
    const office = String.fromCharCode(...p.slice(11, 11 + length));
    const o = 11 + length;
    if (!OFFICE.test(office) || p[o] < 1 || p[o] > 99) throw malformed();
    return {
      type: p[1],
      number: big(p, 2, 4),
      sheet: big(p, 6, 4),
      office: office,
      window: p[o],
      issued: big(p, o + 1, 2),
      validDays: big(p, o + 3, 2),
      nationalId: big(p, o + 5, 6),
      amount: big(p, o + 11, 4),
      digest: p.slice(o + 15, o + 23),
      workstationKey: p.slice(o + 31, o + 63),
      certLastDay: big(p, o + 63, 2),
      hqSignature: p.slice(o + 65, o + 129),
      body: p.slice(0, o + 129),
      signature: p.slice(o + 129),
    };
  }

  async function ed25519(publicKey, signature, data) {
    let key;
    try {
      key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      if (e && e.name === "NotSupportedError") throw new Refusal("unsupported", "", "");
      throw malformed();
    }
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, data);
  }

  const workstationId = (d) => `${d.office}-W${String(d.window).padStart(2, "0")}`;

  function compactCertificate(d) {
    const id = new TextEncoder().encode(workstationId(d));
    const out = new Uint8Array(3 + 1 + id.length + 32 + 2);
    out.set([0x43, 0x57, 0x31, id.length]); // "CW1", then the id's length
    out.set(id, 4);
    out.set(d.workstationKey, 4 + id.length);
    out.set([d.certLastDay >> 8, d.certLastDay & 0xff], 4 + id.length + 32);
    return out;
  }

  // The trust list (revocations), signed by HQ: answered by the network or, offline, by
  // the last one the page kept. Null when there is none signed by the pinned key.
  async function loadTrust(hqKey, hqKeyText) {
    let answer;
    try {
      const response = await fetch("trust.json", { cache: "no-store" });
      if (!response.ok) return null;
      answer = await response.json();
    } catch (e) {
      return null;
    }
    try {
      const signed = b64d(String(answer.signed || ""));
      if (!(await ed25519(hqKey, b64d(String(answer.signature || "")), signed))) return null;
      const bundle = JSON.parse(new TextDecoder().decode(signed));
      if (bundle.kind !== "trust" || bundle.payload.hq_public_key !== hqKeyText) return null;
      return {
        issuedAt: bundle.issued_at,
        revoked: new Set(bundle.payload.revoked.map((r) => r.public_key)),
      };
    } catch (e) {
      if (e instanceof Refusal && e.state === "unsupported") throw e;
      return null; // a damaged list is no list
    }
  }

  // Steps 3 to 8.
  async function check(payload, hqKey, trust) {
    const d = parse(payload);
    if (!(await ed25519(hqKey, d.hqSignature, compactCertificate(d)))) {
      throw new Refusal("invalid", "جهاز الإصدار غير معتمد من المركز الرئيسي.",
        "The issuing workstation is not certified by HQ.");
    }
    if (!(await ed25519(d.workstationKey, d.signature, d.body))) {
      throw new Refusal("invalid", "توقيع المستند لا يطابق محتواه: غُيّر شيء فيه.",
        "The document's signature does not match its contents: something was changed.");
    }
    if (d.issued > d.certLastDay) {
      throw new Refusal("invalid", "كانت شهادة جهاز الإصدار منتهية عند الإصدار.",
        "The workstation's certificate had expired when this was issued.");
    }
    if (d.issued < d.certLastDay - LIFETIME_DAYS) {
      throw new Refusal("invalid", "تاريخ المستند سابق لاعتماد جهاز الإصدار.",
        "The document is dated before its workstation was certified.");
    }
    if (trust && trust.revoked.has(b64e(d.workstationKey))) {
      return [d, "revoked", "ألغى المركز الرئيسي اعتماد جهاز الإصدار: راجع المركز بشأن هذا المستند.",
        "HQ has revoked the issuing workstation: check this document with HQ."];
    }
    const today = cairoToday();
    if (d.issued > today + 1) {
      throw new Refusal("invalid", "تاريخ المستند في المستقبل.", "The document is dated in the future.");
    }
    if (d.validDays && today > d.issued + d.validDays) {
      const ended = dayText(d.issued + d.validDays);
      return [d, "expired", `انتهت صلاحيته في ${ended}.`, `Its validity ended on ${ended}.`];
    }
    if (!trust) {
      return [d, "unchecked", "لا توجد قائمة إلغاء موقعة من المركز على هذا الهاتف بعد.",
        "No revocation list signed by HQ is on this phone yet."];
    }
    return [d, "valid", "", ""];
  }

  function money(piastres) {
    const egp = piastres / 100;
    const ar = egp.toLocaleString("ar-EG", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return [`${ar} جنيه`, `EGP ${egp.toFixed(2)}`];
  }

  // A time of HQ's (ISO, UTC) as Cairo reads it: "2026-11-29 15:18".
  function cairoTime(iso) {
    const when = new Date(iso);
    if (isNaN(when)) return String(iso);
    const parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Africa/Cairo", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(when).forEach((p) => (parts[p.type] = p.value));
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  }

  // Each row: Arabic label, English label, and the value: one text, or [Arabic, English].
  function rows(d) {
    const nationalId = d.nationalId ? String(d.nationalId).padStart(14, "0") : "-";
    const digest = Array.from(d.digest, (b) => b.toString(16).padStart(2, "0")).join("");
    return [
      ["نوع المستند", "Document", TYPES[d.type]],
      ["رقم المستند", "Number", String(d.number)],
      ["مسلسل الورقة / الإيصال", "Sheet / receipt serial", d.sheet ? String(d.sheet) : "-"],
      ["جهة الإصدار", "Issued at", [
        `مكتب ${d.office}، الشباك ${d.window.toLocaleString("ar-EG")}`, workstationId(d)]],
      ["تاريخ الإصدار", "Issued on", dayText(d.issued)],
      ["صالح حتى", "Valid until",
        d.validDays ? dayText(d.issued + d.validDays) : ["بلا انتهاء", "no expiry"]],
      ["الرقم القومي", "National ID", nationalId],
      ["المبلغ", "Amount", money(d.amount)],
      ["بصمة البيانات المطبوعة", "Printed details digest", digest],
    ];
  }

  function element(tag, text, className, english) {
    const made = document.createElement(tag);
    made.textContent = text;
    if (className) made.className = className;
    if (english) {
      made.lang = "en";
      made.dir = "ltr";
    }
    return made;
  }

  function show(state, reasonAr, reasonEn, details, trust) {
    const verdict = document.getElementById("verdict");
    verdict.dataset.state = state;
    document.getElementById("verdict-ar").textContent = VERDICTS[state][0];
    document.getElementById("verdict-en").textContent = VERDICTS[state][1];
    const reason = document.getElementById("reason");
    reason.hidden = !(reasonAr || reasonEn);
    document.getElementById("reason-ar").textContent = reasonAr || "";
    document.getElementById("reason-en").textContent = reasonEn || "";
    const table = document.getElementById("details");
    const body = table.tBodies[0];
    body.replaceChildren();
    (details ? rows(details) : []).forEach(([ar, en, value]) => {
      const tr = body.insertRow();
      const th = element("th", ar);
      th.append(element("span", en, "en", true));
      const td = document.createElement("td");
      if (Array.isArray(value)) {
        td.append(element("span", value[0], "ar"), element("span", value[1], "en", true));
      } else {
        td.append(element("span", value, "", true));
      }
      tr.append(th, td);
    });
    table.hidden = !details;
    const note = document.getElementById("trust-note");
    note.replaceChildren();
    if (trust) {
      const at = cairoTime(trust.issuedAt);
      const ar = element("span", "قائمة الإلغاء الموقعة من المركز: ");
      ar.append(element("bdi", at, "", true));
      note.append(ar, element("span", `HQ's signed revocation list of ${at} (Cairo)`, "en", true));
    }
  }

  async function run() {
    const hqKeyText = document.body.dataset.hqKey;
    const fragment = decodeURIComponent(location.hash.replace(/^#/, "")).replace(/\s+/g, "");
    let trust = null;
    document.getElementById("verdict").dataset.state = "checking";
    try {
      const hqKey = b64d(hqKeyText);
      trust = await loadTrust(hqKey, hqKeyText);
      if (!fragment) {
        show("empty", "", "", null, trust);
        return;
      }
      const [details, state, ar, en] = await check(b64d(fragment), hqKey, trust);
      show(state, ar, en, details, trust);
    } catch (e) {
      if (e instanceof Refusal) {
        show(e.state, e.ar, e.en, null, trust);
      } else {
        show("invalid", "تعذّر قراءة المستند.", "The document could not be read.", null, trust);
      }
    }
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").catch(() => {});
  }
  window.addEventListener("hashchange", run);
  run();
})();
