"""What the people of a generated national trial write (kindred.demo.national): the words and
sentence shapes of posts and thread titles, network names, event titles and purposes, in the
language of the country whose places were generated (its profile's `language`: Arabic for Egypt,
Welsh for Wales, English otherwise). Like kindred/demo/texts.py, these are what people would type, stored as typed,
not interface strings."""

from dataclasses import dataclass

from kindred import countries


@dataclass(frozen=True)
class NationalWords:
    words: tuple[str, ...]
    sentence_shapes: tuple[str, ...]  # {a} {b} {c}: words; {n}: a year group
    thread_shapes: tuple[str, ...]  # {a} {b}: words; {A}: the first, capitalised
    training_topics: tuple[str, ...]
    pupil_events: tuple[tuple[str, str], ...]  # (Event.Kind value, title)
    network_words: dict[str, str]  # Network.Kind value -> what a network of that kind is called
    network_name: str  # {town} {word} {number}
    purpose: str
    meeting: str
    leave_reason: str

    def capitalised(self, word: str) -> str:
        return word[:1].upper() + word[1:]


ENGLISH = NationalWords(
    words=(
        "reading", "phonics", "fluency", "vocabulary", "writing", "oracy", "maths", "fractions",
        "reasoning", "times", "tables", "science", "practical", "enquiry", "history", "geography",
        "art", "music", "drama", "sport", "attendance", "behaviour", "wellbeing", "inclusion", "SEND",
        "transition", "assessment", "feedback", "marking", "moderation", "curriculum", "planning",
        "sequencing", "retrieval", "homework", "parents", "governors", "budget", "staffing",
        "recruitment", "mentoring", "coaching", "early", "career", "teachers", "subject", "leaders",
        "trips", "clubs", "breakfast", "library", "tutoring", "disadvantaged", "pupils", "catch", "up",
        "intervention", "lesson", "study", "observation", "peer", "review", "data", "targets",
        "progress", "outcomes", "Welsh", "Arabic", "French", "Spanish", "computing", "coding",
        "online", "safety", "safeguarding", "training", "timetable", "calendar", "cover", "supply",
        "exams", "mocks", "revision", "coursework", "moderation", "trust", "partnership", "cluster",
        "network", "meeting", "agenda", "minutes", "actions", "resources", "template", "policy",
        "evidence", "impact", "survey", "voice", "council",
    ),
    sentence_shapes=(
        "Has anyone tried {a} with {b}?",
        "We are trialling {a} in year {n} and would welcome ideas on {b}.",
        "Our {a} policy is attached below; it covers {b} and {c}.",
        "Thanks for sharing. We found {a} helped most with {b}.",
        "Could we add {a} and {b} to the agenda for the next meeting?",
        "A reminder that the {a} training is on {b} this term.",
        "Our data on {a} show progress in {b}, less so in {c}.",
        "Happy to host a visit to see {a} and {b} in practice.",
    ),
    thread_shapes=(
        "{A} and {b}",
        "Ideas for {a}",
        "{A}: what works?",
        "Sharing our {a} plan",
        "Visit: {a} in practice",
    ),
    training_topics=(
        "Reading for pleasure",
        "Feedback that moves learning",
        "Inclusive classrooms",
        "Maths mastery",
    ),
    pupil_events=(
        ("sport", "Cross-country run"),
        ("debate", "Debating competition"),
        ("cultural", "Music festival"),
        ("academic", "Science fair"),
    ),
    network_words={
        "community": "Community of Schools",
        "cluster": "Cluster",
        "subject": "Maths Network",
        "partnership": "Learning Partnership",
    },
    network_name="{town} {word} {number}",
    purpose="Sharing practice between neighbouring schools",
    meeting="Network meeting",
    leave_reason="Joined a network nearer to the school",
)  # fmt: skip

