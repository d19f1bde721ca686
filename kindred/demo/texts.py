"""What the demo's people write — network names and purposes, posts, events, a university partner, resources, offers,
a consultation, a plan and the impact material (a funded programme, a survey, letters of support) — in the language of the country the demo is built for (the country
profile's `language`: Arabic for Egypt, English otherwise).

These are not interface strings (the catalogues translate those, for each reader): they are what
people in that country would type, so they are stored as typed and every reader sees them so, as
they would see a colleague's post. `{network}` in a text is the network's name.
"""

from kindred import countries

ENGLISH: dict = {
    "people": {
        "admin": "Ada Admin",
        "leader": "Sam System-Leader",
        "coordinator": "Nia Coordinator",
        "teacher": "Tom Teacher",
        "contact": "Rhian Reading-Lead",
        "maths": ["Maya Maths", "Omar Number", "Priya Algebra"],
        "cluster_lead": "Cara Cluster",
        "head_of": "Head of {school}",
    },
    "profiles": {
        "coordinator": {
            "job_title": "Headteacher",
            "subjects": "Leadership, reading",
            "phases": "Primary",
            "offer": "Leading a community of schools; reading for pleasure across a town.",
            "languages": "English, Welsh",
        },
        "teacher": {"job_title": "Class teacher", "subjects": "Science"},
        "contact": {
            "job_title": "English lead",
            "subjects": "English, reading, phonics",
            "phases": "Primary",
            "offer": "Running phonics training for new staff",
        },
        "maths": {
            "job_title": "Head of maths",
            "subjects": "Maths, statistics",
            "phases": "Secondary",
            "offer": "Happy to share our mastery scheme of work",
            "languages": "English",
        },
        "cluster_lead": {"job_title": "Deputy head", "subjects": "Attendance, pastoral care"},
    },
    "networks": {
        "community": {
            "name": "Riverside Learning Community",
            "purpose": "Neighbouring schools sharing reading practice and joint staff training",
            "description": "We meet twice a term, hosted by each school in turn. Visitors welcome.",
            "subject": "Reading",
            "replaced": "Joined its trust's own network of schools",
        },
        "maths": {
            "name": "Maths Departments Network",
            "purpose": "Heads of maths comparing results and sharing schemes of work",
            "subject": "Maths",
            "left": "Department too small this year",
        },
        "cluster": {
            "name": "Eastern Improvement Cluster",
            "purpose": "A programme cluster working on attendance",
            "left": "School closed",
        },
        "partnership": {
            "name": "Oakfield and Brook Partnership",
            "purpose": "Mentoring on early reading, brokered by the local authority",
        },
        "forming": {
            "name": "Valley Schools Forming Community",
            "purpose": "Small rural schools planning joint pupil events",
            "ask": "We are three miles away and would love to join.",
        },
        "group": {
            "name": "Mastery maths teachers",
            "subject": "Maths",
            "purpose": "Teachers sharing mastery lessons between schools, started on a phone group",
            "ask": "Eight schools now plan their maths together; we would like a rota and a shared plan.",
        },
    },
    "threads": [
        (
            "Welcome, and how this board works",
            "Welcome to the network's board. Post questions, share what worked, and *mention* a colleague "
            "with @**Their Name** so they hear about it at once. Everything else comes in your daily digest.",
            ["Thanks! Looking forward to the first meeting.", "Is there a shared folder for the minutes?"],
        ),
        (
            "Reading for pleasure: what worked this term",
            "We moved our reading corner next to the library and borrowing doubled. What has worked for you?",
            [
                "A **book swap** before the holidays: pupils bring one, take one.",
                "Parents reading with pupils on Friday mornings. Attendance at it was better than we feared.",
                "We tried [the reading passport](https://example.org/passport) idea — happy to share the template.",
            ],
        ),
        (
            "Moderating writing across our schools",
            "Could we swap three pieces of writing per school before the next meeting and moderate together?",
            ["Yes please. Year 6 or Year 2?", "Both, if we have time; Year 6 first."],
        ),
    ],
    "partners": {
        "university": "University of the Valleys, School of Education",
        "website": "https://education.example.ac.uk/",
        "description": "Courses for teachers on the research into reading, and student teachers on placement.",
        "person": "Dr Lowri Lecturer",
        "event": "Reading research that works in class: a university seminar",
        "event_place": "University of the Valleys, lecture theatre 2",
        "message": "Would you run a seminar for our reading leads this term?",
    },
    "events": {
        "meeting": "{network}: network meeting",
        "meeting_place": "The host school's library",
        "cancelled": "Parents' evening",
        "teachmeet": "{network}: TeachMeet",
        "sport": "{network}: netball tournament",
        "sport_place": "Sports hall",
        "training": "Phonics that sticks",
        "training_place": "Lead school, room 4",
    },
    "library": {
        "link": "Education Endowment Foundation toolkit",
        "link_url": "https://educationendowmentfoundation.org.uk/",
        "link_tags": "research, evidence",
        "plan": "Reading for pleasure: a term's plan",
        "plan_file": "reading-plan.txt",
        "plan_text": "Week 1: book talk.\nWeek 2: reading aloud.\n",
        "plan_file_2": "reading-plan-v2.txt",
        "plan_text_2": "Week 1: book talk.\nWeek 2: reading aloud.\nWeek 3: a visiting author.\n",
        "plan_note": "Added a visiting author",
        "plan_tags": "reading, year 3",
        "policy": "Shared CPD policy",
        "policy_file": "cpd-policy.txt",
        "policy_text": "Every teacher has five days of CPD a year, one shared across the network.\n",
        "policy_file_2": "cpd-policy-v2.txt",
        "policy_text_2": "Every teacher has five days of CPD a year, two shared across the network.\n",
        "policy_note": "Two shared days",
    },
    "offers": {
        "mentoring": "Our reading lead mentors another school's lead for a term.",
        "visit": "Come and see phonics lessons.",
        "new_school": "We mentor schools in their first years.",
        "need": "Our year 1 phonics results fell; we want to see strong practice.",
        "maths_need": "Help with fractions in year 5.",
    },
    "impact": {
        "programme": "Schools Together 2025–2027",
        "funder": "The Regional Schools Trust",
        "description": "Clusters, a subject network and a mentoring partnership, funded to raise reading and maths.",
        "cost_programme": "Evaluation and the programme's coordinator",
        "cost_network": "Supply cover for the network meetings",
        "cost_event": "Room and refreshments",
        "survey": "Working together",
        "statements": [
            "I learn from colleagues in other schools",
            "I have tried something new in my teaching this term",
            "Our pupils benefit from the network",
        ],
        "question": "What helped you most?",
        "remarks": ["Visiting another school's classrooms", "The joint training day", "Sharing planning", ""],
        "programme_survey": "Schools Together: what staff see",
        "programme_statements": [
            "The programme has changed how I teach",
            "I know which school to ask when I need help",
        ],
        "programme_question": "What should the programme do next year?",
        "staff": "Teacher {n} of {school}",
        "authority_writer": "{name}, on behalf of the authority",
        "partner_writer": "Riverside University, School of Education",
        "letter_file": "letter-of-support.txt",
        "letter": """To whom it may concern,

{name} has worked together since {year}: its schools host one another's training, share a
development plan and visit each other's classrooms. The authority supports its application.

{writer}
""",
    },
    "consultation": {
        "title": "Joint professional development next year",
        "description": "Which day and which themes should the region's joint training take?",
        "day": "Which day suits your staff best?",
        "days": ["Monday", "Wednesday", "Friday"],
        "useful": "How useful was this year's joint training?",
        "change": "What should we change?",
        "remarks": [
            "More time to visit each other's classrooms",
            "Less travel: hold it online",
            "Reading and phonics",
            "",
        ],
    },
    "plan": {
        "title": "Stronger reading together",
        "summary": "Built from the members' shared need in curriculum (reading) and their internal experts.",
        "priority": "Systematic early reading in every member school",
        "rationale": "Half or more of the members rate curriculum as a need.",
        "first": "Phonics training hosted by the lead school",
        "first_resources": "Two half-days; the lead school's reading lead",
        "first_target": "Every member rates C2 at 3 or more",
        "second": "Reading leads visit each other's lessons",
        "second_target": "Each school hosts one visit per term",
        "progress": "First session held; 14 teachers attended.",
    },
}

