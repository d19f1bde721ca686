"""What the demo's people write — network names and purposes, posts, events, a university partner, resources, offers,
a consultation, an advisory council, a plan and the impact material (a funded programme, a survey, letters of support) — in the language of the country the demo is built for (the country
profile's `language`: Welsh for Wales, Arabic for Egypt, English otherwise).

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
        "exams": ["Edna Entries", "Ian Invigilation"],
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
        "exams_group": {
            "name": "Exams officers of the region",
            "purpose": "Entry deadlines, access arrangements and results days, shared between schools",
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
    "communities": {
        "name": "Schools of the valley together",
        "purpose": "The valley's community and subject networks, with one board for news that reaches them all.",
        "message": "Would your network join the valley's community of communities?",
        "announcement": "One training day for every network this term",
        "body": "Every network of the valley meets on one day this term: a morning of workshops chosen by the networks themselves, then each network's own meeting in the afternoon. Please tell your network's people and put the date in your calendars.",
        "event": "The valley's training day for every network",
        "event_place": "The valley's secondary school, main hall",
    },
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
    "council": {
        "name": "Heads' advisory council",
        "purpose": "Heads and teachers from the region's schools and communities advise its leaders on what to do next.",
        "title": "Next year's joint training days",
        "description": "Before the region books next year's training, tell us what would help.",
        "when": "When should joint training be held?",
        "whens": ["During the school day", "After school", "On a training day"],
        "worth": "How much did this year's joint training help your teaching?",
        "change": "What one thing should the region change?",
        "remarks": [
            "Fewer, longer sessions",
            "Let us visit each other's classrooms",
            "Share the slides afterwards",
            "Hold one session online",
        ],
        "response": "Thank you all. We will hold next year's joint training on the region's training days, in "
        "fewer and longer sessions, one of them online, with time to visit each other's classrooms.",
        "open_title": "Pupil events for the summer term",
        "open_question": "Which pupil event should the region host this summer?",
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
        "exams": ["سعاد الشريف", "ياسر حمدي"],
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
        "exams_group": {
            "name": "مسؤولو الامتحانات في المحافظة",
            "purpose": "مواعيد التسجيل وترتيبات الإتاحة وأيام النتائج، نتبادلها بين المدارس",
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
    "communities": {
        "name": "مدارس الوادي معًا",
        "purpose": "شبكات الوادي المجتمعية وشبكات المواد، بلوحة واحدة لأخبار تصل إليها كلها.",
        "message": "هل تنضم شبكتكم إلى مجتمع مجتمعات الوادي؟",
        "announcement": "يوم تدريبي واحد لكل الشبكات هذا الفصل",
        "body": "تلتقي كل شبكات الوادي في يوم واحد هذا الفصل: صباح من ورش العمل تختارها الشبكات نفسها، ثم اجتماع كل شبكة بعد الظهر. أبلغوا أعضاء شبكاتكم وسجّلوا التاريخ في تقاويمكم.",
        "event": "يوم الوادي التدريبي لكل الشبكات",
        "event_place": "مدرسة الوادي الثانوية، القاعة الكبرى",
    },
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
    "council": {
        "name": "المجلس الاستشاري لمديري المدارس",
        "purpose": "مديرون ومعلمون من مدارس المحافظة ومجتمعاتها يقدّمون المشورة لقادتها بشأن الخطوات القادمة.",
        "title": "أيام التدريب المشترك في العام القادم",
        "description": "قبل أن تحجز المحافظة تدريب العام القادم، أخبرونا بما يفيدكم.",
        "when": "متى ينبغي أن يُعقد التدريب المشترك؟",
        "whens": ["خلال اليوم الدراسي", "بعد اليوم الدراسي", "في يوم تدريبي"],
        "worth": "إلى أي مدى ساعد التدريب المشترك هذا العام في تدريسكم؟",
        "change": "ما الشيء الواحد الذي ينبغي أن تغيّره المحافظة؟",
        "remarks": [
            "جلسات أقل وأطول",
            "دعونا نزور فصول بعضنا",
            "شاركونا العروض بعد الجلسة",
            "اعقدوا جلسة واحدة عبر الإنترنت",
        ],
        "response": "شكرًا لكم جميعًا. سنعقد التدريب المشترك في العام القادم في أيام التدريب بالمحافظة، في جلسات "
        "أقل وأطول، إحداها عبر الإنترنت، مع وقت لزيارة فصول بعضنا.",
        "open_title": "فعاليات الطلاب في الفصل الصيفي",
        "open_question": "أي فعالية للطلاب ينبغي أن تستضيفها المحافظة هذا الصيف؟",
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

WELSH: dict = {
    "people": {
        "admin": "Ada Gweinyddwr",
        "leader": "Sam Arweinydd-System",
        "coordinator": "Nia Cydlynydd",
        "teacher": "Tomos Athro",
        "contact": "Rhian Arweinydd-Darllen",
        "maths": ["Mari Mathemateg", "Owain Rhif", "Prys Algebra"],
        "exams": ["Eirlys Arholiad", "Iolo Goruchwylio"],
        "cluster_lead": "Cari Clwstwr",
        "head_of": "Pennaeth {school}",
    },
    "profiles": {
        "coordinator": {
            "job_title": "Pennaeth",
            "subjects": "Arweinyddiaeth, darllen",
            "phases": "Cynradd",
            "offer": "Arwain cymuned o ysgolion; darllen er pleser ar draws tref.",
            "languages": "Cymraeg, Saesneg",
        },
        "teacher": {"job_title": "Athro dosbarth", "subjects": "Gwyddoniaeth"},
        "contact": {
            "job_title": "Arweinydd llythrennedd",
            "subjects": "Cymraeg, darllen, ffoneg",
            "phases": "Cynradd",
            "offer": "Cynnal hyfforddiant ffoneg i staff newydd",
        },
        "maths": {
            "job_title": "Pennaeth mathemateg",
            "subjects": "Mathemateg, ystadegaeth",
            "phases": "Uwchradd",
            "offer": "Yn hapus i rannu ein cynllun gwaith meistrolaeth",
            "languages": "Cymraeg, Saesneg",
        },
        "cluster_lead": {"job_title": "Dirprwy bennaeth", "subjects": "Presenoldeb, gofal bugeiliol"},
    },
    "networks": {
        "community": {
            "name": "Cymuned Ddysgu Glan yr Afon",
            "purpose": "Ysgolion cyfagos yn rhannu arferion darllen a hyfforddiant staff ar y cyd",
            "description": "Rydym yn cwrdd ddwywaith y tymor, gyda phob ysgol yn ei thro yn ein croesawu. "
            "Croeso i ymwelwyr.",
            "subject": "Darllen",
            "replaced": "Ymunodd â chlwstwr arall yn ei dalgylch",
        },
        "maths": {
            "name": "Rhwydwaith Adrannau Mathemateg",
            "purpose": "Penaethiaid mathemateg yn cymharu canlyniadau ac yn rhannu cynlluniau gwaith",
            "subject": "Mathemateg",
            "left": "Adran rhy fach eleni",
        },
        "cluster": {
            "name": "Clwstwr Gwella'r Dwyrain",
            "purpose": "Clwstwr rhaglen yn gweithio ar bresenoldeb",
            "left": "Caeodd yr ysgol",
        },
        "partnership": {
            "name": "Partneriaeth Maes-y-Dderwen a'r Nant",
            "purpose": "Mentora ar ddarllen cynnar, a drefnwyd gan yr awdurdod lleol",
        },
        "forming": {
            "name": "Cymuned Ysgolion y Cwm (yn ffurfio)",
            "purpose": "Ysgolion bach gwledig yn cynllunio digwyddiadau ar y cyd i ddisgyblion",
            "ask": "Rydym dair milltir i ffwrdd a byddem wrth ein bodd yn ymuno.",
        },
        "group": {
            "name": "Athrawon meistrolaeth mathemateg",
            "subject": "Mathemateg",
            "purpose": "Athrawon yn rhannu gwersi meistrolaeth rhwng ysgolion, a ddechreuodd ar grŵp ffôn",
            "ask": "Mae wyth ysgol bellach yn cynllunio eu mathemateg gyda'i gilydd; hoffem gael rota a "
            "chynllun ar y cyd.",
        },
        "exams_group": {
            "name": "Swyddogion arholiadau'r rhanbarth",
            "purpose": "Dyddiadau cofrestru, trefniadau mynediad a diwrnodau canlyniadau, wedi'u rhannu rhwng ysgolion",
        },
    },
    "threads": [
        (
            "Croeso, a sut mae'r bwrdd hwn yn gweithio",
            "Croeso i fwrdd y rhwydwaith. Postiwch gwestiynau, rhannwch yr hyn a weithiodd, a *soniwch* am "
            "gydweithiwr gydag @**Eu Henw** fel eu bod yn clywed ar unwaith. Daw popeth arall yn eich "
            "crynodeb dyddiol.",
            ["Diolch! Edrych ymlaen at y cyfarfod cyntaf.", "Oes ffolder a rennir ar gyfer y cofnodion?"],
        ),
        (
            "Darllen er pleser: beth weithiodd y tymor hwn",
            "Symudon ni ein cornel ddarllen wrth ymyl y llyfrgell a dyblodd y benthyca. Beth sydd wedi "
            "gweithio i chi?",
            [
                "**Cyfnewid llyfrau** cyn y gwyliau: mae pob disgybl yn dod ag un ac yn mynd ag un.",
                "Rhieni'n darllen gyda disgyblion ar fore Gwener. Daeth mwy nag yr oeddem yn ei ofni.",
                "Rhoesom gynnig ar syniad [y pasbort darllen](https://example.org/passport) — yn hapus i "
                "rannu'r templed.",
            ],
        ),
        (
            "Cymedroli ysgrifennu ar draws ein hysgolion",
            "Allen ni gyfnewid tri darn o ysgrifennu fesul ysgol cyn y cyfarfod nesaf a'u cymedroli gyda'n "
            "gilydd?",
            [
                "Ie, os gwelwch yn dda. Blwyddyn 6 neu Flwyddyn 2?",
                "Y ddwy, os oes amser; Blwyddyn 6 yn gyntaf.",
            ],
        ),
    ],
    "communities": {
        "name": "Ysgolion y cwm gyda'i gilydd",
        "purpose": "Rhwydweithiau cymuned a phwnc y cwm, gydag un bwrdd ar gyfer newyddion sy'n cyrraedd pob un.",
        "message": "A fyddai eich rhwydwaith yn ymuno â chymuned cymunedau'r cwm?",
        "announcement": "Un diwrnod hyfforddi i bob rhwydwaith y tymor hwn",
        "body": "Mae pob rhwydwaith yn y cwm yn cyfarfod ar un diwrnod y tymor hwn: bore o weithdai a ddewiswyd gan y rhwydweithiau eu hunain, yna cyfarfod pob rhwydwaith yn y prynhawn. Dywedwch wrth bobl eich rhwydwaith a rhowch y dyddiad yn eich calendrau.",
        "event": "Diwrnod hyfforddi'r cwm i bob rhwydwaith",
        "event_place": "Ysgol uwchradd y cwm, y brif neuadd",
    },
    "partners": {
        "university": "Prifysgol y Cymoedd, Ysgol Addysg",
        "website": "https://education.example.ac.uk/",
        "description": "Cyrsiau i athrawon ar yr ymchwil ar ddarllen, ac athrawon dan hyfforddiant ar leoliad.",
        "person": "Dr Lowri Darlithydd",
        "event": "Ymchwil darllen sy'n gweithio yn y dosbarth: seminar prifysgol",
        "event_place": "Prifysgol y Cymoedd, darlithfa 2",
        "message": "A fyddech chi'n cynnal seminar i'n harweinwyr darllen y tymor hwn?",
    },
    "events": {
        "meeting": "{network}: cyfarfod y rhwydwaith",
        "meeting_place": "Llyfrgell yr ysgol sy'n croesawu",
        "cancelled": "Noson rieni",
        "teachmeet": "{network}: cyfarfod rhannu athrawon",
        "sport": "{network}: twrnamaint pêl-rwyd",
        "sport_place": "Neuadd chwaraeon",
        "training": "Ffoneg sy'n aros",
        "training_place": "Yr ysgol arweiniol, ystafell 4",
    },
    "library": {
        "link": "Pecyn cymorth yr Education Endowment Foundation",
        "link_url": "https://educationendowmentfoundation.org.uk/",
        "link_tags": "ymchwil, tystiolaeth",
        "plan": "Darllen er pleser: cynllun tymor",
        "plan_file": "cynllun-darllen.txt",
        "plan_text": "Wythnos 1: sgwrs am lyfrau.\nWythnos 2: darllen yn uchel.\n",
        "plan_file_2": "cynllun-darllen-f2.txt",
        "plan_text_2": "Wythnos 1: sgwrs am lyfrau.\nWythnos 2: darllen yn uchel.\nWythnos 3: awdur yn ymweld.\n",
        "plan_note": "Ychwanegwyd awdur yn ymweld",
        "plan_tags": "darllen, blwyddyn 3",
        "policy": "Polisi DPP ar y cyd",
        "policy_file": "polisi-dpp.txt",
        "policy_text": "Mae gan bob athro bum diwrnod o DPP y flwyddyn, ac un ohonynt ar y cyd â'r rhwydwaith.\n",
        "policy_file_2": "polisi-dpp-f2.txt",
        "policy_text_2": "Mae gan bob athro bum diwrnod o DPP y flwyddyn, a dau ohonynt ar y cyd â'r rhwydwaith.\n",
        "policy_note": "Dau ddiwrnod ar y cyd",
    },
    "offers": {
        "mentoring": "Mae ein harweinydd darllen yn mentora arweinydd ysgol arall am dymor.",
        "visit": "Dewch i weld gwersi ffoneg.",
        "new_school": "Rydym yn mentora ysgolion yn eu blynyddoedd cyntaf.",
        "need": "Gostyngodd ein canlyniadau ffoneg ym mlwyddyn 1; rydym am weld arfer cryf.",
        "maths_need": "Help gyda ffracsiynau ym mlwyddyn 5.",
    },
    "impact": {
        "programme": "Ysgolion Gyda'i Gilydd 2025–2027",
        "funder": "Ymddiriedolaeth Ysgolion y Rhanbarth",
        "description": "Clystyrau, rhwydwaith pwnc a phartneriaeth fentora, wedi'u hariannu i wella darllen a "
        "mathemateg.",
        "cost_programme": "Gwerthuso a chydlynydd y rhaglen",
        "cost_network": "Athrawon cyflenwi ar gyfer cyfarfodydd y rhwydwaith",
        "cost_event": "Ystafell a lluniaeth",
        "survey": "Cydweithio",
        "statements": [
            "Rwy'n dysgu gan gydweithwyr mewn ysgolion eraill",
            "Rwyf wedi rhoi cynnig ar rywbeth newydd yn fy addysgu y tymor hwn",
            "Mae ein disgyblion yn elwa o'r rhwydwaith",
        ],
        "question": "Beth a'ch helpodd fwyaf?",
        "remarks": [
            "Ymweld ag ystafelloedd dosbarth ysgol arall",
            "Y diwrnod hyfforddi ar y cyd",
            "Rhannu cynlluniau",
            "",
        ],
        "programme_survey": "Ysgolion Gyda'i Gilydd: yr hyn y mae staff yn ei weld",
        "programme_statements": [
            "Mae'r rhaglen wedi newid sut rwy'n addysgu",
            "Rwy'n gwybod at ba ysgol i droi pan fydd angen help arnaf",
        ],
        "programme_question": "Beth ddylai'r rhaglen ei wneud y flwyddyn nesaf?",
        "staff": "Athro {n}, {school}",
        "authority_writer": "{name}, ar ran yr awdurdod",
        "partner_writer": "Prifysgol Glan yr Afon, Ysgol Addysg",
        "letter_file": "llythyr-cefnogaeth.txt",
        "letter": """At bwy bynnag a fo'n berthnasol,