# Egyptian Arabic as a school's staff would write it (first draft; a native speaker's review is
# welcome, as for the catalogues' entries marked "needs native review").
ARABIC = NationalWords(
    words=(
        "القراءة", "الأصوات", "الطلاقة", "المفردات", "الكتابة", "التحدث", "الرياضيات", "الكسور",
        "الاستدلال", "جدول الضرب", "العلوم", "التجارب العملية", "الاستقصاء", "التاريخ", "الجغرافيا",
        "التربية الفنية", "التربية الموسيقية", "المسرح المدرسي", "التربية الرياضية", "الحضور", "السلوك",
        "الرفاهية", "الدمج", "ذوي الاحتياجات الخاصة", "الانتقال بين المراحل", "التقويم",
        "التغذية الراجعة", "التصحيح", "المراجعة المشتركة", "المناهج", "التخطيط", "تسلسل الدروس",
        "الاسترجاع", "الواجبات المنزلية", "أولياء الأمور", "مجلس الأمناء", "الميزانية", "توزيع المعلمين",
        "التعيين", "الإرشاد", "التوجيه الفني", "المعلمين الجدد", "رؤساء الأقسام", "الرحلات",
        "الأنشطة", "الإفطار المدرسي", "المكتبة", "مجموعات التقوية", "التلاميذ الأولى بالرعاية",
        "التدخل المبكر", "الدرس", "المذاكرة", "الزيارات الصفية", "تبادل الزيارات", "البيانات",
        "الأهداف", "التقدم", "النتائج", "اللغة الإنجليزية", "اللغة الفرنسية", "الحاسب الآلي",
        "البرمجة", "التعلم الإلكتروني", "الأمان على الإنترنت", "حماية الطفل", "التدريب", "الجدول",
        "التقويم المدرسي", "الحصص الاحتياطية", "الامتحانات", "الامتحانات التجريبية", "المراجعة النهائية",
        "الأبحاث", "الشراكة", "المجموعة", "الشبكة", "الاجتماع", "جدول الأعمال", "المحضر",
        "المهام", "المصادر", "النماذج", "اللائحة", "الأدلة", "الأثر", "الاستبيان", "صوت التلاميذ",
        "البرلمان المدرسي",
    ),
    sentence_shapes=(
        "هل جرّب أحد {a} مع {b}؟",
        "نجرّب {a} في الصف {n} ونرحب بأفكاركم عن {b}.",
        "أرفقنا لائحتنا عن {a} بالأسفل؛ وهي تشمل {b} و{c}.",
        "شكرًا على المشاركة. وجدنا أن {a} ساعد أكثر في {b}.",
        "هل يمكن إضافة {a} و{b} إلى جدول أعمال الاجتماع القادم؟",
        "للتذكير: التدريب على {a} يتناول {b} هذا الفصل الدراسي.",
        "بياناتنا عن {a} تُظهر تقدمًا في {b}، وأقل في {c}.",
        "يسعدنا استضافة زيارة لرؤية {a} و{b} عمليًا.",
    ),
    thread_shapes=(
        "{a} و{b}",
        "أفكار عن {a}",
        "{a}: ما الذي ينجح؟",
        "نشارككم خطتنا في {a}",
        "زيارة: {a} عمليًا",
    ),
    training_topics=(
        "حب القراءة",
        "تغذية راجعة تدفع التعلم",
        "فصول دامجة للجميع",
        "الرياضيات بالإتقان",
    ),
    pupil_events=(
        ("sport", "سباق الجري المدرسي"),
        ("debate", "مسابقة المناظرات"),
        ("cultural", "مهرجان الموسيقى"),
        ("academic", "معرض العلوم"),
    ),
    network_words={
        "community": "مجتمع مدارس",
        "cluster": "مجموعة مدارس",
        "subject": "شبكة الرياضيات في",
        "partnership": "شراكة التعلم في",
    },
    network_name="{word} {town} {number}",
    purpose="تبادل الممارسات بين المدارس المتجاورة",
    meeting="اجتماع الشبكة",
    leave_reason="انضمت إلى شبكة أقرب إلى المدرسة",
)  # fmt: skip

