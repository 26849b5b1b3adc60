"""Interface text in Arabic and English. One table, so a missing translation is visible."""

from __future__ import annotations

from counter_app.domain.text import to_arabic_indic

_TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("شباك الخدمات الحكومية - البريد المصري", "Egypt Post government services window"),
    "window_n": ("شباك {n}", "Window {n}"),
    "demo": ("نسخة تجريبية", "DEMO"),
    "sign_in_title": ("تسجيل دخول الموظف", "Clerk sign-in"),
    "username": ("اسم المستخدم", "Username"),
    "pin": ("الرقم السري", "PIN"),
    "sign_in": ("دخول", "Sign in"),
    "demo_hint": (
        "النسخة التجريبية: المستخدم mona والرقم السري 1234",
        "Demo: user mona, PIN 1234",
    ),
    "queue": ("الطابور", "Queue"),
    "current_ticket": ("التذكرة الحالية", "Current ticket"),
    "no_ticket": ("—", "—"),
    "waiting_n": ("في الانتظار: {n}", "Waiting: {n}"),
    "issue_ticket": ("إصدار تذكرة (F4)", "Issue ticket (F4)"),
    "call_next": ("نداء التالي (F2)", "Call next (F2)"),
    "finish_served": ("تمت الخدمة (F3)", "Served (F3)"),
    "no_show": ("لم يحضر (F6)", "No-show (F6)"),
    "recall": ("إعادة النداء (F5)", "Recall (F5)"),
    "nobody_waiting": ("لا يوجد أحد في الانتظار", "Nobody is waiting"),
    "ticket_called": ("نُودي على التذكرة رقم {n}", "Ticket {n} called"),
    "ticket_recalled": ("أُعيد النداء على التذكرة رقم {n}", "Ticket {n} called again"),
    "ticket_served": (
        "انتهت خدمة التذكرة رقم {n}. للتراجع: Ctrl+Z خلال دقيقة",
        "Ticket {n} served. To undo: Ctrl+Z within a minute",
    ),
    "ticket_no_show": (
        "سُجلت التذكرة رقم {n} لم يحضر. للتراجع: Ctrl+Z خلال دقيقة",
        "Ticket {n} marked no-show. To undo: Ctrl+Z within a minute",
    ),
    "ticket_reopened": ("أُعيد فتح التذكرة رقم {n}", "Ticket {n} reopened"),
    "park": ("تعليق (F11)", "Park (F11)"),
    "resume": ("استئناف (Shift+F11)", "Resume (Shift+F11)"),
    "transfer": ("تحويل (F12)", "Transfer (F12)"),
    "ticket_parked": (
        "عُلّقت التذكرة {n}؛ استأنفها بـ Shift+F11",
        "Ticket {n} parked; resume with Shift+F11",
    ),
    "ticket_resumed": ("استُؤنفت خدمة التذكرة {n}", "Ticket {n} resumed"),
    "ticket_transferred": ("حُوّلت التذكرة إلى {to}", "Ticket sent to {to}"),
    "transfer_prompt": (
        "حرف المجموعة ({groups}) أو رقم الشباك:",
        "Group letter ({groups}) or window number:",
    ),
    "resume_prompt": ("التذكرة المعلّقة:", "Parked ticket:"),
    "parked_n": ("معلّقة: {n}", "Parked: {n}"),
    "rate_prompt": ("تقييم المواطن: Ctrl+1 إلى Ctrl+5", "Citizen's rating (Ctrl+1 … Ctrl+5)"),
    "rate_n": ("تقييم {n}", "Rate {n}"),
    **{f"rate_{n}": (f"تقييم {n} من 5", f"Rating {n} of 5") for n in range(1, 6)},
    "ticket_rated": ("سُجل تقييم التذكرة {n}: {rating} من ٥", "Ticket {n} rated {rating} of 5"),
    "host_away": (
        "مضيف الطابور غير متاح: يعمل الشباك بتذاكره الخاصة",
        "Queue host away: this window works on its own tickets",
    ),
    "host_ok": ("متصل بمضيف الطابور", "Queue host connected"),
    "kiosk_title": ("اختر الخدمة لتحصل على رقم دورك", "Choose a service to get your number"),
    "kiosk_priority": ("أولوية", "Priority"),
    "kiosk_ticket": (
        "رقمك {n}\nأمامك {ahead} — الانتظار المتوقع نحو {minutes} دقيقة",
        "Your number {n}\n{ahead} ahead — about {minutes} min wait",
    ),
    "kiosk_failed": (
        "تعذر إصدار التذكرة؛ اطلب المساعدة من الموظف",
        "No ticket could be issued; ask a clerk",
    ),
    "display_now": ("الآن", "Now serving"),
    "display_window": ("الشباك", "Window"),
    "display_earlier": ("النداءات السابقة", "Earlier calls"),
    "display_waiting": ("في الانتظار", "Waiting"),
    "display_host_away": ("جارٍ الاتصال بمضيف الطابور…", "Reaching the queue host…"),
    "passport_mrz": (
        "جواز سفر: سطرا المنطقة المقروءة آليًا (Ctrl+M)",
        "Passport: the two MRZ lines (Ctrl+M)",
    ),
    "holder": ("الاسم", "Name"),
    "focus_passport": ("جواز سفر (Ctrl+M)", "Passport (Ctrl+M)"),
    "queue_figures": ("أرقام الطابور (Ctrl+Shift+Q)", "Queue figures (Ctrl+Shift+Q)"),
    "queue_figures_head": (
        "أرقام اليوم: {n} تذكرة، والانتظار المستهدف {target} دقيقة (الأوقات بالدقائق)",
        "Today: {n} tickets; target wait {target} min (times in minutes)",
    ),
    "supervisor_only": ("هذه الشاشة للمشرف فقط", "Only a supervisor may open this"),
    "fig_office": ("المكتب", "Office"),
    "fig_group": ("مجموعة", "Group"),
    "fig_window": ("شباك", "Window"),
    "fig_clerk": ("موظف", "Clerk"),
    "fig_issued": ("صدرت", "Issued"),
    "fig_served": ("خُدمت", "Served"),
    "fig_no_show": ("لم يحضر", "No-show"),
    "fig_abandoned": ("غادر", "Left"),
    "fig_wait_median_min": ("انتظار (وسيط)", "Wait p50"),
    "fig_wait_p90_min": ("انتظار ٩٠٪", "Wait p90"),
    "fig_service_median_min": ("خدمة (وسيط)", "Service p50"),
    "fig_service_p90_min": ("خدمة ٩٠٪", "Service p90"),
    "fig_within_target": ("ضمن المستهدف", "Within target"),
    "fig_no_show_rate": ("نسبة عدم الحضور", "No-show rate"),
    "fig_rating_mean": ("التقييم", "Rating"),
    "scan_refused": (
        "قراءة الماسح غير مفهومة؛ أعد المسح",
        "The scan was not understood; scan again",
    ),
    "passport_read": ("قُرئ الجواز: {name}", "Passport read: {name}"),
    "identity_captured": (
        "سُجلت الهوية؛ قارن البيانات بالبطاقة",
        "Identity captured: compare with the card",
    ),
    "ticket_issued": ("صدرت التذكرة رقم {n}", "Ticket {n} issued"),
    "ticket_not_printed": (
        "صدرت التذكرة رقم {n} ولم تُطبع. أصلح الطابعة ثم أعد الطباعة.",
        "Ticket {n} issued, not printed ({reason}). Fix the printer, then reprint.",
    ),
    "identity": ("هوية المواطن", "Citizen identity"),
    "national_id": ("الرقم القومي (14 رقمًا)", "National ID number (14 digits)"),
    "capture": ("تسجيل", "Capture"),
    "birth_date": ("تاريخ الميلاد", "Birth date"),
    "birthplace": ("محافظة الميلاد", "Governorate of birth"),
    "gender": ("النوع", "Gender"),
    "number": ("الرقم", "Number"),
    "services": ("الخدمات", "Services"),
    "status_offline": ("لم يُتصل بالمركز بعد", "HQ not reached yet"),
    "status_not_enrolled": ("غير مسجل لدى المركز", "Not enrolled with HQ"),
    "status_online": ("متصل بالمركز", "HQ online"),
    "status_last_sync": ("آخر مزامنة {time}", "synced {time}"),
    "status_never_synced": ("لم تتم مزامنة بعد", "never synced"),
    "status_syncing": ("جارٍ الإرسال {sent} من {total}", "Sending {sent} of {total}"),
    "status_clock": (
        "تنبيه: ساعة الجهاز تختلف عن المركز بـ {minutes} دقيقة",
        "Warning: this PC's clock is {minutes} min off HQ's",
    ),
    "sync_now": ("مزامنة الآن (F9)", "Sync now (F9)"),
    "status_waiting": ("في انتظار المزامنة: {n}", "To sync: {n}"),
    "status_printer": ("الطابعة: {state}", "Printer: {state}"),
    "status_clerk": ("الموظف: {name}", "Clerk: {name}"),
    "status_no_clerk": ("لا يوجد موظف", "No clerk signed in"),
    "printer_ready": ("جاهزة", "ready"),
    "printer_paper_low": ("الورق قارب على النفاد", "paper low"),
    "printer_paper_out": ("نفد الورق", "out of paper"),
    "printer_cover_open": ("الغطاء مفتوح", "cover open"),
    "printer_offline": ("غير متصلة", "offline"),
    "printer_unknown": ("حالتها غير معروفة", "state unknown"),
    "menu_counter": ("الشباك", "&Counter"),
    "menu_session": ("الموظف", "&Session"),
    "menu_visit": ("الزيارة", "&Visit"),
    "undo": ("تراجع عن آخر إنهاء (Ctrl+Z)", "Undo last finish (Ctrl+Z)"),
    "focus_id": ("خانة الرقم القومي (Ctrl+I)", "National ID field (Ctrl+I)"),
    "check_hq": ("فحص الاتصال بالمركز (Ctrl+H)", "Check the link to HQ (Ctrl+H)"),
    "checking_hq": ("جارٍ سؤال المركز الرئيسي…", "Asking HQ…"),
    "cancel_esc": ("إلغاء (Esc)", "Cancel (Esc)"),
    "hq_answered": (
        "المركز الرئيسي يرد: يحتفظ بـ {acked} قيدًا من هذا الشباك",
        "HQ answers: it holds {acked} entries from this window",
    ),
    "sync_requested": ("بدأت المزامنة مع المركز", "Sync with HQ started"),
    "sign_out": ("تسجيل الخروج (Ctrl+Shift+O)", "Sign out (Ctrl+Shift+O)"),
    "signed_out": ("تم تسجيل الخروج", "Signed out"),
    "close_shift": (
        "إغلاق الوردية وتسجيل الخروج (Ctrl+Shift+E)",
        "Close shift and sign out (Ctrl+Shift+E)",
    ),
    "close_day": ("إغلاق يوم العمل (Ctrl+Shift+D)", "Close the business day (Ctrl+Shift+D)"),
    "shift_open_title": ("فتح الوردية: عد الفكة", "Open the shift: count the float"),
    "shift_close_title": ("إغلاق الوردية: عد الدرج", "Close the shift: count the drawer"),
    "day_close_title": ("إغلاق يوم العمل", "Close the business day"),
    "shift_closed": ("أُغلقت الوردية وتم تسجيل الخروج", "Shift closed and signed out"),
    "close_title": ("إغلاق الشباك", "Close the counter"),
    "close_with_shift": (
        "الوردية ما زالت مفتوحة. هل تريد إغلاق البرنامج؟ تبقى الوردية مفتوحة حتى تُغلق.",
        "The shift is still open. Close the program? The shift stays open until it is closed.",
    ),
    "status_offline_since": ("غير متصل بالمركز منذ {time}", "HQ offline since {time}"),
    "status_refused": ("المركز رفض: {reason}", "HQ refused: {reason}"),
    "status_not_enrolled_hint": (
        "غير مسجل لدى المركز: يسجله مسؤول الدعم بالأمر counter-app enroll",
        "Not enrolled with HQ: IT enrols it with counter-app enroll",
    ),
    # ---- the visit and its services ----
    "visit": ("الزيارة", "Visit"),
    "add_service": ("إضافة خدمة (F7)", "Add service (F7)"),
    "pay": ("الدفع (F8)", "Pay (F8)"),
    "remove_service": ("حذف الخدمة المحددة (Delete)", "Remove selected service (Delete)"),
    "void_payment": ("إلغاء سداد… (Ctrl+Shift+V)", "Void a payment… (Ctrl+Shift+V)"),
    "lock_screen": ("قفل الشاشة (Ctrl+L)", "Lock the screen (Ctrl+L)"),
    "total_due": ("الإجمالي المطلوب: {amount}", "Total due: {amount}"),
    "basket_empty": ("لم تُضف خدمات بعد: F7 لإضافة خدمة", "No services yet: F7 adds one"),
    "picker_title": ("اختيار الخدمة", "Choose a service"),
    "picker_search": ("ابحث بالاسم أو الرمز", "Search by name or code"),
    "kind_later": (
        "تُقدم «{name}» من هذا الشباك في إصدار قادم",
        "'{name}' is offered at this window in a coming version",
    ),
    "fines_title": ("المخالفات المرورية", "Traffic fines"),
    "inquire_by": ("الاستعلام بـ", "Inquire by"),
    "by_national_id": ("الرقم القومي", "National ID"),
    "by_plate": ("رقم اللوحة", "Plate number"),
    "by_licence": ("رقم الرخصة", "Licence number"),
    "inquire": ("استعلام (Enter)", "Inquire (Enter)"),
    "asking_fines": ("جارٍ الاستعلام عن المخالفات لدى المركز…", "Asking HQ for the fines…"),
    "fines_live": ("رد مباشر من {source}", "Live answer from {source}"),
    "fines_cached": (
        "لا يوجد اتصال: آخر استعلام محفوظ {age}. السداد مؤقت حتى تسويته بالمركز.",
        "Offline: last saved inquiry {age}. Payment is provisional until HQ settles it.",
    ),
    "no_fines": ("لا توجد مخالفات مستحقة", "No fines outstanding"),
    "add_to_visit": ("إضافة إلى الزيارة (Ctrl+Enter)", "Add to the visit (Ctrl+Enter)"),
    "added_to_visit": ("أُضيفت إلى الزيارة: {name}", "Added to the visit: {name}"),
    "certificate_title": ("شهادة براءة الذمة", "Clearance certificate"),
    "check_hq_clear": ("التحقق لدى المركز (Enter)", "Check with HQ (Enter)"),
    "asking_clearance": ("جارٍ التحقق لدى المركز من عدم وجود مخالفات…", "Asking HQ for clearance…"),
    "clear_confirmed": (
        "أكد المركز: لا توجد مخالفات مستحقة. أكمل البيانات وامسح الورقة المؤمنة.",
        "HQ confirms nothing is outstanding. Complete the details and scan the security sheet.",
    ),
    "citizen_name": ("اسم المواطن كما في البطاقة", "Citizen's name as on the card"),
    "plate": ("رقم اللوحة", "Plate number"),
    "licence": ("رقم الرخصة", "Licence number"),
    "sheet_serial": ("مسلسل الورقة المؤمنة (امسحه)", "Security sheet serial (scan it)"),
    "tender_title": ("الدفع", "Payment"),
    "cash_tendered": ("النقدية المستلمة", "Cash handed over"),
    "card_amount": ("المبلغ بالبطاقة البنكية", "Amount by bank card"),
    "approval_code": ("رمز موافقة البنك", "Bank approval code"),
    "prepaid_amount": ("المبلغ بكارت الخدمات", "Amount by prepaid card"),
    "prepaid_number": ("رقم كارت الخدمات", "Prepaid card number"),
    "change_due": ("الباقي للمواطن: {amount}", "Change to give: {amount}"),
    "confirm_pay": ("تأكيد الدفع (Enter)", "Confirm payment (Enter)"),
    "paying": ("جارٍ تسجيل الدفع…", "Recording the payment…"),
    "paid": (
        "تم الدفع: إيصال رقم {receipt}. الباقي {change}",
        "Paid: receipt {receipt}. Change {change}",
    ),
    "paid_provisional": (
        "تم الدفع مؤقتًا: إيصال رقم {receipt} (يُسوى مع المركز عند المزامنة). الباقي {change}",
        "Paid provisionally: receipt {receipt} (HQ settles it at sync). Change {change}",
    ),
    "paid_conflict": (
        "تنبيه من المركز بعد الدفع (إيصال {receipt}): {message}",
        "HQ's warning after the payment (receipt {receipt}): {message}",
    ),
    "print_failed": (
        "لم تتم الطباعة ({reason}). الدفع مسجل؛ أصلح الطابعة ثم أعد الطباعة.",
        "Not printed ({reason}). The payment is recorded; fix the printer, then reprint.",
    ),
    "payment_under_way": (
        "الدفع قيد التسجيل ولا يُلغى الآن؛ انتظر النتيجة",
        "The payment is being recorded and cannot be cancelled now; wait for the result",
    ),
    "approval_title": ("موافقة المشرف", "Supervisor approval"),
    "approve_void": (
        "إلغاء الإيصال رقم {receipt} بمبلغ {amount} للسبب: {reason}",
        "Void receipt {receipt} for {amount}, because: {reason}",
    ),
    "void_receipt_number": ("رقم الإيصال المراد إلغاؤه", "Receipt number to void"),
    "void_reason": ("سبب الإلغاء", "Reason for the void"),
    "supervisor": ("المشرف", "Supervisor"),
    "acknowledge_tamper": (
        "إقرار المشرف بالعبث المكتشف (Ctrl+Shift+A)",
        "Supervisor acknowledges tampering found (Ctrl+Shift+A)",
    ),
    "tamper_title": ("اكتُشف عبث بسجل الشباك", "Tampering found at this window"),
    "tamper_explain": (
        "وجد الشباك عند بدء التشغيل أو عند إغلاق اليوم ما لا يفسره إلا العبث أو تلف القرص. "
        "لم يُصلح شيء، وأُبلغ المركز الرئيسي مع المزامنة. لا تُسجل عمليات جديدة حتى يطلع "
        "مشرف (غير الموظف على الشباك) ويكتب ما يعرفه.",
        "At start or at day close the window found what only tampering (or a damaged disk) "
        "explains. Nothing was repaired, and HQ hears of it with the next sync. New "
        "operations wait until a supervisor (not the clerk at this window) has read this "
        "and written what they know.",
    ),
    "tamper_note": ("ما يعرفه المشرف عن السبب", "What the supervisor knows of the cause"),
    "acknowledge": ("إقرار (Enter)", "Acknowledge (Enter)"),
    "status_tamper": (
        "⚠ عبث مكتشف (القيد {seq}): Ctrl+Shift+A",
        "⚠ Tampering (entry {seq}): Ctrl+Shift+A",
    ),
    "tamper_acknowledged": (
        "أقر المشرف بما وُجد؛ استؤنفت العمليات",
        "The supervisor acknowledged what was found; operations resume",
    ),
    "approve": ("موافقة (Enter)", "Approve (Enter)"),
    "voided": (
        "أُلغي الإيصال رقم {receipt}؛ طُبع إيصال الإلغاء رقم {void}. رد للمواطن {amount}",
        "Receipt {receipt} voided; void receipt {void} printed. Give back {amount}",
    ),
    "reprint_title": ("طباعة شهادة مرة أخرى", "Print a certificate again"),
    "reprint_certificate": ("طباعة شهادة مرة أخرى (Ctrl+P)", "Print a certificate again (Ctrl+P)"),
    "certificate_number": ("رقم الشهادة", "Certificate number"),
    "print_again": ("طباعة (Enter)", "Print (Enter)"),
    "printing_again": ("جارٍ طباعة الشهادة…", "Printing the certificate…"),
    "reprint_is_copy": (
        "طُبعت هذه الشهادة من قبل: الطباعة الجديدة نسخة وتحتاج موافقة المشرف.",
        "This certificate was printed before: printing it again is a copy and needs a supervisor.",
    ),
    "certificate_not_printed": (
        "لم تُطبع الشهادة ({reason}) وسُجلت الورقة {sheet} تالفة. أصلح الطابعة، ثم Ctrl+P "
        "وامسح ورقة جديدة.",
        "The certificate did not print ({reason}); sheet {sheet} is recorded spoiled. Fix the "
        "printer, then Ctrl+P and scan a new sheet.",
    ),
    "certificate_printed": (
        "طُبعت الشهادة على الورقة {sheet}",
        "The certificate printed on sheet {sheet}",
    ),
    "instructions_title": ("تعليمات من المركز الرئيسي", "Instructions from HQ"),
    "instructions_key": ("تعليمات المركز (Ctrl+Shift+I)", "HQ's instructions (Ctrl+Shift+I)"),
    "instruction_note": ("ملاحظتك (مطلوبة عند الاعتراض)", "Your note (needed to dispute)"),
    "instruction_accept": ("قبول (Enter)", "Accept (Enter)"),
    "instruction_dispute": ("اعتراض (Ctrl+D)", "Dispute (Ctrl+D)"),
    "instructions_waiting": (
        "تعليمات من المركز تنتظر ردك ({n}): Ctrl+Shift+I",
        "Instructions from HQ wait for your answer ({n}): Ctrl+Shift+I",
    ),
    "status_instructions": ("✉ تعليمات: {n}", "✉ Instructions: {n}"),
    "status_caps_cash": (
        "نقدية لم تصل المركز {cash} من حد {cap}",
        "Cash HQ has not seen: {cash} of the {cap} cap",
    ),
    "status_caps_certificates": (
        "شهادات لم تصل المركز {n} من حد {cap}",
        "Certificates HQ has not seen: {n} of the {cap} cap",
    ),
    "status_caps_sync": ("زامن (F9)", "sync (F9)"),
    "no_instructions": ("لا توجد تعليمات تنتظر الرد", "No instruction waits for an answer"),
    "locked_title": ("الشاشة مقفلة", "Screen locked"),
    "locked_hint": (
        "الوردية ما زالت مفتوحة. يعود الموظف برقمه السري، أو يتسلم موظف آخر الشباك.",
        "The shift stays open. The clerk returns with their PIN, or another clerk takes over.",
    ),
    "unlock": ("فتح (Enter)", "Unlock (Enter)"),
    "screen_locked": ("قُفلت الشاشة", "Screen locked"),
    "unexpected": (
        "حدث خطأ غير متوقع ولم تتم العملية. التفاصيل في سجل البرنامج.",
        "An unexpected error occurred; the operation was not done. Details are in the log.",
    ),
    # requests delivered later, mobile linking, tracking
    "record_found": (
        "القيد موجود في السجل المدني: راجعه مع المواطن ثم امسح مسلسل الورقة المؤمنة",
        "The civil registry holds the record: check it with the citizen, then scan the "
        "security sheet's serial",
    ),
    "civil_extract_title": ("مستخرج من السجل المدني", "Civil registry extract"),
    "request_title": ("طلب يُسلم لاحقًا", "Request delivered later"),
    "citizen_mobile": ("رقم المحمول (للرسائل)", "Mobile (for SMS)"),
    "relation": ("صلة الطالب بصاحب القيد", "Applicant's relation"),
    "subject_name": ("اسم صاحب القيد", "Name on the record"),
    "deliver_home": ("توصيل للمنزل بالبريد السريع", "Deliver home by express mail"),
    "governorate": ("المحافظة", "Governorate"),
    "district": ("الحي أو المركز", "District"),
    "street": ("العنوان (الشارع ورقم العقار)", "Address (street and building)"),
    "grounds": ("أسباب التظلم", "Grounds of the appeal"),
    "appeal_fines": ("المخالفات المتظلم منها", "Fines appealed against"),
    "inquire_fines": ("استعلام عن المخالفات", "Look up the fines"),
    "take_photo": ("التقاط الصورة (Ctrl+K)", "Take photo (Ctrl+K)"),
    "photo_taken": ("التُقطت الصورة", "Photo taken"),
    "no_photo": ("لا توجد صورة بعد", "No photo yet"),
    "request_added": (
        "أُضيف الطلب إلى الزيارة؛ يُطبع إيصال الطلب برقم التتبع بعد الدفع",
        "The request joined the visit; its slip with the tracking number prints after payment",
    ),
    "requests_taken": (
        "رقم التتبع: {numbers}. يُرسل إلى المركز عند المزامنة",
        "Tracking number: {numbers}. It goes to HQ at the next sync",
    ),
    "otp_title": ("ربط الرقم القومي بالمحمول", "Link a national ID to a mobile"),
    "send_code": ("إرسال الرمز", "Send the code"),
    "sending_code": ("جارٍ إرسال الرمز عبر المركز...", "Sending the code through HQ..."),
    "otp_code": ("الرمز الذي وصل للمواطن", "The code the citizen received"),
    "check_code": ("تحقق وربط", "Check and link"),
    "checking_code": ("جارٍ التحقق من الرمز...", "Checking the code..."),
    "code_sent": (
        "أُرسل الرمز إلى {mobile}؛ صالح حتى {until}. اطلب من المواطن قراءته",
        "Code sent to {mobile}, valid until {until}. Ask the citizen to read it out",
    ),
    "mobile_linked": (
        "رُبط الرقم القومي بالمحمول {mobile}",
        "The national ID is linked to {mobile}",
    ),
    "tracking_title": ("تتبع طلب", "Track a request"),
    "tracking_number": ("رقم التتبع", "Tracking number"),
    "track": ("تتبع", "Track"),
    "asking_tracking": ("جارٍ سؤال المركز عن الطلب...", "Asking HQ about the request..."),
    "tracking_live": ("حالة الطلب الآن من المركز", "The request's status now, from HQ"),
    "tracking_cached": (
        "لا اتصال: آخر حالة معروفة في هذا المكتب، منذ {age}",
        "Offline: the last status known here, {age} old",
    ),
    "consignment": ("رقم الشحنة: {number}", "Consignment: {number}"),
    "hand_over": ("تسليم لصاحبه (Ctrl+H)", "Hand over to its owner (Ctrl+H)"),
    "collector_id": ("الرقم القومي لمن يستلم", "National ID of the person collecting"),
    "handed_over": ("سُلم الطلب {number} لصاحبه", "Request {number} handed to its owner"),
}


def tr(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled; digits Arabic-Indic in Arabic."""
    ar, en = _TEXT[key]
    if lang == "ar":
        return ar.format(**{k: to_arabic_indic(str(v)) for k, v in values.items()})
    return en.format(**values)


def tr_code(key: str, lang: str, **values: object) -> str:
    """As `tr`, but the values keep their digits: codes such as a tracking number are
    printed and typed with Latin digits in either language."""
    ar, en = _TEXT[key]
    return (ar if lang == "ar" else en).format(**values)


def has(key: str) -> bool:
    return key in _TEXT


def tr_both(key: str, **values: object) -> tuple[str, str]:
    """The text for `key` in Arabic and in English (for messages, which show both)."""
    return tr(key, "ar", **values), tr(key, "en", **values)


def ltr(text: str) -> str:
    """Keep left-to-right text (ID numbers, codes) in order inside a right-to-left line:
    without this "2900101******5" shows as "5******2900101". Left-to-right marks rather
    than isolates (U+2066), which Qt's labels do not apply."""
    return f"\u200e{text}\u200e"


def number(value: int, lang: str) -> str:
    return to_arabic_indic(str(value)) if lang == "ar" else str(value)