Mae {name} wedi cydweithio ers {year}: mae ei hysgolion yn cynnal hyfforddiant ei gilydd, yn rhannu
cynllun datblygu ac yn ymweld ag ystafelloedd dosbarth ei gilydd. Mae'r awdurdod yn cefnogi ei gais.

{writer}
""",
    },
    "consultation": {
        "title": "Datblygiad proffesiynol ar y cyd y flwyddyn nesaf",
        "description": "Pa ddiwrnod a pha themâu a ddylai fod i hyfforddiant ar y cyd y rhanbarth?",
        "day": "Pa ddiwrnod sydd orau i'ch staff?",
        "days": ["Dydd Llun", "Dydd Mercher", "Dydd Gwener"],
        "useful": "Pa mor ddefnyddiol oedd yr hyfforddiant ar y cyd eleni?",
        "change": "Beth ddylem ni ei newid?",
        "remarks": [
            "Mwy o amser i ymweld ag ystafelloedd dosbarth ein gilydd",
            "Llai o deithio: ei gynnal ar-lein",
            "Darllen a ffoneg",
            "",
        ],
    },
    "council": {
        "name": "Cyngor ymgynghorol y penaethiaid",
        "purpose": "Penaethiaid ac athrawon o ysgolion a chymunedau'r rhanbarth yn cynghori ei arweinwyr ar beth i'w wneud nesaf.",
        "title": "Diwrnodau hyfforddi ar y cyd y flwyddyn nesaf",
        "description": "Cyn i'r rhanbarth drefnu hyfforddiant y flwyddyn nesaf, dywedwch wrthym beth fyddai'n helpu.",
        "when": "Pryd dylid cynnal hyfforddiant ar y cyd?",
        "whens": ["Yn ystod y diwrnod ysgol", "Ar ôl ysgol", "Ar ddiwrnod hyfforddi"],
        "worth": "Faint wnaeth hyfforddiant ar y cyd eleni helpu eich addysgu?",
        "change": "Pa un peth ddylai'r rhanbarth ei newid?",
        "remarks": [
            "Llai o sesiynau, ond hirach",
            "Gadewch i ni ymweld ag ystafelloedd dosbarth ein gilydd",
            "Rhannwch y sleidiau wedyn",
            "Cynhaliwch un sesiwn ar-lein",
        ],
        "response": "Diolch i chi i gyd. Byddwn yn cynnal hyfforddiant ar y cyd y flwyddyn nesaf ar ddiwrnodau "
        "hyfforddi'r rhanbarth, mewn llai o sesiynau hirach, un ohonynt ar-lein, gydag amser i ymweld ag "
        "ystafelloedd dosbarth ein gilydd.",
        "open_title": "Digwyddiadau disgyblion tymor yr haf",
        "open_question": "Pa ddigwyddiad i ddisgyblion ddylai'r rhanbarth ei gynnal yr haf hwn?",
    },
    "plan": {
        "title": "Darllen cryfach gyda'n gilydd",
        "summary": "Wedi'i lunio o angen cyffredin yr aelodau yn y cwricwlwm (darllen) a'u harbenigwyr eu hunain.",
        "priority": "Darllen cynnar systematig ym mhob ysgol sy'n aelod",
        "rationale": "Mae hanner yr aelodau neu fwy yn nodi'r cwricwlwm yn angen.",
        "first": "Hyfforddiant ffoneg yn yr ysgol arweiniol",
        "first_resources": "Dau hanner diwrnod; arweinydd darllen yr ysgol arweiniol",
        "first_target": "Pob aelod yn rhoi 3 neu fwy i C2",
        "second": "Arweinwyr darllen yn ymweld â gwersi ei gilydd",
        "second_target": "Pob ysgol yn croesawu un ymweliad bob tymor",
        "progress": "Cynhaliwyd y sesiwn gyntaf; daeth 14 athro.",
    },
}

TEXTS = {"en": ENGLISH, "cy": WELSH, "ar": ARABIC}


def demo_language() -> str:
    """The `User.language` of the demo's people: the country's (Egypt's people read Arabic e-mails),
    '' where that is the site's own (they follow their browser)."""
    return countries.profile().people_language


def demo_texts() -> dict:
    """The demo's texts in the language of the country profile (English where none is written)."""
    return TEXTS.get(countries.profile().language, ENGLISH)