# Welsh as a school's staff would write it (first draft, written with care; a native speaker's review
# is welcome). Each word is put where Welsh leaves it unmutated: at the start, after a colon, after
# "ynghylch" or "o ran", or as the object of a verb-noun.
WELSH = NationalWords(
    words=(
        "darllen", "ffoneg", "rhuglder", "geirfa", "ysgrifennu", "llafaredd", "mathemateg", "ffracsiynau",
        "rhesymu", "tablau lluosi", "gwyddoniaeth", "gwaith ymarferol", "ymholi", "hanes", "daearyddiaeth",
        "celf", "cerddoriaeth", "drama", "chwaraeon", "presenoldeb", "ymddygiad", "llesiant", "cynhwysiant",
        "anghenion dysgu ychwanegol", "pontio", "asesu", "adborth", "marcio", "safoni", "cwricwlwm",
        "cynllunio", "dilyniant", "adalw", "gwaith cartref", "rhieni", "llywodraethwyr", "cyllideb",
        "staffio", "recriwtio", "mentora", "hyfforddi", "athrawon newydd", "arweinwyr pwnc", "tripiau",
        "clybiau", "clwb brecwast", "llyfrgell", "tiwtora", "dysgwyr difreintiedig", "ymyrraeth",
        "astudio gwersi", "arsylwi gwersi", "adolygu gan gymheiriaid", "data", "targedau", "cynnydd",
        "deilliannau", "Cymraeg", "Saesneg", "Ffrangeg", "Sbaeneg", "cyfrifiadura", "codio",
        "diogelwch ar-lein", "diogelu", "hyfforddiant", "amserlen", "calendr", "athrawon cyflenwi",
        "arholiadau", "ffug arholiadau", "adolygu", "gwaith cwrs", "partneriaeth", "clwstwr", "rhwydwaith",
        "cyfarfodydd", "agenda", "cofnodion", "camau gweithredu", "adnoddau", "templedi", "polisi",
        "tystiolaeth", "effaith", "arolwg", "llais y disgybl", "cyngor ysgol", "y Siarter Iaith",
        "Cwricwlwm i Gymru", "sgiliau digidol", "rhifedd", "llythrennedd",
    ),
    sentence_shapes=(
        "Oes rhywun wedi treialu {a}? Byddai syniadau ynghylch {b} yn help mawr.",
        "Rydyn ni'n treialu {a} ym mlwyddyn {n} a byddem yn croesawu syniadau ynghylch {b}.",
        "Mae ein polisi ynghylch {a} wedi'i atodi isod. Mae'n cynnwys {b}; mae adran ar wahân ynghylch {c}.",
        "Diolch am rannu. Gwelsom mai {a} a helpodd fwyaf o ran {b}.",
        "Allwn ni ychwanegu {a} at agenda'r cyfarfod nesaf? Hefyd: {b}.",
        "Nodyn i atgoffa: mae'r hyfforddiant ynghylch {a} y tymor hwn, a bydd yn cynnwys {b}.",
        "Mae ein data ynghylch {a} yn dangos cynnydd o ran {b}, ond llai o ran {c}.",
        "Byddem yn falch o groesawu ymweliad i weld {a} ar waith. Cewch weld ein gwaith ynghylch {b} hefyd.",
    ),
    thread_shapes=(
        "{A}: syniadau",
        "Syniadau ynghylch {a}",
        "{A}: beth sy'n gweithio?",
        "Rhannu ein cynllun ynghylch {a}",
        "Ymweliad: {a} ar waith",
    ),
    training_topics=(
        "Darllen er pleser",
        "Adborth sy'n symud y dysgu yn ei flaen",
        "Ystafelloedd dosbarth cynhwysol",
        "Meistrolaeth mewn mathemateg",
    ),
    pupil_events=(
        ("sport", "Ras traws gwlad"),
        ("debate", "Cystadleuaeth ddadlau"),
        ("cultural", "Eisteddfod yr ysgolion"),
        ("academic", "Ffair wyddoniaeth"),
    ),
    network_words={
        "community": "Cymuned Ysgolion",
        "cluster": "Clwstwr",
        "subject": "Rhwydwaith Mathemateg",
        "partnership": "Partneriaeth Ddysgu",
    },
    network_name="{word} {town} {number}",
    purpose="Rhannu ymarfer rhwng ysgolion cyfagos",
    meeting="Cyfarfod y rhwydwaith",
    leave_reason="Ymunodd â rhwydwaith sy'n nes at yr ysgol",
)  # fmt: skip

WORDS_BY_LANGUAGE = {"en": ENGLISH, "ar": ARABIC, "cy": WELSH}


def national_words(places: str) -> NationalWords:
    """What the people of a country generated with `places` (engine/places.py) write: in its
    profile's language where written here, else English."""
    return WORDS_BY_LANGUAGE.get(countries.load(places).language, ENGLISH)