ARABIC: dict = {
    "people": {
        "admin": "أمل عبد الرحمن",
        "leader": "سامي الشريف",
        "coordinator": "نادية منصور",
        "teacher": "طارق يونس",
        "contact": "رانيا فرج",
        "maths": ["مها عثمان", "عمر النجار", "هبة رمضان"],
        "cluster_lead": "كريمة المصري",
        "head_of": "مدير {school}",
    },
    "profiles": {
        "coordinator": {
            "job_title": "مديرة مدرسة",
            "subjects": "القيادة، القراءة",
            "phases": "ابتدائي",
            "offer": "قيادة مجتمع من المدارس؛ حب القراءة في مدينة كاملة.",
            "languages": "العربية، الإنجليزية",
        },
        "teacher": {"job_title": "معلم فصل", "subjects": "العلوم"},
        "contact": {
            "job_title": "منسقة اللغة العربية",
            "subjects": "اللغة العربية، القراءة، الأصوات",
            "phases": "ابتدائي",
            "offer": "تدريب المعلمين الجدد على تعليم الحروف والأصوات",
        },
        "maths": {
            "job_title": "رئيس قسم الرياضيات",
            "subjects": "الرياضيات، الإحصاء",
            "phases": "ثانوي",
            "offer": "يسعدنا أن نشارك خطتنا لتدريس الرياضيات بالإتقان",
            "languages": "العربية",
        },
        "cluster_lead": {"job_title": "وكيلة المدرسة", "subjects": "الحضور، الرعاية الطلابية"},
    },
    "networks": {
        "community": {
            "name": "مجتمع مدارس النيل للتعلم",
            "purpose": "مدارس متجاورة تتبادل ممارسات القراءة وتدرّب معلميها معًا",
            "description": "نجتمع مرتين كل فصل دراسي، وتستضيفنا كل مدرسة بدورها. الزوار مرحَّب بهم.",
            "subject": "القراءة",
            "replaced": "انضمت إلى شبكة مدارس إدارتها",
        },
        "maths": {
            "name": "شبكة أقسام الرياضيات",
            "purpose": "رؤساء أقسام الرياضيات يقارنون النتائج ويتبادلون خطط التدريس",
            "subject": "الرياضيات",
            "left": "القسم صغير جدًا هذا العام",
        },
        "cluster": {
            "name": "مجموعة تحسين الحضور",
            "purpose": "مجموعة من برنامج التطوير تعمل على الحضور والانتظام",
            "left": "أُغلقت المدرسة",
        },
        "partnership": {
            "name": "شراكة مدرستي الأمل والنور",
            "purpose": "توجيه في القراءة المبكرة، رتّبته الإدارة التعليمية",
        },
        "forming": {
            "name": "مجتمع مدارس القرى قيد التكوين",
            "purpose": "مدارس ريفية صغيرة تخطط لفعاليات مشتركة للتلاميذ",
            "ask": "نحن على بعد خمسة كيلومترات ونود الانضمام.",
        },
        "group": {
            "name": "معلمو الرياضيات بالإتقان",
            "subject": "الرياضيات",
            "purpose": "معلمون يتبادلون دروس الرياضيات بالإتقان بين المدارس، انطلقوا من مجموعة محادثة على الهاتف",
            "ask": "ثماني مدارس تخطط الآن دروس الرياضيات معًا؛ نود جدولًا للأدوار وخطة مشتركة.",
        },
    },
    "threads": [
        (
            "أهلًا بكم، وكيف تعمل هذه اللوحة",
            "أهلًا بكم في لوحة الشبكة. اطرحوا الأسئلة، وشاركوا ما نجح، و*اذكروا* زميلًا "
            "بكتابة @**اسمه** ليصله الخبر فورًا. وكل ما عدا ذلك يصلكم في الملخص اليومي.",
            ["شكرًا! في انتظار الاجتماع الأول.", "هل يوجد مجلد مشترك لمحاضر الاجتماعات؟"],
        ),
        (
            "حب القراءة: ما الذي نجح هذا الفصل",
            "نقلنا ركن القراءة إلى جوار المكتبة فتضاعفت الاستعارة. ما الذي نجح عندكم؟",
            [
                "**تبادل الكتب** قبل الإجازة: يحضر كل تلميذ كتابًا ويأخذ آخر.",
                "أولياء الأمور يقرؤون مع التلاميذ صباح الخميس. وكان الحضور أفضل مما توقعنا.",
                "جرّبنا فكرة [جواز سفر القراءة](https://example.org/passport) — يسعدنا مشاركة النموذج.",
            ],
        ),
        (
            "تقييم الكتابة معًا بين مدارسنا",
            "هل نتبادل ثلاث كتابات من كل مدرسة قبل الاجتماع القادم ونقيّمها معًا؟",
            ["نعم من فضلكم. الصف السادس أم الثاني؟", "كلاهما إن اتسع الوقت؛ السادس أولًا."],
        ),
    ],
    "partners": {
        "university": "جامعة الوادي، كلية التربية",
        "website": "https://education.example.edu.eg/",
        "description": "دورات للمعلمين في أبحاث القراءة، وطلاب التربية العملية في المدارس.",
        "person": "د. ليلى المحاضرة",
        "event": "أبحاث القراءة التي تنفع في الفصل: ندوة جامعية",
        "event_place": "جامعة الوادي، المدرج ٢",
        "message": "هل تقدّمين ندوة لمنسقي القراءة لدينا هذا الفصل؟",
    },
    "events": {
        "meeting": "{network}: اجتماع الشبكة",
        "meeting_place": "مكتبة المدرسة المستضيفة",
        "cancelled": "اجتماع أولياء الأمور",
        "teachmeet": "{network}: ملتقى المعلمين",
        "sport": "{network}: بطولة كرة اليد",
        "sport_place": "الصالة الرياضية",
        "training": "تعليم الحروف والأصوات تعليمًا راسخًا",
        "training_place": "المدرسة الرائدة، القاعة ٤",
    },
    "library": {
        "link": "بنك المعرفة المصري",
        "link_url": "https://www.ekb.eg/",
        "link_tags": "بحوث، أدلة",
        "plan": "حب القراءة: خطة فصل دراسي",
        "plan_file": "خطة-القراءة.txt",
        "plan_text": "الأسبوع ١: حديث عن الكتب.\nالأسبوع ٢: القراءة بصوت عالٍ.\n",
        "plan_file_2": "خطة-القراءة-٢.txt",
        "plan_text_2": "الأسبوع ١: حديث عن الكتب.\nالأسبوع ٢: القراءة بصوت عالٍ.\nالأسبوع ٣: زيارة كاتب.\n",
        "plan_note": "أضفنا زيارة كاتب",
        "plan_tags": "القراءة، الصف الثالث",
        "policy": "سياسة التنمية المهنية المشتركة",
        "policy_file": "سياسة-التنمية-المهنية.txt",
        "policy_text": "لكل معلم خمسة أيام تنمية مهنية في العام، منها يوم مشترك بين مدارس الشبكة.\n",
        "policy_file_2": "سياسة-التنمية-المهنية-٢.txt",
        "policy_text_2": "لكل معلم خمسة أيام تنمية مهنية في العام، منها يومان مشتركان بين مدارس الشبكة.\n",
        "policy_note": "يومان مشتركان",
    },
    "offers": {
        "mentoring": "توجّه منسقة القراءة لدينا نظيرها في مدرسة أخرى لمدة فصل دراسي.",
        "visit": "تعالوا وشاهدوا حصص الحروف والأصوات.",
        "new_school": "نوجّه المدارس في سنواتها الأولى.",
        "need": "تراجعت نتائج الصف الأول في الحروف والأصوات؛ ونريد أن نرى ممارسات قوية.",
        "maths_need": "نحتاج إلى مساعدة في تدريس الكسور للصف الخامس.",
    },
    "impact": {
        "programme": "مدارس معًا ٢٠٢٥–٢٠٢٧",
        "funder": "مؤسسة دعم مدارس المحافظة",
        "description": "مجموعات مدارس وشبكة لمادة دراسية وشراكة توجيه، مموَّلة للارتقاء بالقراءة والرياضيات.",
        "cost_programme": "التقييم ومنسق البرنامج",
        "cost_network": "معلمون بدلاء في أثناء اجتماعات الشبكة",
        "cost_event": "القاعة والضيافة",
        "survey": "العمل معًا",
        "statements": [
            "أتعلم من زملائي في المدارس الأخرى",
            "جرّبت شيئًا جديدًا في تدريسي هذا الفصل الدراسي",
            "يستفيد تلاميذنا من الشبكة",
        ],
        "question": "ما أكثر ما أفادك؟",
        "remarks": ["زيارة فصول مدرسة أخرى", "يوم التدريب المشترك", "تبادل خطط الدروس", ""],
        "programme_survey": "مدارس معًا: ما يراه المعلمون",
        "programme_statements": [
            "غيّر البرنامج طريقة تدريسي",
            "أعرف أي مدرسة أسأل عندما أحتاج إلى المساعدة",
        ],
        "programme_question": "ماذا ينبغي أن يفعل البرنامج في العام القادم؟",
        "staff": "المعلم {n} في {school}",
        "authority_writer": "{name}، نيابةً عن الإدارة التعليمية",
        "partner_writer": "الأكاديمية المهنية للمعلمين",
        "letter_file": "خطاب-تأييد.txt",
        "letter": """إلى من يهمه الأمر،

تعمل مدارس «{name}» معًا منذ عام {year}: تستضيف كل منها تدريبات الأخرى، وتتشارك خطة تطوير،
ويزور معلموها فصول بعضهم بعضًا. وتؤيد الإدارة التعليمية طلبها.

{writer}
""",
    },
    "consultation": {
        "title": "التنمية المهنية المشتركة في العام القادم",
        "description": "في أي يوم وبأي موضوعات يكون التدريب المشترك في المحافظة؟",
        "day": "أي يوم يناسب معلميكم أكثر؟",
        "days": ["الأحد", "الثلاثاء", "الخميس"],
        "useful": "ما مدى فائدة التدريب المشترك هذا العام؟",
        "change": "ما الذي يجب أن نغيّره؟",
        "remarks": [
            "وقت أطول لزيارة فصول بعضنا",
            "سفر أقل: لنعقده عبر الإنترنت",
            "القراءة والحروف والأصوات",
            "",
        ],
    },
    "plan": {
        "title": "القراءة أقوى معًا",
        "summary": "مبنية على حاجة مشتركة لدى الأعضاء في المنهج (القراءة) وعلى خبرائهم.",
        "priority": "قراءة مبكرة منهجية في كل مدرسة عضو",
        "rationale": "نصف الأعضاء أو أكثر يقيّمون المنهج على أنه حاجة.",
        "first": "تدريب على الحروف والأصوات تستضيفه المدرسة الرائدة",
        "first_resources": "نصفا يوم؛ منسقة القراءة في المدرسة الرائدة",
        "first_target": "يقيّم كل عضو المعيار C2 بثلاثة أو أكثر",
        "second": "منسقو القراءة يزورون حصص بعضهم",
        "second_target": "تستضيف كل مدرسة زيارة واحدة كل فصل دراسي",
        "progress": "عُقدت الجلسة الأولى؛ حضرها ١٤ معلمًا.",
    },
}

TEXTS = {"en": ENGLISH, "ar": ARABIC}


def demo_language() -> str:
    """The `User.language` of the demo's people: the country's (Egypt's people read Arabic e-mails),
    '' where that is the site's own (they follow their browser)."""
    return countries.profile().people_language


def demo_texts() -> dict:
    """The demo's texts in the language of the country profile (English where none is written)."""
    return TEXTS.get(countries.profile().language, ENGLISH)
