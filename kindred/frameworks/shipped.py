"""The texts of the two example frameworks that ship with Kindred (kindred/frameworks/examples/), in
the catalogues, so a page shows them in the reader's language.

A framework keeps its texts as loaded (the examples are written in English); `shipped_text` words a
text that is one of the examples' own in the active language, and leaves any other text (a framework
a person wrote, or an example's standard someone reworded) as written. The domains' names are the
country profile's (`Domain.label`). A text added to an example is added here and to the catalogues:
tests/frameworks/test_shipped_texts.py fails until it is.
"""

from django.utils.translation import gettext, gettext_noop

SHIPPED_TEXTS = frozenset(
    [
        # professional-behaviours.yaml: name, description, scale, standards (descriptors, behaviours)
        gettext_noop("Teachers' professional behaviours"),
        gettext_noop(
            "A network's schools rate how far each professional behaviour is part of everyday practice, to find their shared strengths and needs and build a shared development plan from them."
        ),
        gettext_noop("Rarely seen"),
        gettext_noop("Sometimes seen"),
        gettext_noop("Usually seen"),
        gettext_noop("Always seen and shared with others"),
        gettext_noop("Plans lessons from what pupils already know"),
        gettext_noop("Uses assessment to set the starting point"),
        gettext_noop("Plans for different starting points"),
        gettext_noop("Sets clear learning goals that pupils understand"),
        gettext_noop("Uses questioning to deepen thinking"),
        gettext_noop("Gives feedback pupils act on"),
        gettext_noop("Creates an inclusive, respectful classroom"),
        gettext_noop("Plans and reviews lessons with colleagues"),
        gettext_noop("Shares practice beyond the school, in the network"),
        gettext_noop("Reflects on practice using evidence"),
        gettext_noop("Seeks out and acts on professional development"),
        # school-improvement.yaml: name, description, scale, standards (descriptors, behaviours)
        gettext_noop("School improvement framework"),
        gettext_noop(
            "A school rates itself on five domains of school improvement, with evidence for each rating, as the first step of the self-review → peer review → support cycle."
        ),
        gettext_noop("Not yet in place"),
        gettext_noop("Developing"),
        gettext_noop("Secure"),
        gettext_noop("Excellent"),
        gettext_noop("Leaders share a clear, ambitious vision for every pupil"),
        gettext_noop("There is no shared statement of what the school is aiming for."),
        gettext_noop("A vision exists but few staff could describe it or act on it."),
        gettext_noop("Staff know the vision and plans follow from it."),
        gettext_noop("The vision shapes daily decisions and is owned by staff, pupils and families."),
        gettext_noop("Leaders evaluate the school accurately and plan from it"),
        gettext_noop("Self-evaluation is rare or not linked to evidence."),
        gettext_noop("Self-evaluation is done but is generous or not acted on."),
        gettext_noop("Self-evaluation is accurate and priorities follow from it."),
        gettext_noop("Self-evaluation is sharp, checked by peers and drives improvement."),
        gettext_noop("Staff are developed and their workload is managed"),
        gettext_noop("Lessons build knowledge in a well-planned sequence"),
        gettext_noop("Teachers check understanding and adapt their teaching"),
        gettext_noop("Pupils with additional needs are supported to succeed"),
        gettext_noop("The curriculum is broad, ambitious and coherently planned"),
        gettext_noop("Reading is taught systematically and well"),
        gettext_noop("Pupils attend regularly and absence is followed up"),
        gettext_noop("Behaviour is calm, orderly and consistently managed"),
        gettext_noop("Families are engaged in their children's learning"),
        gettext_noop("The school works with other schools and services"),
    ]
)


def shipped_text(text: str) -> str:
    """`text` in the active language if it is one of the shipped examples' texts, else as written."""
    return gettext(text) if text in SHIPPED_TEXTS else text
